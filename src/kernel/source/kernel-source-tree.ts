import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadDebianPackage, type DebianPackage } from '../../fetch/debian-packages.ts';
import { extractDebianPackage } from '../../fetch/extract-deb.ts';
import { extractSourceTarball } from '../../fetch/extract-tarball.ts';
import { produceAtomically } from '../../fs/atomic.ts';
import { markUsed, pathExists } from '../../fs/exists.ts';

/**
 * Debian's kernel source, unpacked once into cache/kernel-source/<sha256 of the .deb>
 * and shared by every source kernel built from it: builds use `make O=<their own
 * folder>`, which writes nothing into the source tree. The linux-source package holds
 * one tarball, /usr/src/<package>.tar.xz, with Debian's patches applied.
 */
export async function kernelSourceTree(cacheRoot: string, pkg: DebianPackage): Promise<string> {
  const root = join(cacheRoot, 'kernel-source', pkg.sha256);
  if (await pathExists(root)) {
    await markUsed(root);
    return root;
  }
  const deb = await downloadDebianPackage(cacheRoot, pkg);
  await produceAtomically(root, async (temp) => {
    // Beside the temp tree, so a killed run's leftovers carry the .tmp- prefix gc removes.
    const unpacked = `${temp}.deb`;
    try {
      await extractDebianPackage(deb, unpacked, `the kernel source package ${pkg.name} ${pkg.version}`);
      await extractSourceTarball(join(unpacked, 'usr', 'src', `${pkg.name}.tar.xz`), temp, `${pkg.name} ${pkg.version}`);
    } finally {
      await rm(unpacked, { recursive: true, force: true });
    }
  });
  return root;
}
