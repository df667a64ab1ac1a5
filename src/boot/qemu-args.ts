import { basename, join } from 'node:path';
import { EmbError } from '../errors.ts';
import type { Board } from '../schema/board.ts';

/** A TCP port of the guest reachable on the host's loopback. */
export interface HostForward {
  hostPort: number;
  guestPort: number;
}

// `-netdev user,…` for a device added with -device; `-nic user,…` for a board's own NIC (QEMU's orangepi-pc EMAC).
function isUserNetwork(devices: readonly string[], index: number): boolean {
  const arg = devices[index] ?? '';
  return ['-netdev', '-nic'].includes(devices[index - 1] ?? '') && (arg === 'user' || arg.startsWith('user,'));
}

/** Whether the board's QEMU devices include a user-mode network, the only kind host port forwards work on. */
export function hasUserNetwork(devices: readonly string[]): boolean {
  return devices.some((_arg, index) => isUserNetwork(devices, index));
}

/** The board's devices with hostfwd rules appended to each `-netdev user,…` value. */
export function withHostForwards(devices: readonly string[], forwards: readonly HostForward[]): string[] {
  if (forwards.length === 0) return [...devices];
  const rules = forwards.map((forward) => `,hostfwd=tcp:127.0.0.1:${forward.hostPort}-:${forward.guestPort}`).join('');
  const out = devices.map((arg, index) => (isUserNetwork(devices, index) ? arg + rules : arg));
  if (!hasUserNetwork(devices)) {
    throw new EmbError(
      'host port forwards need a user-mode network device (-netdev user,… or -nic user,…) on the board',
      "add one to the board's qemu.devices",
    );
  }
  return out;
}

/**
 * Where the guest's console goes: automated runs put it on stdio with no monitor;
 * interactive ones share stdio with the monitor (ctrl-a x quits). A board whose console
 * is not the machine's first UART gets `-serial null` for each one before it.
 */
function consoleArgs(serialIndex: number, interactive: boolean): string[] {
  const before = Array.from({ length: serialIndex }, () => ['-serial', 'null']).flat();
  if (interactive) return serialIndex === 0 ? ['-nographic'] : ['-display', 'none', ...before, '-serial', 'mon:stdio'];
  return ['-display', 'none', ...before, '-serial', 'stdio', '-monitor', 'none'];
}

export interface QemuLaunch {
  binary: string;
  args: string[];
}

/** The kernel command line a QEMU boot gets: console first, the board's args, then the user's. */
export function qemuKernelCmdline(board: Board, append = ''): string {
  // panic=-1 with -no-reboot: a panicking guest ends QEMU at once instead of hanging the test.
  return [`console=${board.console.device}`, 'panic=-1', board.cmdline, append].filter((part) => part.trim() !== '').join(' ');
}

/**
 * QEMU's argument array for a board's dist output. Automated runs put the serial
 * console on stdio with no monitor; interactive runs use -nographic (ctrl-a x quits).
 * `extraArgs` go after the board's devices, e.g. a test's disk (-drive … -device …).
 * `hostForwards` are added to the board's user-mode `-netdev user,…` as hostfwd rules
 * (127.0.0.1:host → guest port), so the host reaches the guest's services.
 */
export function qemuLaunch(
  board: Board,
  outDir: string,
  kernelFile: string,
  options: {
    append?: string;
    interactive?: boolean;
    extraArgs?: readonly string[];
    hostForwards?: readonly HostForward[];
    /** The initrd to load instead of outDir's initramfs.zst (the image with its secrets: boot-initrd.ts). */
    initrd?: string;
  },
): QemuLaunch {
  if (!board.qemu)
    throw new EmbError(`board ${board.name} has no qemu settings`, 'boot it on hardware, or pick a board QEMU emulates, e.g. qemu-aarch64');
  const q = board.qemu;
  const args = [
    '-M',
    q.machine,
    '-cpu',
    q.cpu,
    '-m',
    String(q.memoryMiB),
    '-smp',
    String(q.smp),
    '-kernel',
    join(outDir, kernelFile),
    '-initrd',
    options.initrd ?? join(outDir, 'initramfs.zst'),
    // QEMU's models of real boards take the board's DTB; `virt` makes its own.
    ...(q.dtb && board.dtb ? ['-dtb', join(outDir, basename(board.dtb))] : []),
    '-append',
    qemuKernelCmdline(board, options.append),
    '-no-reboot',
    ...withHostForwards(q.devices, options.hostForwards ?? []),
    ...(options.extraArgs ?? []),
    ...consoleArgs(q.consoleSerial, options.interactive ?? false),
  ];
  return { binary: q.binary, args };
}
