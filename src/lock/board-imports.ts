import { componentResolver } from '../fetch/component-packages.ts';
import { resolveBinaryPackages } from '../fetch/choose-source.ts';
import { resolveDebianPackage } from '../fetch/debian-packages.ts';
import { resolveGpu } from '../gpu/resolve-gpu.ts';
import { planBuild } from '../plan/plan-build.ts';
import type { ToolchainChoice } from '../toolchain/select-toolchain.ts';

/**
 * Resolve every Debian package building `board` imports, without downloading or
 * building anything: its recipes' debian-binary sources (every alternative, so a
 * fallback source is pinned too), its kernel (a metapackage and the image package it
 * names, or the linux-source package), its bootloader image and its GPU driver's
 * packages and headers. Each resolution goes through emb.lock, so this pins them.
 */
export async function resolveBoardImports(board: string, cacheRoot: string, toolchain?: ToolchainChoice): Promise<void> {
  const plan = await planBuild({ board, cacheRoot, toolchain });
  for (const node of plan.packages) {
    for (const source of node.loaded.recipe.sources) {
      if (source.kind === 'debian-binary') await resolveBinaryPackages(cacheRoot, source, node.info);
    }
  }
  const image = plan.loadedBoard.board.bootloader.image;
  if (image?.from === 'debian') await resolveDebianPackage(cacheRoot, image.package, plan.info.debianArch);
  if (image?.from === 'debian-fat') {
    await componentResolver({ cacheRoot, offline: false })(image.package, plan.info.debianArch, image.component ?? 'main');
  }
  if (plan.gpuDriver !== undefined) {
    await resolveGpu(plan.gpuDriver, plan.kernel.identity, plan.info, {
      cacheRoot,
      offline: false,
      toolchainId: await plan.toolchain.toolchain.id(plan.info),
    });
  }
}
