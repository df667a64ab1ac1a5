import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EmbError } from '../errors.ts';
import { refetchIfDamaged, type ChosenSource } from '../fetch/choose-source.ts';
import { extractSourceTarball } from '../fetch/extract-tarball.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import type { LoadedRecipe } from '../plan/load-recipe.ts';
import type { Toolchain } from '../toolchain/toolchain.ts';
import { markUsed } from '../fs/exists.ts';
import { artifactPaths, isArtifactComplete, storeArtifact, type ArtifactMeta } from './artifact-store.ts';
import { importDebianBinaries } from './import-debian.ts';
import { failStep, logFileFor, runSteps } from './run-steps.ts';
import { verifySetuidFiles } from './setuid-check.ts';
import { stepEnvironment } from './step-env.ts';
import { stripElfFiles } from './strip.ts';
import { makeSysroot } from './sysroot.ts';
import { acquireWorkDir } from './work-dir.ts';

export interface PackageJob {
  loaded: LoadedRecipe;
  info: ArchInfo;
  source: ChosenSource;
  key: string;
  /** Keys of every package this one depends on, directly or not: its sysroot. */
  dependencyKeys: readonly string[];
}

export interface BuildEnvironment {
  cacheRoot: string;
  toolchain: Toolchain;
  /** make -j for each package (see jobs.ts): not how many packages build at once. */
  makeJobs: number;
  /** Only the cache: a damaged download is an error, not a fetch. */
  offline?: boolean;
}

export interface PackageResult {
  artifact: string;
  built: boolean;
  meta?: ArtifactMeta;
}

async function applyPatches(job: PackageJob, env: BuildEnvironment, sourceDir: string, workDir: string, logFile: string): Promise<void> {
  for (const patch of job.loaded.recipe.patches) {
    const copy = join(workDir, 'patches', basename(patch));
    await mkdir(join(workDir, 'patches'), { recursive: true });
    await copyFile(join(job.loaded.dir, patch), copy).catch(() => {
      throw new EmbError(
        `packages/${job.loaded.recipe.name}: patch ${patch} is not in the recipe folder`,
        'add the file or fix the patches list',
      );
    });
    const outcome = await env.toolchain.run({
      command: 'patch',
      args: ['-p1', '--forward', '--batch', '--no-backup-if-mismatch', '-i', copy],
      cwd: sourceDir,
      env: { LC_ALL: 'C' },
      logFile,
      mounts: [workDir],
    });
    if (outcome.exitCode !== 0) await failStep({ recipeName: job.loaded.recipe.name, logFile }, `patch -p1 < ${patch}`, outcome);
  }
}

/** Compile from a source tarball with the recipe's steps, in the toolchain. */
async function buildFromSource(job: PackageJob, env: BuildEnvironment, workDir: string, destDir: string, sysroot: string): Promise<void> {
  const { recipe } = job.loaded;
  if (job.source.kind === 'debian-binary') return;
  if (!recipe.steps)
    throw new EmbError(`packages/${recipe.name}/recipe.ts: has a ${job.source.kind} source but no steps`, 'add steps: (context) => [...]');
  const sourceDir = join(workDir, 'src');
  await extractSourceTarball(job.source.file, sourceDir, recipe.name);
  const logFile = logFileFor(env.cacheRoot, recipe.name, job.info.arch);
  const stepEnv = stepEnvironment(job.info, { destDir, sysroot }, env.makeJobs);
  const steps = recipe.steps({
    arch: job.info.arch,
    crossCompile: job.info.crossCompile,
    triplet: job.info.triplet,
    kernelArch: job.info.kernelArch,
    jobs: env.makeJobs,
  });
  const run = { recipeName: recipe.name, recipeDir: job.loaded.dir, sourceDir, env: stepEnv, logFile, toolchain: env.toolchain, workDir };
  await runSteps([], run);
  await applyPatches(job, env, sourceDir, workDir, logFile);
  await runSteps(steps, run, { appendLog: true });
  if (!recipe.keepSymbols)
    await stripElfFiles(destDir, {
      recipeName: recipe.name,
      toolchain: env.toolchain,
      stripTool: `${job.info.crossCompile}strip`,
      workDir,
      logFile,
    });
}

/**
 * Build one package into its cache entry, unless an entry with its key exists. All
 * work happens in a scratch folder under the cache; only the finished artifact is
 * renamed into place, so a build killed at any point leaves nothing trusted.
 */
export async function buildPackage(job: PackageJob, env: BuildEnvironment): Promise<PackageResult> {
  const artifact = artifactPaths(env.cacheRoot, job.key).runtime;
  if (await isArtifactComplete(env.cacheRoot, job.key)) {
    await markUsed(artifact);
    return { artifact, built: false };
  }
  const { recipe } = job.loaded;
  const work = await acquireWorkDir(env.cacheRoot, job.key, `${recipe.name} (${job.info.arch})`);
  try {
    const destDir = join(work.path, 'dest');
    const sysroot = join(work.path, 'sysroot');
    await mkdir(destDir, { recursive: true });
    await makeSysroot(env.cacheRoot, job.dependencyKeys, sysroot);
    await refetchIfDamaged(env.cacheRoot, job.source, env.offline);
    if (job.source.kind === 'debian-binary') {
      const debs = job.source.packages.map(({ pkg, file }) => ({ pkg: pkg.name, file }));
      await importDebianBinaries(recipe.name, job.source.source, debs, job.info, destDir, work.path, sysroot);
    } else {
      await buildFromSource(job, env, work.path, destDir, sysroot);
    }
    await verifySetuidFiles(recipe.name, destDir, recipe.setuid);
    const meta = await storeArtifact(
      env.cacheRoot,
      job.key,
      destDir,
      {
        name: recipe.name,
        version: recipe.version,
        arch: job.info.arch,
        toolchain: job.source.kind === 'debian-binary' ? 'none (Debian binary import)' : env.toolchain.kind,
        source: { kind: job.source.kind, from: job.source.from },
      },
      recipe.setuid,
    );
    return { artifact, built: true, meta };
  } finally {
    await work.release();
  }
}
