import { Command } from 'commander';
import { z } from 'zod';
import { cacheDir } from '../paths.ts';
import { runPackageBuild } from '../pipeline/run-package-build.ts';
import { archSchema } from '../schema/board.ts';
import { formatBytes } from './format.ts';
import { readArtifactMeta, artifactPaths } from '../build/artifact-store.ts';
import { setLockMode } from '../lock/lock-session.ts';
import { jobsOption, jobsSchema, lockedOption, makeJobsOption, offlineOption, toolchainOption, toolchainSchema } from './shared-options.ts';

export const packageBuildOptionsSchema = z.object({
  arch: archSchema,
  jobs: jobsSchema,
  makeJobs: jobsSchema,
  offline: z.boolean().default(false),
  locked: z.boolean().default(false),
  toolchain: toolchainSchema,
});

const buildSubcommand = new Command('build')
  .description('build recipes (and what they depend on) for one arch into the cache')
  .argument('<names...>', 'recipe names (folders in packages/)')
  .option('-a, --arch <arch>', 'target arch: aarch64, armhf or amd64', 'aarch64')
  .addOption(lockedOption())
  .addOption(jobsOption())
  .addOption(makeJobsOption())
  .addOption(offlineOption())
  .addOption(toolchainOption())
  .action(async (names: string[], raw: unknown) => {
    const options = packageBuildOptionsSchema.parse(raw);
    if (options.locked) setLockMode('locked');
    const cacheRoot = cacheDir();
    const result = await runPackageBuild({
      names,
      arch: options.arch,
      cacheRoot,
      jobs: { packages: options.jobs, make: options.makeJobs },
      offline: options.offline,
      toolchain: options.toolchain,
    });
    console.log(`toolchain: ${result.toolchain}`);
    for (const pkg of result.packages) {
      const meta = await readArtifactMeta(artifactPaths(cacheRoot, pkg.key).meta);
      const size = meta ? `${meta.runtime.files} files, ${formatBytes(meta.runtime.bytes)} (dev: ${meta.dev.files} files)` : '';
      console.log(`${pkg.id} ${pkg.loaded.recipe.version}: ${pkg.built ? 'built' : 'cached'} from ${pkg.source.kind}; ${size}`);
      console.log(`  artifact: ${pkg.artifact}`);
    }
    console.log(`done in ${result.seconds.toFixed(2)} s`);
  });

export const packageCommand = new Command('package').description('work with single packages').addCommand(buildSubcommand);
