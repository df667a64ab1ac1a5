import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
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

/** What a directory key covers: regular files, symlinks and directories with nothing in them. */
interface KeyedEntry {
  path: string;
  kind: 'file' | 'symlink' | 'empty-dir';
}

/**
 * The entries of `dir` that a key must see, sorted by path. A symlink is an entry of
 * its own (never followed): removing `rootfiles/etc/service/ntpd` disables a service.
 * An empty directory is one too: it is created in the image. A directory with
 * something in it is implied by its contents' paths.
 */
async function keyedEntriesSorted(dir: string): Promise<KeyedEntry[]> {
  // Not readdirSync: with `recursive` Node 22's sync walk follows a symlink to a folder
  // (fs-hash.test.ts), which would change the key of a tree holding one.
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const parents = new Set(entries.map((entry) => relative(dir, entry.parentPath)));
  const keyed: KeyedEntry[] = [];
  for (const entry of entries) {
    const path = relative(dir, join(entry.parentPath, entry.name));
    if (entry.isFile()) keyed.push({ path, kind: 'file' });
    else if (entry.isSymbolicLink()) keyed.push({ path, kind: 'symlink' });
    else if (entry.isDirectory() && !parents.has(path)) keyed.push({ path, kind: 'empty-dir' });
  }
  return keyed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * A key over a directory's file names, exec bits and contents, symlink targets and
 * empty directories: what git (and the image) keeps, not mtimes. A regular file is
 * hashed exactly as before symlinks were covered, so a tree of plain files keeps its
 * key; a symlink or an empty directory is marked so it never reads as a file.
 * Files are read synchronously: these are source folders (src/, rootfiles/, a recipe's)
 * of small files, and awaiting two thread-pool round trips per file, one file after
 * another, was about 100 ms of every no-op build's 0.4 s (issue 13's no-op goal).
 */
export async function hashOfDirectory(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const { path, kind } of await keyedEntriesSorted(dir)) {
    const full = join(dir, path);
    if (kind === 'file') {
      const executable = (lstatSync(full).mode & 0o100) !== 0;
      hash.update(`${path}\0${executable ? 'x' : '-'}\0`);
      hash.update(readFileSync(full));
      hash.update('\0');
    } else if (kind === 'symlink') {
      hash.update(`${path}\0l\0${readlinkSync(full)}\0`);
    } else {
      hash.update(`${path}\0d\0\0`);
    }
  }
  return hash.digest('hex');
}

/** Join parts into one key; each part is length-prefixed so ("ab","c") != ("a","bc"). */
export function keyOf(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return hash.digest('hex');
}
