import { packageLayerName, type AssembledImage } from '../assemble/assemble-image.ts';
import { expandVariables } from '../build/step-env.ts';
import type { BuiltPackage } from '../build/package-tasks.ts';
import type { KernelStageResult } from '../kernel/kernel-stage.ts';
import { archPathVariables } from '../plan/arch-info.ts';
import type { Board } from '../schema/board.ts';
import type { GpuSummary } from '../gpu/gpu-stage.ts';
import { unpackedLimitBytes } from './image-fit.ts';
import { layerTotals, manifestFiles, type Manifest } from './manifest.ts';
import { initramfsName, type InitramfsSizes } from './pack-image.ts';

export interface ManifestInput {
  board: Board;
  imageKey: string;
  toolchain: string;
  packages: readonly BuiltPackage[];
  kernel: KernelStageResult;
  image: AssembledImage;
  initramfs: InitramfsSizes & { zstdLevel: number; mtime: number };
  /** dist/'s files, as written: kernel, initramfs, DTB, legacy images. */
  outputs: string[];
  gpu?: GpuSummary;
  /** A GPU driver's boot checks, after the packages'. */
  gpuChecks?: ReadonlyArray<{ package: string; command: string; expect: string }>;
}

/** manifest.json: what the image is made of, for people, `emb qemu` and the up-to-date check. */
export function buildManifest(input: ManifestInput): Manifest {
  const { board, kernel, packages } = input;
  const pruned = kernel.modules;
  const files = manifestFiles(input.image.entries.values());
  return {
    format: 'emb-manifest-1',
    board: board.name,
    arch: board.arch,
    imageKey: input.imageKey,
    kernel: {
      package: kernel.kernel.identity.name,
      version: kernel.kernel.identity.version,
      sha256: kernel.kernel.identity.sha256,
      release: kernel.kernel.kver,
      file: kernel.image.name,
    },
    dtb: kernel.dtb === undefined ? undefined : { file: kernel.dtb.name, source: kernel.dtb.source },
    outputs: input.outputs,
    gpu: input.gpu,
    fit: { ramMiB: board.ramMiB, unpackedLimitBytes: unpackedLimitBytes(board), maxInitrdMiB: board.bootloader.maxInitrdMiB },
    sources: Object.fromEntries(
      packages.map((pkg) => [
        packageLayerName(pkg, board),
        {
          version: pkg.loaded.recipe.version,
          arch: pkg.info.arch,
          kind: pkg.source.kind,
          from: pkg.source.from,
          identity: pkg.source.identity,
          key: pkg.key,
        },
      ]),
    ),
    toolchain: input.toolchain,
    checks: [
      ...packages.flatMap((pkg) =>
        pkg.loaded.recipe.checks.map((check) => ({
          package: pkg.id,
          command: expandVariables(check.command, archPathVariables(pkg.info)),
          expect: check.expect,
        })),
      ),
      ...(input.gpuChecks ?? []),
    ],
    modules: {
      kept: pruned.totals.keptCount,
      total: pruned.totals.totalCount,
      keptBytes: pruned.totals.keptBytes,
      totalBytes: pruned.totals.totalBytes,
      loadOrder: pruned.loadOrder,
      optional: pruned.optional,
      builtin: pruned.builtin,
      firmware: pruned.firmware,
      missingSoftdeps: pruned.missingSoftdeps,
      auto: kernel.auto?.chosen,
      denied: kernel.auto?.denied,
    },
    conflicts: input.image.conflicts,
    initramfs: {
      file: initramfsName,
      ...input.initramfs,
      // Whether a layer came from the cache is left out: the manifest must not depend on it.
      layers: input.initramfs.layers.map(({ name, entries, uncompressedBytes, compressedBytes }) => ({
        name,
        entries,
        uncompressedBytes,
        compressedBytes,
      })),
    },
    readOnlyLayer: input.image.readOnly,
    layers: layerTotals(files),
    files,
  };
}
