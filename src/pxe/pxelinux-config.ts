/** One boot entry as U-Boot's `pxe` command reads it (a subset of PXELINUX's syntax). */
export interface PxelinuxEntry {
  /** Shown by U-Boot while it boots: the node's host name. */
  label: string;
  /** Paths relative to the TFTP root. */
  kernel: string;
  initrd: string;
  /** The board's DTB; absent for QEMU's virt machines, whose U-Boot passes QEMU's own. */
  fdt?: string;
  append: string;
}

/**
 * A node's pxelinux.cfg/01-<mac> file. One label, made the default, with no menu and
 * no timeout: a diskless node boots the same thing every time, at once.
 */
export function pxelinuxConfig(entry: PxelinuxEntry): string {
  const lines = [
    '# Written by emb pxe: rewritten by every run, do not edit.',
    'default emb',
    'label emb',
    `  menu label ${entry.label}`,
    `  kernel ${entry.kernel}`,
    ...(entry.fdt === undefined ? [] : [`  fdt ${entry.fdt}`]),
    `  initrd ${entry.initrd}`,
    `  append ${entry.append}`,
    '',
  ];
  return lines.join('\n');
}
