/**
 * A cache that is the shared one except for some folders, which start empty: every
 * other top-level folder of the cache is a symlink to the real one (same filesystem,
 * so emb's renames into it work), so a row can time one stage cold without copying
 * gigabytes or touching what the user's cache holds.
 */
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../../src/paths.ts';

export async function cacheWithout(root: string, coldFolders: readonly string[]): Promise<string> {
  await mkdir(root, { recursive: true });
  for (const name of await readdir(cacheDir())) {
    if (!coldFolders.includes(name)) await symlink(join(cacheDir(), name), join(root, name));
  }
  return root;
}
