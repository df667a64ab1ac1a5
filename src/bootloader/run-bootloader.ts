import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Jobs } from '../build/jobs.ts';
import { EmbError } from '../errors.ts';
import { archInfoOf } from '../plan/arch-info.ts';
import { loadBoard, shownPath } from '../plan/load-board.ts';
import type { ToolchainChoice } from '../toolchain/select-toolchain.ts';
import { bootloaderPlanOf } from './bootloader-plan.ts';
import { filesFromDebian, type BootloaderFiles } from './files-from-debian.ts';
import { filesFromRecipe } from './files-from-recipe.ts';
import { isPowerOfTwo, layOutImage, MiB } from './image-layout.ts';
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
  files: { path: string; offsetKiB: number; bytes: number }[];
  origin: string;
}

/** The SD size and output path, checked before anything is fetched or built. */
async function verifyOutput(options: BootloaderOptions): Promise<void> {
  if (!isPowerOfTwo(options.sizeMiB)) {
    throw new EmbError(
      `--size-mib ${options.sizeMiB} is not a power of two`,
      "QEMU's SD card model takes only power-of-two sizes: give 1, 2, 4 … 64 (the default)",
      2,
    );
  }
  const existing = await stat(options.out).catch(() => undefined);
  if (existing?.isDirectory()) throw new EmbError(`--out ${options.out} is a folder`, 'name the image file to write, e.g. sd.img', 2);
}

/**
 * `emb bootloader --board X --out FILE`: the raw SD card image a node needs to boot
 * from the network, the bootloader's files at their offsets in zeros. A board whose
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
  await verifyOutput(options);
  const boardFile = shownPath(file);
  const context = { boardFile, cacheRoot: options.cacheRoot, offline: options.offline ?? false };
  const files: BootloaderFiles =
    plan.image.from === 'debian'
      ? await filesFromDebian(plan.image, archInfoOf(board.arch).debianArch, context)
      : await filesFromRecipe(plan.image, board.arch, { ...context, jobs: options.jobs, toolchain: options.toolchain });
  const sizeBytes = options.sizeMiB * MiB;
  const placements = layOutImage(files.pieces, sizeBytes, boardFile);
  const out = resolve(options.out);
  await writeSdImage(out, sizeBytes, placements);
  return {
    board: board.name,
    out,
    sizeBytes,
    files: placements.map((placement) => ({ path: placement.path, offsetKiB: placement.offsetKiB, bytes: placement.data.length })),
    origin: files.origin,
  };
}
