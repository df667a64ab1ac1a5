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

/**
 * The pack stage's initramfs: the newc archive of the assembled tree streamed through
 * zstd into the file, so memory stays at a few chunks whatever the image's size.
 * `sizes()` is valid once the file is written. `refuse` sees the sizes twice, before
 * compressing (unpacked only) and after, and throws to stop an image that does not fit.
 */
export function initramfsFile(
  image: AssembledImage,
  options: { mtime: number; zstdLevel: number; refuse?: (sizes: { uncompressedBytes: number; compressedBytes?: number }) => void },
): DistFile & { sizes(): InitramfsSizes } {
  let sizes: InitramfsSizes = { uncompressedBytes: 0, compressedBytes: 0 };
  return {
    name: initramfsName,
    async write(tempPath, mode) {
      const entries = [...image.entries.values()].map((placed) => placed.entry);
      await faultPoint('pack');
      const archive = { mtime: options.mtime };
      // Known from the headers before a byte is read; zstd refuses a stream that ends up
      // another size than pledged, so the figure is checked as well as recorded.
      const uncompressedBytes = newcArchiveSize(entries, archive);
      options.refuse?.({ uncompressedBytes });
      await compressStreamInto(
        newcArchiveChunks(entries, archive),
        createWriteStream(tempPath, { mode }),
        options.zstdLevel,
        uncompressedBytes,
      );
      sizes = { uncompressedBytes, compressedBytes: (await stat(tempPath)).size };
      options.refuse?.(sizes);
    },
    sizes: () => sizes,
  };
}

/** A file of dist/ whose bytes are already in memory (the kernel image). */
export function bytesFile(name: string, data: Buffer): DistFile {
  return { name, write: (tempPath, mode) => writeFile(tempPath, data, { mode }) };
}
