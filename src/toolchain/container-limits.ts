import { totalmem } from 'node:os';

/**
 * What one build container may use: a runaway step (a fork loop, a compiler eating
 * memory) is stopped by docker, not by the host running out. The memory is three
 * quarters of the host's RAM, no swap on top (--memory-swap equal to it): a kernel
 * build at make -j<cores> fits well inside; the pids bound is far above a make -j
 * tree's few hundred processes.
 */
export interface ContainerLimits {
  memoryBytes: number;
  pids: number;
}

export const containerPidsLimit = 4096;

export function containerLimits(hostMemoryBytes = totalmem()): ContainerLimits {
  // Whole MiB: docker's argument, and the same for every run on one host.
  const memoryMiB = Math.max(512, Math.floor((hostMemoryBytes * 3) / 4 / 2 ** 20));
  return { memoryBytes: memoryMiB * 2 ** 20, pids: containerPidsLimit };
}

/** docker run's flags for the limits, and for privileges: none, and none to gain. */
export function containerConfinementArgs(limits: ContainerLimits): string[] {
  return [
    // A build step needs no capability: it runs as the invoking user, writes only its
    // own files in the mounts, and makes no device, mount or ownership change (the
    // image's owners and modes are set by emb's packer, not by chown in a step).
    '--cap-drop',
    'ALL',
    // No setuid program in the image (su, mount…) can give a step more than it has.
    '--security-opt',
    'no-new-privileges',
    '--pids-limit',
    String(limits.pids),
    '--memory',
    `${limits.memoryBytes / 2 ** 20}m`,
    '--memory-swap',
    `${limits.memoryBytes / 2 ** 20}m`,
  ];
}
