import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { defaultJobs } from '../../build/jobs.ts';
import { EmbError } from '../../errors.ts';
import { resolveDebianPackage } from '../../fetch/debian-packages.ts';
import { keyOf } from '../../fs/hash.ts';
import { kernelConfigsDir, projectRoot } from '../../paths.ts';
import type { ArchInfo } from '../../plan/arch-info.ts';
import type { SourceKernelSpec } from '../../schema/board.ts';
import type { Toolchain } from '../../toolchain/toolchain.ts';
import type { KernelProvider } from '../kernel-provider.ts';
import { buildSourceKernel } from './build-source-kernel.ts';
import { allConfigText, mergeConfigRequests, parseConfigFragment, type ConfigRequest } from './kernel-config.ts';

/** Bumped when the way a source kernel is built changes, so old cache entries are not reused. */
const BUILD_RECIPE_VERSION = 'source-kernel-1';

/** The fragment files of a board, in merge order: common, the arch's, the board's own. */
export function fragmentFiles(spec: SourceKernelSpec, info: ArchInfo): string[] {
  return [
    join(kernelConfigsDir, 'common.config'),
    join(kernelConfigsDir, `${info.arch}.config`),
    ...spec.fragments.map((name) => join(kernelConfigsDir, 'boards', `${name}.config`)),
  ];
}

/** Every config request of a board's fragments, merged; a missing fragment names the file to add. */
export async function boardConfigRequests(spec: SourceKernelSpec, info: ArchInfo): Promise<ConfigRequest[]> {
  const parsed: ConfigRequest[][] = [];
  for (const file of fragmentFiles(spec, info)) {
    const shown = relative(projectRoot, file) || file;
    const text = await readFile(file, 'utf8').catch(() => {
      throw new EmbError(
        `kernel config fragment ${shown} does not exist`,
        `add it, or fix kernel.fragments in the board file (fragments live in ${relative(projectRoot, kernelConfigsDir) || kernelConfigsDir}/boards/)`,
      );
    });
    parsed.push(parseConfigFragment(text, shown));
  }
  return mergeConfigRequests(parsed);
}

/**
 * Kernels built from Debian's kernel source package with kernel-configs/: resolving
 * reads the fragments and keys the build (source .deb, merged config, DTB, toolchain),
 * which is cheap; preparing builds it, once per key, in the toolchain.
 */
export function sourceKernelProvider(
  spec: SourceKernelSpec,
  env: { cacheRoot: string; info: ArchInfo; dtb?: string; toolchain?: Toolchain },
): KernelProvider {
  return {
    kind: 'source',
    async resolve() {
      const { toolchain } = env;
      if (toolchain === undefined) throw new Error('internal: a source kernel was resolved without a toolchain');
      const source = await resolveDebianPackage(env.cacheRoot, spec.package, 'all');
      const requests = await boardConfigRequests(spec, env.info);
      const key = keyOf([
        BUILD_RECIPE_VERSION,
        source.sha256,
        env.info.arch,
        allConfigText(requests),
        env.dtb ?? '',
        await toolchain.id(env.info),
      ]);
      const identity = {
        name: `${spec.package} (${['common', env.info.arch, ...spec.fragments].join(' + ')})`,
        version: source.version,
        sha256: key,
      };
      return {
        identity,
        prepare: () =>
          buildSourceKernel({
            cacheRoot: env.cacheRoot,
            info: env.info,
            toolchain,
            identity,
            source,
            requests,
            dtb: env.dtb,
            makeJobs: defaultJobs().packages * defaultJobs().make,
          }),
      };
    },
  };
}
