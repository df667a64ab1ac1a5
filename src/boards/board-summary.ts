import type { LoadedBoard } from '../plan/load-board.ts';
import { shownPath } from '../plan/load-board.ts';

/** One row of `emb boards`: what a user picks a board by. */
export interface BoardSummary {
  name: string;
  description: string;
  arch: string;
  kernel: string;
  dtb: string | null;
  ramMiB: number;
  bootloader: string;
  /** QEMU machine that boots it (emb qemu), or null. */
  qemu: string | null;
  modules: string[];
  notes: string[];
  file: string;
}

export function boardSummary({ board, file }: LoadedBoard): BoardSummary {
  return {
    name: board.name,
    description: board.description,
    arch: board.arch,
    kernel: `${board.kernel.provider}:${board.kernel.package}`,
    dtb: board.dtb ?? null,
    ramMiB: board.ramMiB,
    bootloader: board.bootloader.kind,
    qemu: board.qemu ? board.qemu.machine : null,
    modules: board.modules,
    notes: board.notes,
    file: shownPath(file),
  };
}
