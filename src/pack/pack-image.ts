import { open, writeFile } from 'node:fs/promises';
import type { AssembledImage } from '../assemble/assemble-image.ts';
import { faultPoint } from '../fs/fault-point.ts';
import type { DistFile } from '../pipeline/dist-output.ts';
import { imageLayers, planLayerArchives } from './layer-archives.ts';
import { packLayerArchives, type PackedLayer } from './pack-layers.ts';

export const initramfsName = 'initramfs.zst';

/** Sizes of the initramfs written, for the manifest. */
export interface InitramfsSizes {
  uncompressedBytes: number;
  compressedBytes: number;
  /** Its members in the order the kernel unpacks them: one per layer, each a cpio archive in a zstd frame. */
  layers: PackedLayer[];
}

/**
 * The pack stage's initramfs: one member per layer of the assembled tree (base,
 * packages, kernel modules, rootfiles, GPU, generated files), each a whole cpio newc
 * archive in a zstd frame of its own, concatenated in layer order; the kernel unpacks
 * them one after the other into the same root. Layers compress at once on every core,
 * and a layer packed before (cache/packed-layers) is not compressed again, so a
 * rootfile change recompresses only the rootfiles layer. `sizes()` is valid once the
 * file is written. `refuse` sees the sizes twice, before compressing (unpacked only)
 * and after, and throws to stop an image that does not fit.
 */
export function initramfsFile(
  image: AssembledImage,
  options: {
    mtime: number;
    zstdLevel: number;
    cacheRoot?: string;
    refuse?: (sizes: { uncompressedBytes: number; compressedBytes?: number }) => void;
  },
): DistFile & { write(tempPath: string, mode: number): Promise<void>; sizes(): InitramfsSizes } {
  let sizes: InitramfsSizes = { uncompressedBytes: 0, compressedBytes: 0, layers: [] };
  return {
    name: initramfsName,
    async write(tempPath, mode) {
      await faultPoint('pack');
      // Checked and sized from the headers before a byte is read.
      const archives = planLayerArchives(imageLayers(image), options.mtime);
      const uncompressedBytes = archives.reduce((total, archive) => total + archive.size, 0);
      options.refuse?.({ uncompressedBytes });
      const file = await open(tempPath, 'w', mode);
      let position = 0;
      let layers: PackedLayer[];
      try {
        layers = await packLayerArchives(
          archives,
          { mtime: options.mtime, level: options.zstdLevel, cacheRoot: options.cacheRoot },
          async (frame) => {
            for (let done = 0; done < frame.length; ) {
              const { bytesWritten } = await file.write(frame, done, frame.length - done, position);
              done += bytesWritten;
              position += bytesWritten;
            }
            await faultPoint('pack-frame');
          },
        );
      } finally {
        await file.close();
      }
      sizes = { uncompressedBytes, compressedBytes: position, layers };
      options.refuse?.(sizes);
    },
    sizes: () => sizes,
  };
}

/** A file of dist/ whose bytes are already in memory (the kernel image). */
export function bytesFile(name: string, data: Buffer): DistFile {
  return { name, write: (tempPath, mode) => writeFile(tempPath, data, { mode }) };
}
