import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Give a fresh cache the downloads of another (`downloads/<sha256>/<file>`), hard-linked
 * where both sit on one file system, else copied, so a clean build does not fetch them
 * again. Safe to share: emb renames a download into place once verified and never
 * writes it again, and checks it against its sha256 when used. Temp names of a running
 * download are left out. Returns how many files were given.
 */
export async function seedDownloads(fromCache: string, toCache: string): Promise<number> {
  const from = join(fromCache, 'downloads');
  const to = join(toCache, 'downloads');
  const hashes = (await readdir(from).catch(() => [] as string[])).filter((name) => !name.startsWith('.tmp-'));
  let seeded = 0;
  for (const hash of hashes) {
    const names = (await readdir(join(from, hash)).catch(() => [] as string[])).filter((name) => !name.startsWith('.tmp-'));
    if (names.length === 0) continue;
    await mkdir(join(to, hash), { recursive: true });
    for (const name of names) {
      const source = join(from, hash, name);
      const target = join(to, hash, name);
      try {
        await link(source, target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code !== 'EXDEV' && code !== 'EPERM') throw error;
        await copyFile(source, target);
      }
      seeded++;
    }
  }
  return seeded;
}
