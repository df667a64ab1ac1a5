import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Jobs } from '../build/jobs.ts';
import { EmbError } from '../errors.ts';
import { archInfoOf } from '../plan/arch-info.ts';
import { loadBoard, shownPath } from '../plan/load-board.ts';
import type { ToolchainChoice } from '../toolchain/select-toolchain.ts';
import { bootloaderPlanOf } from './bootloader-plan.ts';
import type { BootloaderImage } from '../schema/board.ts';
import { filesFromDebian, type BootloaderFiles } from './files-from-debian.ts';
import { filesFromDebianFat } from './files-from-debian-fat.ts';
import { filesFromRecipe } from './files-from-recipe.ts';
import { isPowerOfTwo, layOutImage, MiB } from './image-layout.ts';
import type { MbrPartition } from './mbr.ts';
import { verifyFatImageSize, writeFatSdImage } from './write-fat-image.ts';
import { writeSdImage } from './write-sd-image.ts';

export interface BootloaderOptions {
  board: string;
  out: string;
  sizeMiB: number;
  cacheRoot: string;
  offline?: boolean;
  jobs?: Partial<Jobs>;
  toolchain?: ToolchainChoice;
  /** Where boards live (EMB_BOARDS_DIR when unset). */
  boardsRoot?: string;
}

export interface WrittenBootloader {
  board: string;
  out: string;
  sizeBytes: number;
  /** The MBR's one partition, for a FAT image. */
  partition?: MbrPartition;
  /** Each file: at its offset in the raw card, or by name in the FAT partition. */
  files: ({ path: string; bytes: number } & ({ offsetKiB: number } | { name: string }))[];
  origin: string;
}

/** The SD size and output path, checked before anything is fetched or built. */
async function verifyOutput(options: BootloaderOptions, image: BootloaderImage): Promise<void> {
  if (!isPowerOfTwo(options.sizeMiB)) {
    throw new EmbError(
      `--size-mib ${options.sizeMiB} is not a power of two`,
      "QEMU's SD card model takes only power-of-two sizes: give 1, 2, 4 … 64 (the default)",
      2,
    );
  }
  if (image.from === 'debian-fat') verifyFatImageSize(options.sizeMiB);
  const existing = await stat(options.out).catch(() => undefined);
  if (existing?.isDirectory()) throw new EmbError(`--out ${options.out} is a folder`, 'name the image file to write, e.g. sd.img', 2);
}

/**
 * `emb bootloader --board X --out FILE`: the raw SD card image a node needs to boot
 * from the network: the bootloader's files at their offsets in zeros, or in a FAT32
 * partition (an MBR's only one, from 1 MiB) by name. A board whose
 * bootloader emb does not write is refused with what boots it instead.
 */
export async function runBootloader(options: BootloaderOptions): Promise<WrittenBootloader> {
  const { board, file } = await loadBoard(options.board, options.boardsRoot);
  const plan = bootloaderPlanOf(board);
  if (plan.kind === 'none') {
    throw new EmbError(
      `board ${board.name} has no bootloader emb writes: ${plan.reason}`,
      'emb bootloader --list shows the boards that have one',
    );
  }
  await verifyOutput(options, plan.image);
  const boardFile = shownPath(file);
  const context = { boardFile, cacheRoot: options.cacheRoot, offline: options.offline ?? false };
  const sizeBytes = options.sizeMiB * MiB;
  const out = resolve(options.out);
  if (plan.image.from === 'debian-fat') {
    const fat = await filesFromDebianFat(plan.image, archInfoOf(board.arch).debianArch, context);
    const partition = await writeFatSdImage(out, sizeBytes, fat.files);
    return {
      board: board.name,
      out,
      sizeBytes,
      partition,
      files: fat.files.map((entry) => ({ path: entry.path, name: entry.name, bytes: entry.data.length })),
      origin: fat.origin,
    };
  }
  const files: BootloaderFiles =
    plan.image.from === 'debian'
      ? await filesFromDebian(plan.image, archInfoOf(board.arch).debianArch, context)
      : await filesFromRecipe(plan.image, board.arch, { ...context, jobs: options.jobs, toolchain: options.toolchain });
  const placements = layOutImage(files.pieces, sizeBytes, boardFile);
  await writeSdImage(out, sizeBytes, placements);
  return {
    board: board.name,
    out,
    sizeBytes,
    files: placements.map((placement) => ({ path: placement.path, offsetKiB: placement.offsetKiB, bytes: placement.data.length })),
    origin: files.origin,
  };
}
