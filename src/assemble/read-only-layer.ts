import { squashfsImage } from '../pack/squashfs-image.ts';
import type { Board } from '../schema/board.ts';
import type { MergedLayers } from './layers.ts';
import { addReadOnlyImage, readOnlyImagePath, readOnlyMountPoint, splitReadOnly } from './read-only-split.ts';
import { fileDataSize } from './tree-types.ts';

/** What the manifest records of a board's read-only layer. */
export interface ReadOnlyLayerSummary {
  /** The squashfs's path in the image and where /init mounts it. */
  image: string;
  mountPoint: string;
  packages: string[];
  /** Files moved out of the cpio, and their bytes unpacked. */
  files: number;
  fileBytes: number;
  /** The squashfs's own size: what the initramfs carries instead. */
  squashfsBytes: number;
}

/**
 * A board's read-only layer (board.readOnlyLayer): its packages' regular files move
 * from the tree into one squashfs, made or taken from cache/ro-layers, which the tree
 * then carries at /lib/emb/ro.squashfs in a layer of its own; links take the files'
 * places. Without the field the tree is returned as it is.
 */
export async function withReadOnlyLayer(
  image: MergedLayers,
  board: Board,
  options: { cacheRoot: string; mtime: number },
): Promise<{ image: MergedLayers; readOnly?: ReadOnlyLayerSummary }> {
  if (board.readOnlyLayer === undefined) return { image };
  const { packages } = board.readOnlyLayer;
  const split = splitReadOnly(image, packages, board.name);
  const squashfs = await squashfsImage(
    split.moved.map((file) => file.entry),
    options,
  );
  return {
    image: addReadOnlyImage(split.image, squashfs.data),
    readOnly: {
      image: readOnlyImagePath,
      mountPoint: readOnlyMountPoint,
      packages: [...packages],
      files: split.moved.length,
      fileBytes: split.moved.reduce((total, file) => total + fileDataSize(file.entry.data), 0),
      squashfsBytes: squashfs.data.size,
    },
  };
}
