import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { FileData, FileEntry, FileSlice } from '../assemble/tree-types.ts';
import { EmbError } from '../errors.ts';
import { produceAtomically } from '../fs/atomic.ts';
import { keyOf } from '../fs/hash.ts';
import { readSlicesInto } from './read-slices.ts';
import { faultPoint } from '../fs/fault-point.ts';

/**
 * Bump when the squashfs's bytes come to depend on something the key does not see:
 * mksquashfs's options below, how the staging tree is laid out.
 */
const SQUASHFS_FORMAT = 'emb-ro-squashfs-1';

/** The cache folder of read-only layers: `<key>.squashfs`, one per set of inputs. */
export function readOnlyLayersDir(cacheRoot: string): string {
  return join(cacheRoot, 'ro-layers');
}

/**
 * mksquashfs's arguments after the source and the image: zstd, every file root's,
 * every time (files and the superblock) the build's mtime, no xattrs of the build
 * host, a new image (not appended to a stale one). mksquashfs sorts each directory's
 * names itself and is reproducible by default since 4.4, whatever its thread count.
 */
export function mksquashfsArgs(mtime: number): string[] {
  return [
    '-comp',
    'zstd',
    '-all-root',
    '-no-xattrs',
    '-noappend',
    '-mkfs-time',
    String(mtime),
    '-all-time',
    String(mtime),
    '-quiet',
    '-no-progress',
  ];
}

async function fileBytes(data: FileData): Promise<Buffer> {
  if (Buffer.isBuffer(data)) return data;
  const bytes = Buffer.alloc(data.size);
  await readSlicesInto(bytes, [{ slice: data as FileSlice, at: 0 }]);
  return bytes;
}

async function mksquashfsVersion(): Promise<string> {
  try {
    const { stdout } = await execa('mksquashfs', ['-version']);
    return stdout.split('\n')[0] ?? 'unknown';
  } catch {
    throw new EmbError(
      'mksquashfs is not installed: the board has a readOnlyLayer, which is a squashfs image',
      'apt-get install --no-install-recommends squashfs-tools (or run `npm run setup`; `emb doctor` checks it)',
    );
  }
}

export interface SquashfsImage {
  /** The image in the cache: a slice of all of it, for the packer to stream. */
  data: FileSlice;
  /** Its key: what it is made of (each file's path, mode and bytes), mksquashfs's version and options. */
  key: string;
  fromCache: boolean;
}

/**
 * The squashfs of `files` (image paths, modes and bytes kept), made once per set of
 * inputs and kept in cache/ro-layers. The files are laid out in a staging folder (modes
 * set explicitly: the umask must not matter), mksquashfs writes the image under a temp
 * name, and a rename puts it in place, so a reader never sees half of one.
 */
export async function squashfsImage(files: readonly FileEntry[], options: { cacheRoot: string; mtime: number }): Promise<SquashfsImage> {
  const version = await mksquashfsVersion();
  const parts = [SQUASHFS_FORMAT, version, ...mksquashfsArgs(options.mtime)];
  for (const file of files) {
    const digest = createHash('sha256')
      .update(await fileBytes(file.data))
      .digest('hex');
    parts.push(file.path, file.mode.toString(8), digest);
  }
  const key = keyOf(parts);
  const path = join(readOnlyLayersDir(options.cacheRoot), `${key}.squashfs`);
  const cached = await stat(path).catch(() => undefined);
  if (cached?.isFile()) {
    // A hit is touched, so `emb cache gc` counts it as used.
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
    return { data: { path, offset: 0, size: cached.size }, key, fromCache: true };
  }
  await mkdir(readOnlyLayersDir(options.cacheRoot), { recursive: true });
  const staging = await mkdtemp(join(readOnlyLayersDir(options.cacheRoot), `.tmp-${process.pid}-stage-`));
  try {
    // The squashfs's root is the mount point: readable by every user (node_exporter runs as nobody).
    await chmod(staging, 0o755);
    for (const file of files) {
      const target = join(staging, file.path);
      await mkdirs(staging, dirname(target));
      await writeFile(target, await fileBytes(file.data));
      await chmod(target, file.mode);
    }
    await produceAtomically(path, async (temp) => {
      // Without SOURCE_DATE_EPOCH: mksquashfs reads it too and refuses it beside -mkfs-time/-all-time, which carry the same time.
      const { SOURCE_DATE_EPOCH: _, ...env } = process.env;
      await execa('mksquashfs', [staging, temp, ...mksquashfsArgs(options.mtime)], { env, extendEnv: false }).catch((error: unknown) => {
        const detail = (error as { stderr?: string }).stderr?.trim().split('\n').pop() ?? String(error);
        throw new EmbError(`mksquashfs failed making the read-only layer: ${detail}`, 'run `emb doctor`');
      });
      await faultPoint('squashfs');
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const made = await stat(path);
  return { data: { path, offset: 0, size: made.size }, key, fromCache: false };
}

/** Make `dir` and the folders between `root` and it, each 0755 whatever the umask. */
async function mkdirs(root: string, dir: string): Promise<void> {
  if (dir === root || !dir.startsWith(`${root}/`)) return;
  const exists = await stat(dir).catch(() => undefined);
  if (exists) return;
  await mkdirs(root, dirname(dir));
  await mkdir(dir);
  await chmod(dir, 0o755);
}
