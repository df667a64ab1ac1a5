import { constants, createZstdCompress, zstdCompress, type ZstdCompress } from 'node:zlib';
import { promisify } from 'node:util';

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

/**
 * Node's own zstd (since 22.15), so the archive streams through the compressor.
 * `pledgedSrcSize` puts the size in the frame header, as the one-shot compressor did:
 * zstd then sizes its window to the input and tools such as `zstd -l` show it.
 */
function zstdOptions(level: number, pledgedSrcSize?: number): { params: Record<number, number>; pledgedSrcSize?: number } {
  verifyLevel(level);
  return { params: { [constants.ZSTD_c_compressionLevel]: level, [constants.ZSTD_c_checksumFlag]: 1 }, ...(pledgedSrcSize === undefined ? {} : { pledgedSrcSize }) };
}

/** A single zstd frame as a stream, ready to be the kernel's initramfs. */
export function zstdCompressStream(level: number, pledgedSrcSize?: number): ZstdCompress {
  return createZstdCompress(zstdOptions(level, pledgedSrcSize));
}

/** `data` as a single zstd frame (whole buffers: tests and benchmarks). */
export async function compressZstd(data: Buffer, level: number): Promise<Buffer> {
  return promisify(zstdCompress)(data, zstdOptions(level, data.length));
}
