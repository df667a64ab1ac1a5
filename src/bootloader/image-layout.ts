import { EmbError } from '../errors.ts';

/** A file of the bootloader with its bytes, as a board's `bootloader.image.files[index]` names it. */
export interface ImagePiece {
  path: string;
  offsetKiB: number;
  data: Uint8Array;
}

/** A piece at its byte offset in the image. */
export interface Placement extends ImagePiece {
  offset: number;
  end: number;
}

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** QEMU's SD card model takes only power-of-two sizes; a real card takes any image that fits it. */
export function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(value) && value > 0 && (value & (value - 1)) === 0;
}

/**
 * Where each piece goes in an image of `sizeBytes`: refused when a piece runs into the
 * next one or past the end. `boardFile` ("boards/sopine.ts") names where to fix it.
 */
export function layOutImage(pieces: readonly ImagePiece[], sizeBytes: number, boardFile: string): Placement[] {
  const placements = pieces.map((piece) => ({ ...piece, offset: piece.offsetKiB * KiB, end: piece.offsetKiB * KiB + piece.data.length }));
  for (const [index, placement] of placements.entries()) {
    const next = placements[index + 1];
    if (next !== undefined && placement.end > next.offset) {
      throw new EmbError(
        `${boardFile}: field "bootloader.image.files.${index}": ${placement.path} (${placement.data.length} bytes at ${placement.offsetKiB} KiB) runs into ${next.path} at ${next.offsetKiB} KiB`,
        `move files.${index + 1}.offsetKiB to ${Math.ceil(placement.end / KiB)} or more, or check the paths`,
      );
    }
    if (placement.end > sizeBytes) {
      throw new EmbError(
        `a ${sizeBytes / MiB} MiB image cannot hold ${placement.path}: it ends ${placement.end} bytes in`,
        'give a larger --size-mib',
      );
    }
  }
  return placements;
}
