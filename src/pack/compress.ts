import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { constants, createZstdCompress, zstdCompress } from 'node:zlib';

/**
 * Levels the kernel's initramfs zstd decompressor can be relied on to read. Levels
 * 20..22 ("--ultra") use match windows of up to 128 MiB, which early boot may refuse or
 * fail to allocate.
 */
const MIN_LEVEL = 1;
const MAX_LEVEL = 19;

function verifyLevel(level: number): void {
  if (!Number.isInteger(level) || level < MIN_LEVEL || level > MAX_LEVEL) {
    throw new Error(
      `zstd level ${level} is not usable for an initramfs; give a whole number ` +
        `${MIN_LEVEL}..${MAX_LEVEL} (the kernel cannot read --ultra levels)`,
    );
  }
}

export interface ZstdOptions {
  params: Record<number, number>;
  pledgedSrcSize?: number;
}

/**
 * Node's own zstd (since 22.15), so the archive streams through the compressor.
 * `pledgedSrcSize` puts the size in the frame header, as the one-shot compressor did:
 * zstd then sizes its window to the input and tools such as `zstd -l` show it.
 */
function zstdOptions(level: number, pledgedSrcSize?: number): ZstdOptions {
  verifyLevel(level);
  return {
    params: { [constants.ZSTD_c_compressionLevel]: level, [constants.ZSTD_c_checksumFlag]: 1 },
    ...(pledgedSrcSize === undefined ? {} : { pledgedSrcSize }),
  };
}

/**
 * Compress `source` into `destination` as a single zstd frame, ready to be the
 * kernel's initramfs. Not a plain pipeline: Node's zstd stream ends the frame on the
 * last buffered write when end() comes while writes are queued, and then ends a second,
 * empty frame in its final flush, so how many frames came out depended on timing.
 * Ending only after every write is processed gives one frame, every time.
 */
export async function compressStreamInto(
  source: AsyncIterable<Buffer>,
  destination: Writable,
  level: number,
  pledgedSrcSize?: number,
): Promise<void> {
  const compressor = createZstdCompress(zstdOptions(level, pledgedSrcSize));
  const written = pipeline(compressor, destination);
  // Its error is awaited below; until then it must not count as unhandled.
  written.catch(() => undefined);
  // A compressor error (a size other than pledged, say) may leave a write's callback
  // uncalled: the feeding below then ends on the error instead of waiting forever.
  const failed = new Promise<never>((_resolve, reject) => compressor.once('error', reject));
  failed.catch(() => undefined);
  const feed = async (): Promise<void> => {
    for await (const chunk of source) if (!compressor.write(chunk)) await once(compressor, 'drain');
    await new Promise<void>((resolve, reject) => compressor.write(Buffer.alloc(0), (error) => (error ? reject(error) : resolve())));
    compressor.end();
  };
  try {
    await Promise.race([feed(), failed]);
  } catch (error) {
    compressor.destroy(error instanceof Error ? error : new Error(String(error)));
  }
  await written;
}

/** `data` as a single zstd frame (whole buffers: tests and benchmarks). */
export async function compressZstd(data: Buffer, level: number): Promise<Buffer> {
  return promisify(zstdCompress)(data, zstdOptions(level, data.length));
}

/**
 * How zstd splits a layer among its threads: into jobs of this many bytes, compressed
 * at once. A fixed figure, not one derived from the machine, so the bytes never depend
 * on it; small enough that a layer far larger than the rest (the GPU board's 100 MiB
 * of driver and firmware) spreads over the cores, large enough that the split costs
 * little (with every layer of the default image compressed in the multi-threaded
 * mode at zstd-9: 0.02% over zstd's own job size, 0.3% with 4 MiB jobs). Part of the
 * cached layers' key.
 */
export const ZSTD_JOB_BYTES = 8 << 20;

/**
 * Options for one layer's frame, compressed in one piece. A layer of one job is
 * compressed by zstd's single-threaded mode (other layers compress beside it on the
 * other cores, and zstd's multi-threaded mode costs more CPU for one job: the default
 * image took about 20% more); a larger one is cut into jobs of ZSTD_JOB_BYTES that
 * zstd compresses on its own threads, one per core up to one per job. Which mode is a
 * function of the layer's size only, and with nbWorkers 1 or more the frame is the
 * same bytes whatever the count, so the image never depends on the machine's cores.
 */
export function layerZstdOptions(level: number, size: number, threads: number): ZstdOptions {
  const options = zstdOptions(level, size);
  const jobs = Math.ceil(size / ZSTD_JOB_BYTES);
  if (jobs > 1) {
    options.params[constants.ZSTD_c_nbWorkers] = Math.max(1, Math.min(threads, jobs));
    options.params[constants.ZSTD_c_jobSize] = ZSTD_JOB_BYTES;
  }
  return options;
}
