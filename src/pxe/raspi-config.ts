/**
 * config.txt and cmdline.txt of a Raspberry Pi node's folder: Debian's raspi-firmware
 * ships neither (its kernel hook writes them onto an SD card). Options from the
 * Raspberry Pi documentation (computers/config_txt/boot.adoc): arm_64bit=1 starts the
 * cores in 64-bit mode (a gzip-compressed or plain arm64 Image); enable_uart=1 the
 * serial console on GPIO 14/15; upstream_kernel=1 as Debian's hook sets it for its
 * kernel and upstream DTBs; `initramfs <file> followkernel` loads the initramfs after
 * the kernel (no "="). File names are relative to the node's folder: once the firmware
 * has found start*.elf there, it prefixes every name it reads with the folder.
 */

export interface RaspiConfigInput {
  hostname: string;
  board: string;
  arch: string;
  kernel: string;
  initrd: string;
  /** The node's secrets initrd in its folder: the firmware loads a comma-separated list one after the other. */
  secretsInitrd?: string;
  dtb: string;
}

/** A file name the firmware's config parser reads as one word: no spaces, commas (initramfs lists) or slashes. */
function checkedName(name: string): string {
  if (!/^[A-Za-z0-9._+-]+$/.test(name)) throw new Error(`internal: ${JSON.stringify(name)} cannot be named in config.txt`);
  return name;
}

export function raspiConfigTxt(input: RaspiConfigInput): string {
  return [
    `# Written by emb pxe for ${input.hostname} (board ${input.board}): rewritten by every run, do not edit.`,
    '# The firmware reads every file from this folder: names are relative to it.',
    ...(input.arch === 'aarch64' ? ['arm_64bit=1'] : []),
    'enable_uart=1',
    'upstream_kernel=1',
    `kernel=${checkedName(input.kernel)}`,
    `device_tree=${checkedName(input.dtb)}`,
    `initramfs ${[input.initrd, ...(input.secretsInitrd === undefined ? [] : [input.secretsInitrd])].map(checkedName).join(',')} followkernel`,
    '',
  ].join('\n');
}

/** The kernel command line, on the one line the firmware reads. */
export function raspiCmdlineTxt(commandLine: string): string {
  if (/[\r\n]/.test(commandLine)) throw new Error('internal: a command line with a line break reached cmdline.txt');
  return `${commandLine}\n`;
}
