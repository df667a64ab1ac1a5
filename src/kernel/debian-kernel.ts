import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { downloadDebianPackage, resolveImagePackage, type DebianPackage } from '../fetch/debian-packages.ts';
import { pathExists } from '../fs/exists.ts';
import { produceAtomically } from '../fs/atomic.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import type { Board } from '../schema/board.ts';

/** A kernel unpacked in the cache: image, DTBs and module tree, from one Debian package. */
export interface KernelTree {
  pkg: DebianPackage;
  kver: string;
  root: string;
  moduleRoot: string;
  imagePath: string;
}

/** Which image package the board's kernel package is today, by the host's apt index (for the plan's keys). */
export async function resolveKernelPackage(cacheRoot: string, board: Board, info: ArchInfo): Promise<DebianPackage> {
  return resolveImagePackage(cacheRoot, board.kernel.package, info.debianArch, 'linux-image-');
}

/**
 * Download (verified against the apt index) and unpack the kernel package once into
 * cache/kernels/<sha256>; the unpacked tree is renamed into place only when complete.
 */
export async function prepareKernel(cacheRoot: string, pkg: DebianPackage, board: Board): Promise<KernelTree> {
  const root = join(cacheRoot, 'kernels', pkg.sha256);
  if (!(await pathExists(root))) {
    const deb = await downloadDebianPackage(cacheRoot, pkg);
    await produceAtomically(root, async (temp) => {
      await execa('dpkg-deb', ['-x', deb, temp]);
    });
  }
  const kvers = await readdir(join(root, 'lib', 'modules')).catch(() => []);
  const kver = kvers[0];
  if (!kver || kvers.length !== 1) {
    throw new EmbError(`${pkg.name} ${pkg.version}: expected one kernel release under lib/modules, found ${kvers.length}`, 'name a linux-image package in the board\'s kernel.package');
  }
  const imagePath = join(root, board.kernel.image.replaceAll('{kver}', kver));
  if (!(await pathExists(imagePath))) {
    throw new EmbError(`${pkg.name}: has no kernel image at ${board.kernel.image.replaceAll('{kver}', kver)}`, 'fix kernel.image in the board file (dpkg-deb -c shows the package\'s files)');
  }
  return { pkg, kver, root, moduleRoot: join(root, 'lib', 'modules', kver), imagePath };
}

/**
 * The kernel as the bootloaders want it. Debian's arm64 vmlinuz is a gzip'd Image;
 * U-Boot's booti needs it plain, and QEMU takes either, so it is unpacked to `Image`.
 */
export async function kernelImageOutput(tree: KernelTree): Promise<{ name: string; data: Buffer }> {
  const data = await readFile(tree.imagePath);
  if (data[0] === 0x1f && data[1] === 0x8b) return { name: 'Image', data: gunzipSync(data) };
  return { name: 'vmlinuz', data };
}
