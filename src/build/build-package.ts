import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ChosenSource } from '../fetch/choose-source.ts';
import { pathExists } from '../fs/exists.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import type { LoadedRecipe } from '../plan/load-recipe.ts';
import { artifactPath, entriesOfDirectory, writeArtifact } from './artifact.ts';
import { importDebianBinaries } from './import-debian.ts';
import { isRuntimePath } from './output-filter.ts';
import { logFileFor, runSteps } from './run-steps.ts';
import { stepEnvironment } from './step-env.ts';
import { stripElfFiles } from './strip.ts';
import { EmbError } from '../errors.ts';

export interface PackageJob {
  loaded: LoadedRecipe;
  info: ArchInfo;
  source: ChosenSource;
  key: string;
}

export interface PackageResult {
  artifact: string;
  built: boolean;
}

/** Unpack a source tarball, dropping its top-level folder as every upstream tarball has one. */
async function unpackTarball(file: string, into: string): Promise<void> {
  await mkdir(into, { recursive: true });
  await execa('tar', ['-xf', file, '-C', into, '--strip-components=1', '--no-same-owner']);
}

/**
 * Build one package into its artifact, unless an artifact with its key exists. All
 * work happens in a scratch folder under the cache; only the finished artifact is
 * renamed into place, so a build killed at any point leaves nothing trusted.
 */
export async function buildPackage(job: PackageJob, cacheRoot: string, jobs: number): Promise<PackageResult> {
  const artifact = artifactPath(cacheRoot, job.key);
  if (await pathExists(artifact)) return { artifact, built: false };
  const { recipe } = job.loaded;
  const work = join(cacheRoot, 'work', `.tmp-${job.key.slice(0, 16)}-${process.pid}`);
  const destDir = join(work, 'dest');
  await rm(work, { recursive: true, force: true });
  await mkdir(destDir, { recursive: true });
  try {
    if (job.source.kind === 'debian-binary') {
      await importDebianBinaries(recipe.name, job.source.source, job.source.packages.map(({ pkg, file }) => ({ pkg: pkg.name, file })), job.info, destDir, work);
    } else {
      if (!recipe.steps) throw new EmbError(`packages/${recipe.name}/recipe.ts: has a tarball source but no steps`, 'add steps: (context) => [...]');
      const sourceDir = join(work, 'src');
      await unpackTarball(job.source.file, sourceDir);
      const env = stepEnvironment(job.info, { destDir, sysroot: join(work, 'sysroot') }, jobs);
      const steps = recipe.steps({ arch: job.info.arch, crossCompile: job.info.crossCompile, kernelArch: job.info.kernelArch, jobs });
      await runSteps(steps, { recipeName: recipe.name, recipeDir: job.loaded.dir, sourceDir, env, logFile: logFileFor(cacheRoot, recipe.name, job.info.arch) });
      if (!recipe.keepSymbols) await stripElfFiles(destDir, `${job.info.crossCompile}strip`);
    }
    await writeArtifact(artifact, await entriesOfDirectory(destDir, isRuntimePath));
    return { artifact, built: true };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
