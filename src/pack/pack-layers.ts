import { availableParallelism } from 'node:os';
import { readOnlyLayerName } from '../assemble/read-only-split.ts';
import { sha256Hex } from '../fs/hash.ts';
import { layerZstdOptions } from './compress.ts';
import type { LayerArchive } from './layer-archives.ts';
import { packedLayerKey, readPackedLayer, storePackedLayer } from './packed-layer-store.ts';
import { newcArchiveBuffer } from './write-archive.ts';
import { ZstdWorkerPool } from './zstd-worker-pool.ts';

/** One member of the image as written: for the manifest and the pack's title. */
export interface PackedLayer {
  name: string;
  /** Records in its archive, the trailer aside. */
  entries: number;
  uncompressedBytes: number;
  compressedBytes: number;
  /** Its frame came from the cache (not recompressed); not part of the manifest, which must not depend on the cache. */
  fromCache: boolean;
}

export interface PackLayersOptions {
  mtime: number;
  level: number;
  /** Where compressed layers are kept (packed-layer-store.ts); none: every layer is compressed. */
  cacheRoot?: string;
  /** Layers in flight and zstd threads per layer; the bytes do not depend on it. Default: the CPU count. */
  threads?: number;
}

/**
 * The level a layer is compressed at: the image's, except for the read-only layer, a
 * squashfs whose blocks zstd compressed already. zstd -19 spent 1.25 s of a core on
 * its 8.6 MB to save 22 KB (0.26%), -9 0.04 s for 8 KB; at -1 it costs nothing.
 */
export function layerLevel(layerName: string, imageLevel: number): number {
  return layerName === readOnlyLayerName ? Math.min(imageLevel, PRECOMPRESSED_LEVEL) : imageLevel;
}

const PRECOMPRESSED_LEVEL = 1;

interface Settled {
  frame: Buffer;
  fromCache: boolean;
}

/**
 * Compress each archive into its own zstd frame and hand the frames to `write` in the
 * archives' order: concatenated, they are the initramfs. Layers are read and
 * compressed largest first, `threads` at a time, each on zstd's threads too, while
 * `write` takes them in order; so at most `threads` uncompressed archives are in
 * memory at once, whatever the image's size. With `cacheRoot`, a layer whose archive
 * is byte for byte one packed before at this level is not compressed again.
 */
export async function packLayerArchives(
  archives: readonly LayerArchive[],
  options: PackLayersOptions,
  write: (frame: Buffer) => Promise<void>,
): Promise<PackedLayer[]> {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const pool = new ZstdWorkerPool(threads);
  const settled = archives.map(() => {
    let resolve!: (value: Settled) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<Settled>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    // Awaited in order below; one failing early must not count as unhandled meanwhile.
    promise.catch(() => undefined);
    return { promise, resolve, reject };
  });

  const packOne = async (archive: LayerArchive): Promise<Settled> => {
    const bytes = await newcArchiveBuffer(archive.entries, { mtime: options.mtime, earlier: archive.earlier });
    if (bytes.length !== archive.size) {
      throw new Error(`internal: layer "${archive.name}" archive is ${bytes.length} bytes, its headers said ${archive.size}`);
    }
    const level = layerLevel(archive.name, options.level);
    const key = packedLayerKey(sha256Hex(bytes), level);
    const cached = options.cacheRoot === undefined ? undefined : await readPackedLayer(options.cacheRoot, key);
    if (cached !== undefined) return { frame: cached, fromCache: true };
    // `bytes` moves to the compressor thread: not used after this line.
    const frame = await pool.compress(bytes, layerZstdOptions(level, archive.size, threads));
    if (options.cacheRoot !== undefined) await storePackedLayer(options.cacheRoot, key, frame);
    return { frame, fromCache: false };
  };

  // Largest first, so the big layers do not end up last on one core.
  const queue = archives.map((_, index) => index).sort((a, b) => (archives[b]?.size ?? 0) - (archives[a]?.size ?? 0) || a - b);
  const runner = async (): Promise<void> => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      const archive = archives[index];
      const slot = settled[index];
      if (archive === undefined || slot === undefined) continue;
      try {
        slot.resolve(await packOne(archive));
      } catch (error) {
        // The image cannot be written: the layers not started fail with this one, unstarted.
        slot.reject(error);
        for (const waiting of queue.splice(0)) settled[waiting]?.reject(error);
      }
    }
  };
  const runners = Array.from({ length: Math.min(threads, archives.length) }, runner);

  try {
    const packed: PackedLayer[] = [];
    for (const [index, archive] of archives.entries()) {
      const slot = settled[index];
      if (slot === undefined) continue;
      const { frame, fromCache } = await slot.promise;
      await write(frame);
      packed.push({
        name: archive.name,
        entries: archive.entries.filter((entry) => entry.path !== '/').length,
        uncompressedBytes: archive.size,
        compressedBytes: frame.length,
        fromCache,
      });
    }
    return packed;
  } finally {
    queue.splice(0);
    await Promise.allSettled(runners);
    await pool.close();
  }
}
