import type { Board } from '../schema/board.ts';

/** The kernel command line a real board boots with: its console (with speed), then the board's own arguments. */
export function boardKernelCmdline(board: Board): string {
  return [`console=${board.console.device}`, board.cmdline].filter((part) => part.trim() !== '').join(' ');
}
