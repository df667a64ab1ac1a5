import type { Board } from '../schema/board.ts';

/**
 * Room the node's own files need beside the unpacked image, in the same tmpfs: /run,
 * logs, and what services write before /storage is mounted (or all the time without it).
 */
export const runtimeMarginBytes = 32 * 1024 * 1024;

const MiB = 1024 * 1024;

export interface ImageSizes {
  uncompressedBytes: number;
  compressedBytes?: number;
}

/** The largest unpacked image the board takes: the kernel unpacks into a tmpfs of half the RAM, and on overflow files go silently missing. */
export function unpackedLimitBytes(board: Board): number {
  return (board.ramMiB * MiB) / 2 - runtimeMarginBytes;
}

const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;

/**
 * What keeps an image off the board, one line each (empty when it fits): the unpacked
 * size plus the margin over half the smallest RAM, or the compressed size over what
 * the bootloader loads. Each line gives both sizes and the limit.
 */
export function imageFitProblems(board: Board, sizes: ImageSizes): string[] {
  const problems: string[] = [];
  const unpackedLimit = unpackedLimitBytes(board);
  if (sizes.uncompressedBytes > unpackedLimit) {
    problems.push(
      `the image unpacks to ${mib(sizes.uncompressedBytes)} (+ ${mib(runtimeMarginBytes)} for the node's own files), ` +
        `over half of ramMiB ${board.ramMiB}: at most ${mib(unpackedLimit)} fits`,
    );
  }
  const loadLimit = board.bootloader.maxInitrdMiB * MiB;
  if (sizes.compressedBytes !== undefined && sizes.compressedBytes > loadLimit) {
    problems.push(
      `the initramfs is ${mib(sizes.compressedBytes)} compressed (${mib(sizes.uncompressedBytes)} unpacked), ` +
        `over bootloader.maxInitrdMiB ${board.bootloader.maxInitrdMiB} (${board.bootloader.kind})`,
    );
  }
  return problems;
}
