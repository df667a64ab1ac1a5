import { mkdir, readdir, readFile, stat, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failStep, logFileFor, runSteps } from '../build/run-steps.ts';
import { acquireWorkDir } from '../build/work-dir.ts';
import { EmbError } from '../errors.ts';
import { extractDebianPackage } from '../fetch/extract-deb.ts';
import { extractSourceTarball } from '../fetch/extract-tarball.ts';
import { produceAtomically, writeFileAtomic } from '../fs/atomic.ts';
import { markUsed, pathExists } from '../fs/exists.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import type { Toolchain } from '../toolchain/toolchain.ts';
import { unpackHeaders } from './kernel-headers-tree.ts';
import type { ResolvedGpu } from './resolve-gpu.ts';

/** A driver's modules as the cache keeps them: stripped of debug info, not signed (signing is per build). */
export interface BuiltModules {
  /** cache/gpu-modules/<key>/modules: one file per module of the driver. */
  dir: string;
  built: boolean;
  /** How long the build took when it ran (this run or the one that filled the cache). */
  seconds: number;
}

interface BuildRecord {
  seconds: number;
  kernelRelease: string;
  toolchain: string;
}

/** Find `name` below `dir` (kbuild leaves each module in its own subfolder). */
async function findModule(dir: string, name: string): Promise<string | undefined> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name === name) return join(entry.parentPath, entry.name);
  }
  return undefined;
}

/**
 * Build a driver's kernel modules against the board kernel's headers in the
 * toolchain, unless the cache has them under the build's key (driver.ts, the module
 * source package, the three header packages, the toolchain). Everything happens in a
 * key-named scratch folder; only the finished folder is renamed into the cache.
 */
export async function buildGpuModules(
  gpu: ResolvedGpu,
  env: { cacheRoot: string; toolchain: Toolchain; info: ArchInfo; makeJobs: number },
): Promise<BuiltModules> {
  const { driver } = gpu.loaded;
  const entry = join(env.cacheRoot, 'gpu-modules', gpu.modulesKey);
  const recordFile = join(entry, 'build.json');
  if (await pathExists(recordFile)) {
    await markUsed(entry);
    const record = JSON.parse(await readFile(recordFile, 'utf8')) as BuildRecord;
    return { dir: join(entry, 'modules'), built: false, seconds: record.seconds };
  }
  const started = performance.now();
  const label = `${driver.name} modules for ${gpu.kernelRelease}`;
  const work = await acquireWorkDir(env.cacheRoot, gpu.modulesKey, label);
  try {
    const headers = await unpackHeaders(gpu, join(work.path, 'headers'));
    const unpacked = join(work.path, 'package');
    await extractDebianPackage(await gpu.moduleSource.download(), unpacked, `${driver.name}: ${gpu.moduleSource.pkg.name}`);
    const sourceRoot = join(work.path, 'src');
    await extractSourceTarball(join(unpacked, driver.moduleSource.tarball), sourceRoot, `${driver.name} sources`);
    const sourceDir = join(sourceRoot, driver.moduleSource.dir);
    if (!(await pathExists(sourceDir))) {
      throw new EmbError(
        `packages/${driver.name}/driver.ts: field "moduleSource.dir": ${driver.moduleSource.dir} is not in ${driver.moduleSource.tarball}`,
        'fix the folder name',
      );
    }
    const logFile = logFileFor(env.cacheRoot, driver.name, env.info.arch);
    const stepEnv = {
      CROSS_COMPILE: env.info.crossCompile,
      KERNEL_SOURCE: headers.source,
      KERNEL_BUILD: headers.build,
      KERNEL_RELEASE: gpu.kernelRelease,
      JOBS: String(env.makeJobs),
      LC_ALL: 'C',
      TZ: 'UTC',
      SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH ?? '0',
      KBUILD_BUILD_TIMESTAMP: '@0',
    };
    const run = {
      recipeName: driver.name,
      recipeDir: gpu.loaded.dir,
      sourceDir,
      env: stepEnv,
      logFile,
      toolchain: env.toolchain,
      workDir: work.path,
    };
    await runSteps(driver.steps({ jobs: env.makeJobs }), run);
    const out = join(work.path, 'modules');
    await mkdir(out);
    for (const name of driver.modules) {
      const found = await findModule(sourceDir, name);
      if (found === undefined) {
        throw new EmbError(
          `packages/${driver.name}/driver.ts: the build left no ${name} (log: ${logFile})`,
          'fix the steps or the modules list',
        );
      }
      await copyFile(found, join(out, name));
    }
    // Debug info is 94% of nvidia.ko (185 MB → 11 MB); --strip-debug keeps the symbols the kernel links against.
    const strip = `${env.info.crossCompile}strip`;
    const outcome = await env.toolchain.run({
      command: strip,
      args: ['--strip-debug', ...driver.modules.map((name) => join(out, name))],
      cwd: out,
      env: { LC_ALL: 'C' },
      logFile,
      mounts: [work.path],
    });
    if (outcome.exitCode !== 0) await failStep(run, `${strip} --strip-debug`, outcome);
    const record: BuildRecord = {
      seconds: Math.round((performance.now() - started) / 100) / 10,
      kernelRelease: gpu.kernelRelease,
      toolchain: env.toolchain.kind,
    };
    await produceAtomically(entry, async (temp) => {
      await mkdir(temp);
      await mkdir(join(temp, 'modules'), { recursive: true });
      for (const name of driver.modules) {
        await copyFile(join(out, name), join(temp, 'modules', name));
      }
      await writeFileAtomic(join(temp, 'build.json'), `${JSON.stringify(record, null, 2)}\n`);
    });
    const sizes = await Promise.all(driver.modules.map(async (name) => (await stat(join(entry, 'modules', name))).size));
    if (sizes.some((size) => size === 0)) throw new EmbError(`${label}: an empty module was built`, 'read the build log');
    return { dir: join(entry, 'modules'), built: true, seconds: record.seconds };
  } finally {
    await work.release();
  }
}
