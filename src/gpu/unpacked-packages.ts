import { join } from 'node:path';
import { EmbError } from '../errors.ts';
import type { ComponentPackage } from '../fetch/component-packages.ts';
import { extractDebianPackage } from '../fetch/extract-deb.ts';
import { produceAtomically } from '../fs/atomic.ts';
import { markUsed, pathExists } from '../fs/exists.ts';
import { stat } from 'node:fs/promises';
import type { FileSlice } from '../assemble/tree-types.ts';

/**
 * A Debian package unpacked once into cache/debs/<sha256>/ (renamed into place when
 * complete), so the image's files are slices of files there: GPU firmware and
 * libcuda (90 MB) are streamed by the pack stage, never held in memory.
 */
export async function unpackedPackage(cacheRoot: string, found: ComponentPackage): Promise<string> {
  const root = join(cacheRoot, 'debs', found.pkg.sha256);
  if (await pathExists(root)) {
    await markUsed(root);
    return root;
  }
  const deb = await found.download();
  await produceAtomically(root, (temp) => extractDebianPackage(deb, temp, `${found.pkg.name} ${found.pkg.version}`));
  return root;
}

/** A whole file of an unpacked package as the image's bytes; `what` names the field that asked for it. */
export async function packageFileSlice(root: string, found: ComponentPackage, path: string, what: string): Promise<FileSlice> {
  const full = join(root, path);
  const info = await stat(full).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new EmbError(
      `${what}: ${path} is not a file in ${found.pkg.name} ${found.pkg.version}`,
      `dpkg-deb -c the package to see its files`,
    );
  }
  return { path: full, offset: 0, size: info.size };
}
