import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashOfDirectory, keyOf, sha256Hex } from '../fs/hash.ts';
import { projectRoot, rootfilesDir } from '../paths.ts';

/** Bump when the image layout changes in a way the inputs below do not show. */
const IMAGE_FORMAT = 'emb-image-1';

/**
 * Everything the image is made from: the board file, every package key, the kernel
 * package, rootfiles, the archive mtime and emb's own code. Equal keys mean an equal
 * image, so a build whose key matches dist/'s manifest has nothing to do.
 */
export async function imageKey(parts: { boardFile: string; packageKeys: readonly string[]; kernelSha256: string; mtime: number; authorizedKeys?: string; rootPasswordHash?: string }): Promise<string> {
  return keyOf([
    IMAGE_FORMAT,
    sha256Hex(await readFile(parts.boardFile)),
    ...parts.packageKeys,
    parts.kernelSha256,
    await hashOfDirectory(rootfilesDir),
    await hashOfDirectory(join(projectRoot, 'src')),
    String(parts.mtime),
    sha256Hex(parts.authorizedKeys ?? ''),
    sha256Hex(parts.rootPasswordHash ?? ''),
  ]);
}
