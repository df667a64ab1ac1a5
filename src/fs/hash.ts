import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file under `dir`, as sorted relative paths: the order is part of a content key. */
export async function listFilesSorted(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** A key over a directory's file names, exec bits and contents: what git keeps, not mtimes. */
export async function hashOfDirectory(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listFilesSorted(dir)) {
    const executable = ((await stat(join(dir, file))).mode & 0o100) !== 0;
    hash.update(`${file}\0${executable ? 'x' : '-'}\0`);
    hash.update(await readFile(join(dir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Join parts into one key; each part is length-prefixed so ("ab","c") != ("a","bc"). */
export function keyOf(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return hash.digest('hex');
}
