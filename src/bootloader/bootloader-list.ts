import type { LoadedBoard } from '../plan/load-board.ts';
import { bootloaderPlanOf, imageFilesSummary, imageSourceName } from './bootloader-plan.ts';

/** One row of `emb bootloader --list`. */
export interface BootloaderListRow {
  board: string;
  /** "Debian u-boot-sunxi (arm64)", "recipe u-boot-orangepi-pc (armhf)", or "none". */
  from: string;
  /** The files and their offsets, or why the board gets none. */
  what: string;
}

export function bootloaderListRows(boards: readonly LoadedBoard[]): BootloaderListRow[] {
  return boards.map(({ board }) => {
    const plan = bootloaderPlanOf(board);
    return plan.kind === 'none'
      ? { board: board.name, from: 'none', what: plan.reason }
      : { board: board.name, from: imageSourceName(board, plan.image), what: imageFilesSummary(plan.image) };
  });
}
