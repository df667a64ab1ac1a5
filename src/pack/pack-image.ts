import { createWriteStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import type { AssembledImage } from '../assemble/assemble-image.ts';
import { faultPoint } from '../fs/fault-point.ts';
import type { DistFile } from '../pipeline/dist-output.ts';
import { compressStreamInto } from './compress.ts';
import { newcArchiveChunks, newcArchiveSize } from './write-archive.ts';

export const initramfsName = 'initramfs.zst';

/** Sizes of the initramfs written, for the manifest. */
export interface InitramfsSizes {
  uncompressedBytes: number;
  compressedBytes: number;
}

/** Yields the source's chunks, counting them. */
async function* counted(source: AsyncIterable<Buffer>, count: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    count.bytes += chunk.length;
    yield chunk;
  }
}

/**
 * The pack stage's initramfs: the newc archive of the assembled tree streamed through
 * zstd into the file, so memory stays at a few chunks whatever the image's size.
 * `sizes()` is valid once the file is written.
 */
export function initramfsFile(
  image: AssembledImage,
  options: { mtime: number; zstdLevel: number },
): DistFile & { sizes(): InitramfsSizes } {
  const raw = { bytes: 0 };
  let compressedBytes = 0;
  return {
    name: initramfsName,
    async write(tempPath, mode) {
      const entries = [...image.entries.values()].map((placed) => placed.entry);
      await faultPoint('pack');
      const archive = { mtime: options.mtime };
      await compressStreamInto(
        counted(newcArchiveChunks(entries, archive), raw),
        createWriteStream(tempPath, { mode }),
        options.zstdLevel,
        newcArchiveSize(entries, archive),
      );
      compressedBytes = (await stat(tempPath)).size;
    },
    sizes: () => ({ uncompressedBytes: raw.bytes, compressedBytes }),
  };
}

/** A file of dist/ whose bytes are already in memory (the kernel image). */
export function bytesFile(name: string, data: Buffer): DistFile {
  return { name, write: (tempPath, mode) => writeFile(tempPath, data, { mode }) };
}
