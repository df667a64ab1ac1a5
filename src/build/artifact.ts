import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { BufferedTreeEntry, TreeEntry } from '../assemble/tree-types.ts';
import { produceAtomically } from '../fs/atomic.ts';
import { faultPoint } from '../fs/fault-point.ts';
import { normalizedMode } from '../fs/normal-mode.ts';
import { fileDataBytes } from '../fs/file-slice.ts';
import { keptSpecialBits } from './setuid-check.ts';

/**
 * A built package is stored as plain tars of its install tree (see artifact-store.ts):
 * paths, modes, symlinks and contents, every owner root, every mtime 0. Nothing from
 * the build host (owners, times, the umask's mark on modes) gets in, so the same
 * inputs give the same bytes.
 */

/**
 * The install tree as image entries, sorted, with normalized modes (fs/normal-mode.ts);
 * `keep` filters by image path; the files in `setuid` (the recipe's declared list,
 * checked by setuid-check.ts) keep their setuid and setgid bits.
 */
export async function entriesOfDirectory(
  root: string,
  keep: (path: string) => boolean = () => true,
  setuid: ReadonlySet<string> = new Set(),
): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const walk = async (dir: string, imageDir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const full = join(dir, name);
      const path = `${imageDir}/${name}`;
      if (!keep(path)) continue;
      const info = await lstat(full);
      const base = { path, uid: 0, gid: 0 };
      if (info.isDirectory()) {
        entries.push({ ...base, mode: normalizedMode('dir', info.mode), type: 'dir' });
        await walk(full, path);
      } else if (info.isSymbolicLink()) {
        entries.push({ ...base, mode: normalizedMode('symlink', info.mode), type: 'symlink', target: await readlink(full) });
      } else if (info.isFile()) {
        const mode = normalizedMode('file', info.mode) | keptSpecialBits(path, info.mode, setuid);
        entries.push({ ...base, mode, type: 'file', data: await readFile(full) });
      }
    }
  };
  await walk(root, '');
  return entries;
}

export async function writeArtifact(finalPath: string, entries: readonly TreeEntry[]): Promise<void> {
  await produceAtomically(finalPath, async (temp) => {
    const pack = tar.pack();
    const written = pipeline(pack, createWriteStream(temp));
    for (const [index, entry] of entries.entries()) {
      if (index === Math.floor(entries.length / 2)) await faultPoint('artifact-write');
      const header = { name: entry.path.slice(1), mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: new Date(0) };
      if (entry.type === 'file') {
        const data = fileDataBytes(entry.data);
        pack.entry({ ...header, type: 'file', size: data.length }, data);
      } else if (entry.type === 'dir') pack.entry({ ...header, type: 'directory' });
      else if (entry.type === 'symlink') pack.entry({ ...header, type: 'symlink', linkname: entry.target });
      else
        pack.entry({
          ...header,
          type: entry.type === 'char' ? 'character-device' : 'block-device',
          devmajor: entry.major,
          devminor: entry.minor,
        });
    }
    pack.finalize();
    await written;
  });
}

export async function readArtifact(path: string): Promise<BufferedTreeEntry[]> {
  const entries: BufferedTreeEntry[] = [];
  const extract = tar.extract();
  const done = pipeline(createReadStream(path), extract);
  for await (const item of extract) {
    const header = item.header;
    const chunks: Buffer[] = [];
    for await (const chunk of item) chunks.push(chunk as Buffer);
    const base = { path: `/${header.name.replace(/\/$/, '')}`, mode: header.mode ?? 0o644, uid: header.uid ?? 0, gid: header.gid ?? 0 };
    if (header.type === 'file') entries.push({ ...base, type: 'file', data: Buffer.concat(chunks) });
    else if (header.type === 'directory') entries.push({ ...base, type: 'dir' });
    else if (header.type === 'symlink') entries.push({ ...base, type: 'symlink', target: header.linkname ?? '' });
    else if (header.type === 'character-device' || header.type === 'block-device') {
      entries.push({
        ...base,
        type: header.type === 'character-device' ? 'char' : 'block',
        major: header.devmajor ?? 0,
        minor: header.devminor ?? 0,
      });
    }
  }
  await done;
  return entries;
}
