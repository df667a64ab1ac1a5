import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { failStep, logFileFor } from '../../build/run-steps.ts';
import { acquireWorkDir } from '../../build/work-dir.ts';
import { EmbError } from '../../errors.ts';
import type { DebianPackage } from '../../fetch/debian-packages.ts';
import { produceAtomically, writeFileAtomic } from '../../fs/atomic.ts';
import { markUsed, pathExists } from '../../fs/exists.ts';
import type { ArchInfo } from '../../plan/arch-info.ts';
import type { Arch } from '../../schema/board.ts';
import type { Toolchain } from '../../toolchain/toolchain.ts';
import type { KernelIdentity, PreparedKernel } from '../kernel-provider.ts';
import { allConfigText, parseDotConfig, unmetConfigRequests, type ConfigRequest } from './kernel-config.ts';
import { kernelSourceTree } from './kernel-source-tree.ts';

/** What `make` builds for each arch's kernel image, and where kbuild leaves it. */
const imageTargets: Record<Arch, string> = { aarch64: 'Image', armhf: 'zImage', amd64: 'bzImage' };

/** Everything one source kernel build needs; `key` names its cache entry. */
export interface SourceKernelJob {
  cacheRoot: string;
  info: ArchInfo;
  toolchain: Toolchain;
  identity: KernelIdentity;
  source: DebianPackage;
  requests: readonly ConfigRequest[];
  /** The board's DTB, built from the tree's .dts (a path as `make` names the target). */
  dtb?: string;
  makeJobs: number;
}

/** What build.json records beside the kernel, for reports and `npm run bench`. */
export interface SourceKernelRecord {
  kernelRelease: string;
  seconds: number;
  toolchain: string;
  source: string;
}

function preparedFrom(entry: string, job: SourceKernelJob, record: SourceKernelRecord, hasDtb: boolean, fresh: boolean): PreparedKernel {
  return {
    built: fresh ? `built from source in ${record.seconds} s` : `from the cache (built from source in ${record.seconds} s)`,
    identity: job.identity,
    kver: record.kernelRelease,
    imagePath: join(entry, 'boot', imageTargets[job.info.arch]),
    moduleRoot: join(entry, 'lib', 'modules', record.kernelRelease),
    // Beside build.json: the entry is never changed once renamed into place.
    moduleIndexFile: join(entry, 'module-index.json'),
    dtbRoot: hasDtb ? join(entry, 'dtbs') : undefined,
  };
}

/** The build record of a finished cache entry, or undefined when there is none. */
export async function readSourceKernelRecord(entry: string): Promise<SourceKernelRecord | undefined> {
  const file = join(entry, 'build.json');
  if (!(await pathExists(file))) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as SourceKernelRecord;
}

/**
 * Build a kernel from Debian's source with the merged configuration, in the toolchain,
 * unless cache/source-kernels/<key> has it. The key holds the source package, every
 * config line, the DTB and the toolchain, so the entry is reused only for the same
 * inputs. Work happens in a key-named scratch folder (`make O=`), and only the
 * finished tree (kernel image, modules, DTB, .config, build.json) is renamed in.
 */
export async function buildSourceKernel(job: SourceKernelJob): Promise<PreparedKernel> {
  const entry = join(job.cacheRoot, 'source-kernels', job.identity.sha256);
  const known = await readSourceKernelRecord(entry);
  if (known !== undefined) {
    await markUsed(entry);
    return preparedFrom(entry, job, known, job.dtb !== undefined, false);
  }
  const started = performance.now();
  const source = await kernelSourceTree(job.cacheRoot, job.source);
  const label = `${job.identity.name} for ${job.info.arch}`;
  const work = await acquireWorkDir(job.cacheRoot, job.identity.sha256, label);
  try {
    const build = join(work.path, 'build');
    const out = join(work.path, 'out');
    await mkdir(build);
    const allConfig = join(work.path, 'emb.config');
    await writeFile(allConfig, allConfigText(job.requests));
    const logFile = logFileFor(job.cacheRoot, `kernel-${job.source.name}`, job.info.arch);
    await mkdir(dirname(logFile), { recursive: true });
    await writeFile(logFile, '');
    const make = async (args: readonly string[]): Promise<void> => {
      const full = ['-C', source, `O=${build}`, `ARCH=${job.info.kernelArch}`, `CROSS_COMPILE=${job.info.crossCompile}`, ...args];
      await writeFile(logFile, `$ make ${full.join(' ')}\n`, { flag: 'a' });
      const outcome = await job.toolchain.run({
        command: 'make',
        args: full,
        cwd: work.path,
        // Fixed build stamps: the kernel's version string would otherwise carry the date, user and host.
        env: { LC_ALL: 'C', TZ: 'UTC', KBUILD_BUILD_TIMESTAMP: '@0', KBUILD_BUILD_USER: 'emb', KBUILD_BUILD_HOST: 'emb' },
        logFile,
        mounts: [work.path, source],
      });
      if (outcome.exitCode !== 0) await failStep({ recipeName: label, logFile }, `make ${args.join(' ')}`, outcome);
    };
    await make([`KCONFIG_ALLCONFIG=${allConfig}`, 'allnoconfig']);
    const unmet = unmetConfigRequests(job.requests, parseDotConfig(await readFile(join(build, '.config'), 'utf8')));
    if (unmet.length > 0) {
      throw new EmbError(
        `${label}: Kconfig did not keep ${unmet.length} setting${unmet.length === 1 ? '' : 's'}: ${unmet.slice(0, 5).join('; ')}${unmet.length > 5 ? '; …' : ''}`,
        "enable what each symbol depends on in the same fragment (search the symbol in the source tree's Kconfig files), or drop the line",
      );
    }
    await make([`-j${job.makeJobs}`, imageTargets[job.info.arch], 'modules', ...(job.dtb ? [job.dtb] : [])]);
    // DEPMOD=true: emb resolves module dependencies itself from each module's modinfo.
    await make([`INSTALL_MOD_PATH=${out}`, 'INSTALL_MOD_STRIP=1', 'DEPMOD=true', 'modules_install']);
    const kernelRelease = (await readFile(join(build, 'include', 'config', 'kernel.release'), 'utf8')).trim();
    const moduleRoot = join(out, 'lib', 'modules', kernelRelease);
    // Links back into the scratch folder, which is deleted below.
    await rm(join(moduleRoot, 'build'), { force: true });
    await rm(join(moduleRoot, 'source'), { force: true });
    await mkdir(join(out, 'boot'));
    const bootDir = join(build, 'arch', job.info.kernelArch, 'boot');
    await rename(join(bootDir, imageTargets[job.info.arch]), join(out, 'boot', imageTargets[job.info.arch]));
    if (job.dtb) {
      await mkdir(dirname(join(out, 'dtbs', job.dtb)), { recursive: true });
      await rename(join(bootDir, 'dts', job.dtb), join(out, 'dtbs', job.dtb));
    }
    await cp(join(build, '.config'), join(out, 'config'));
    const record: SourceKernelRecord = {
      kernelRelease,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      toolchain: job.toolchain.kind,
      source: `${job.source.name} ${job.source.version}`,
    };
    await writeFileAtomic(join(out, 'build.json'), `${JSON.stringify(record, null, 2)}\n`);
    await produceAtomically(entry, (temp) => rename(out, temp));
    return preparedFrom(entry, job, record, job.dtb !== undefined, true);
  } finally {
    await work.release();
  }
}
