import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sha256OfFile } from '../fs/hash.ts';

/**
 * Whether the cached download at `path` still has the bytes of `sha256`. It is hashed
 * again each time a build is about to read it, not trusted by its name: a disk error,
 * a truncated copy or a hand edit since it was verified is caught here. A file that
 * fails is deleted with its folder, so the caller fetches it again as on a miss.
 */
export async function isIntactDownload(path: string, sha256: string): Promise<boolean> {
  const got = await sha256OfFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (got === undefined) return false;
  if (got === sha256) return true;
  await rm(dirname(path), { recursive: true, force: true });
  return false;
}
