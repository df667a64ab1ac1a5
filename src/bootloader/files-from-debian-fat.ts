import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbError } from '../errors.ts';
import { componentResolver } from '../fetch/component-packages.ts';
import type { DebianPackage } from '../fetch/debian-packages.ts';
import { extractDebianPackage } from '../fetch/extract-deb.ts';
import type { BootloaderImage } from '../schema/board.ts';
import { siblingsOf } from './files-from-debian.ts';

type DebianFatImage = Extract<BootloaderImage, { from: 'debian-fat' }>;

/** A file for the FAT partition: its name there, where it came from, its bytes. */
export interface FatFile {
  name: string;
  path: string;
  data: Uint8Array;
  /** Its time in the package (dpkg-deb keeps the archive's), so the image does not depend on when it was written. */
  mtime: Date;
}

export interface FatFiles {
  files: FatFile[];
  /** Package, version, component and sha256, for the user. */
  origin: string;
}

/** The .deb, resolved and downloaded through the host's apt (main) or emb's private apt (the other components). */
async function fetchDeb(
  image: DebianFatImage,
  debianArch: string,
  context: { cacheRoot: string; offline: boolean },
): Promise<{ pkg: DebianPackage; deb: string }> {
  const found = await componentResolver(context)(image.package, debianArch, image.component ?? 'main');
  return { pkg: found.pkg, deb: await found.download() };
}

/**
 * The files of a Debian package that go into the image's FAT partition: the package
 * resolved for the board's arch (an Architecture: all one answers too), downloaded and
 * checked against the signed index's sha256 (or taken from the download cache),
 * unpacked with dpkg-deb, each file read by its path in the package.
 */
export async function filesFromDebianFat(
  image: DebianFatImage,
  debianArch: string,
  context: { boardFile: string; cacheRoot: string; offline: boolean },
): Promise<FatFiles> {
  const { pkg, deb } = await fetchDeb(image, debianArch, context);
  const unpacked = await mkdtemp(join(tmpdir(), 'emb-bootloader-'));
  try {
    await extractDebianPackage(deb, unpacked, `the bootloader of ${context.boardFile}`);
    const files: FatFile[] = [];
    for (const [index, file] of image.files.entries()) {
      const data = await readFile(join(unpacked, file.path)).catch(() => undefined);
      if (data === undefined) {
        throw new EmbError(
          `${context.boardFile}: field "bootloader.image.files.${index}.path": ${file.path} is not in ${pkg.name} ${pkg.version} (${pkg.debianArch})`,
          await siblingsOf(unpacked, file.path),
        );
      }
      files.push({ name: file.name, path: file.path, data, mtime: (await stat(join(unpacked, file.path))).mtime });
    }
    const component = image.component ?? 'main';
    return {
      files,
      origin: `Debian ${pkg.name} ${pkg.version} (${pkg.debianArch}, ${component}), ${pkg.fileName} sha256 ${pkg.sha256}`,
    };
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}
