import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A name beside `finalPath` for work in progress. It starts with ".tmp-" so nothing
 * that reads the cache or dist/ ever mistakes it for a finished file, and a later
 * `emb cache gc` can remove what a killed run left.
 */
export function tempPathBeside(finalPath: string): string {
  return join(dirname(finalPath), `.tmp-${process.pid}-${randomBytes(4).toString('hex')}-${basename(finalPath)}`);
}

/** Write a file that another run reads: to a temp name, then rename into place. */
export async function writeFileAtomic(finalPath: string, data: string | Uint8Array, mode?: number): Promise<void> {
  await mkdir(dirname(finalPath), { recursive: true });
  const temp = tempPathBeside(finalPath);
  try {
    await writeFile(temp, data, mode === undefined ? undefined : { mode });
    await rename(temp, finalPath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Run `produce(tempPath)` and rename its result (a file or a directory) into place.
 * On failure the temp is removed, so a failed step leaves nothing a later run trusts.
 */
export async function produceAtomically<T>(finalPath: string, produce: (tempPath: string) => Promise<T>): Promise<T> {
  await mkdir(dirname(finalPath), { recursive: true });
  const temp = tempPathBeside(finalPath);
  try {
    const result = await produce(temp);
    await rm(finalPath, { recursive: true, force: true });
    await rename(temp, finalPath);
    return result;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
