import { readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.ts';
import { keyOf } from '../fs/hash.ts';
import { ZSTD_JOB_BYTES } from './compress.ts';
import { faultPoint } from '../fs/fault-point.ts';

/**
 * Bump when what a packed layer's bytes depend on changes in a way the key below does
 * not see: the frame's parameters (checksum flag, content size, which layers zstd's
 * multi-threaded mode compresses), how the key is made.
 * 2: layers of one job in zstd's single-threaded mode.
 */
const PACKED_LAYER_FORMAT = 'emb-packed-layer-2';

/** The cache folder of compressed layers: `<key>.zst`, one whole cpio archive in one zstd frame each. */
export function packedLayersDir(cacheRoot: string): string {
  return join(cacheRoot, 'packed-layers');
}

/**
 * A compressed layer's key: its uncompressed archive's sha256 (names, modes, owners,
 * mtime, inode numbers and every byte: all the frame is made of), the level, zstd's
 * job size, the packer's format and zstd's own version, since another zstd may write
 * other bytes for the same input and an image must be the bytes this emb would write now.
 */
export function packedLayerKey(archiveSha256: string, level: number): string {
  const zstdVersion = (process.versions as Record<string, string | undefined>).zstd ?? 'unknown';
  return keyOf([PACKED_LAYER_FORMAT, `zstd-${zstdVersion}`, `level-${level}`, `job-${ZSTD_JOB_BYTES}`, archiveSha256]);
}

function packedLayerPath(cacheRoot: string, key: string): string {
  return join(packedLayersDir(cacheRoot), `${key}.zst`);
}

/** The cached frame for `key`, or undefined; a hit is touched, so `emb cache gc` counts it as used. */
export async function readPackedLayer(cacheRoot: string, key: string): Promise<Buffer | undefined> {
  const path = packedLayerPath(cacheRoot, key);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  const now = new Date();
  await utimes(path, now, now).catch(() => undefined);
  return bytes;
}

/** Keep a compressed layer: written under a temp name and renamed, so a reader never sees half of one. */
export async function storePackedLayer(cacheRoot: string, key: string, frame: Buffer): Promise<void> {
  await faultPoint('packed-layer-write');
  await writeFileAtomic(packedLayerPath(cacheRoot, key), frame);
}
