/**
 * Clean builds for the benchmark: each in a fresh cache that holds only the downloads
 * (no network time is measured), through the real CLI with the host toolchain.
 */
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheDir, projectRoot } from '../../src/paths.ts';

export const baseSet = ['busybox', 'runit', 'glibc', 'libgcc', 'dropbear', 'e2fsprogs', 'boinc-client', 'node-exporter'];

async function freshCache(): Promise<string> {
  const cache = await mkdtemp(join(tmpdir(), 'emb-bench-cache-'));
  for (const dir of ['downloads', 'apt-index']) await cp(join(cacheDir(), dir), join(cache, dir), { recursive: true });
  return cache;
}

/** Wall seconds of `emb package build <names> --arch <arch>` from a cache with downloads only; unset jobs take emb's defaults. */
export async function cleanPackageBuild(
  names: readonly string[],
  arch: string,
  jobs: { packages?: number; make?: number } = {},
): Promise<number> {
  const jobFlags = [...(jobs.packages ? ['--jobs', String(jobs.packages)] : []), ...(jobs.make ? ['--make-jobs', String(jobs.make)] : [])];
  const cache = await freshCache();
  try {
    const start = performance.now();
    await execa(process.execPath, [join(projectRoot, 'bin', 'emb.js'), 'package', 'build', ...names, '--arch', arch, ...jobFlags], {
      cwd: projectRoot,
      env: { CI: 'true', EMB_CACHE_DIR: cache, EMB_TOOLCHAIN: 'host' },
    });
    return (performance.now() - start) / 1000;
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

/**
 * The peer: busybox built by hand the old distro's way (a shell script: unpack, copy
 * the config, make, install, strip), with the same tarball, config and compiler.
 */
export async function handBuiltBusybox(jobs: number): Promise<number> {
  const work = await mkdtemp(join(tmpdir(), 'emb-bench-busybox-'));
  // Named after whichever source fetched it (upstream's or Debian's name); the bytes are the same.
  const shaDir = join(cacheDir(), 'downloads', '3311dff32e746499f4df0d5df04d7eb396382d7e108bb9250e7b519b837043a4');
  const tarball = join(shaDir, (await readdir(shaDir)).find((name) => !name.startsWith('.tmp-'))!);
  const script = [
    'set -e',
    'mkdir src dest && tar -xf "$1" -C src --strip-components=1 && cd src',
    'cp "$2" .config',
    'make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- oldconfig >/dev/null',
    `make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -j${jobs} busybox >/dev/null`,
    'make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CONFIG_PREFIX=../dest install >/dev/null',
    'find ../dest -type f -exec aarch64-linux-gnu-strip --strip-unneeded {} + 2>/dev/null || true',
  ].join('\n');
  try {
    await mkdir(work, { recursive: true });
    const start = performance.now();
    await execa('bash', ['-c', script, 'bash', tarball, join(projectRoot, 'packages', 'busybox', 'busybox.config')], {
      cwd: work,
      env: { LC_ALL: 'C' },
    });
    return (performance.now() - start) / 1000;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
