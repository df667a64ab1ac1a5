import { join } from 'node:path';
import { EmbError } from '../errors.ts';
import type { Board } from '../schema/board.ts';

export interface QemuLaunch {
  binary: string;
  args: string[];
}

/** The kernel command line a QEMU boot gets: console first, the board's args, then the user's. */
export function qemuKernelCmdline(board: Board, append = ''): string {
  // panic=-1 with -no-reboot: a panicking guest ends QEMU at once instead of hanging the test.
  return [`console=${board.console}`, 'panic=-1', board.cmdline, append].filter((part) => part.trim() !== '').join(' ');
}

/**
 * QEMU's argument array for a board's dist output. Automated runs put the serial
 * console on stdio with no monitor; interactive runs use -nographic (ctrl-a x quits).
 */
export function qemuLaunch(board: Board, outDir: string, kernelFile: string, options: { append?: string; interactive?: boolean }): QemuLaunch {
  if (!board.qemu) throw new EmbError(`board ${board.name} has no qemu settings`, 'boot it on hardware, or pick a board QEMU emulates, e.g. qemu-aarch64');
  const q = board.qemu;
  const args = [
    '-M', q.machine,
    '-cpu', q.cpu,
    '-m', String(q.memoryMiB),
    '-smp', String(q.smp),
    '-kernel', join(outDir, kernelFile),
    '-initrd', join(outDir, 'initramfs.zst'),
    '-append', qemuKernelCmdline(board, options.append),
    '-no-reboot',
    ...q.devices,
    ...(options.interactive ? ['-nographic'] : ['-display', 'none', '-serial', 'stdio', '-monitor', 'none']),
  ];
  return { binary: q.binary, args };
}
