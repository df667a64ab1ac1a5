import { createRequire } from 'node:module';

/**
 * @mongodb-js/zstd 1.2.2's JS wrapper drops the level argument (every call compresses
 * at zstd's default, 3); its native binding takes it. Measured here: level 19 gives a
 * 24% smaller initramfs than what the wrapper returns. So the binding is called
 * directly; test/unit/pack-compress.test.ts checks that the level takes effect.
 */
const binding = createRequire(import.meta.url)('@mongodb-js/zstd/bindings') as {
  compress(data: Buffer, level?: number): Promise<Buffer>;
};

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
  return binding.compress(data, level);
}
