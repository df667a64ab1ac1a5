import { compress } from '@mongodb-js/zstd';

/**
 * Levels the kernel's initramfs zstd decompressor can be relied on to read. Levels
 * 20..22 ("--ultra") use match windows of up to 128 MiB, which early boot may refuse or
 * fail to allocate.
 */
const MIN_LEVEL = 1;
const MAX_LEVEL = 19;

/** `data` as a single zstd frame, ready to be the kernel's initramfs. */
export async function compressZstd(data: Buffer, level: number): Promise<Buffer> {
  if (!Number.isInteger(level) || level < MIN_LEVEL || level > MAX_LEVEL) {
    throw new Error(
      `zstd level ${level} is not usable for an initramfs; give a whole number ` +
        `${MIN_LEVEL}..${MAX_LEVEL} (the kernel cannot read --ultra levels)`,
    );
  }
  return compress(data, level);
}
