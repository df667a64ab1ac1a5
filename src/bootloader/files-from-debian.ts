import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EmbError } from '../errors.ts';
import { downloadCachePath } from '../fetch/download.ts';
import { downloadDebianPackage, resolveDebianPackage } from '../fetch/debian-packages.ts';
import { extractDebianPackage } from '../fetch/extract-deb.ts';
import { pathExists } from '../fs/exists.ts';
import type { BootloaderImage } from '../schema/board.ts';
import type { ImagePiece } from './image-layout.ts';

type DebianImage = Extract<BootloaderImage, { from: 'debian' }>;

export interface BootloaderFiles {
  pieces: ImagePiece[];
  /** Where they came from, for the user: package and version, or recipe and key. */
  origin: string;
}

/** What a folder holds, for the hint when a file is not where the board says. */
export async function siblingsOf(root: string, path: string): Promise<string> {
  const names = await readdir(join(root, dirname(path))).catch(() => undefined);
  return names === undefined ? `the package has no ${dirname(path)}/` : `${dirname(path)}/ has: ${names.sort().join(', ')}`;
}

/**
 * The files of a Debian binary package (for the board's arch) that the image needs:
 * resolved in the host's apt index, downloaded through apt and checked against the
 * index's sha256 (or taken from the download cache), unpacked with dpkg-deb.
 */
export async function filesFromDebian(
  image: DebianImage,
  debianArch: string,
  context: { boardFile: string; cacheRoot: string; offline: boolean },
): Promise<BootloaderFiles> {
  const pkg = await resolveDebianPackage(context.cacheRoot, image.package, debianArch);
  const cached = downloadCachePath(context.cacheRoot, pkg.sha256, pkg.fileName);
  if (context.offline && !(await pathExists(cached))) {
    throw new EmbError(
      `${pkg.name}:${debianArch} ${pkg.version} is not in the download cache and --offline is set`,
      'run once without --offline',
    );
  }
  const deb = await downloadDebianPackage(context.cacheRoot, pkg);
  const unpacked = await mkdtemp(join(tmpdir(), 'emb-bootloader-'));
  try {
    await extractDebianPackage(deb, unpacked, `the bootloader of ${context.boardFile}`);
    const pieces: ImagePiece[] = [];
    for (const [index, file] of image.files.entries()) {
      const data = await readFile(join(unpacked, file.path)).catch(() => undefined);
      if (data === undefined) {
        throw new EmbError(
          `${context.boardFile}: field "bootloader.image.files.${index}.path": ${file.path} is not in ${pkg.name} ${pkg.version} (${debianArch})`,
          await siblingsOf(unpacked, file.path),
        );
      }
      pieces.push({ path: file.path, offsetKiB: file.offsetKiB, data });
    }
    return { pieces, origin: `Debian ${pkg.name} ${pkg.version} (${debianArch}), ${pkg.fileName} sha256 ${pkg.sha256}` };
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}
