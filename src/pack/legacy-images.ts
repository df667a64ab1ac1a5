import { writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { boardKernelCmdline } from '../cmdline/board-cmdline.ts';
import { EmbError } from '../errors.ts';
import { verifyHostTools } from '../host/host-tools.ts';
import type { DistFile } from '../pipeline/dist-output.ts';
import { archiveMtime } from './mtime.ts';
import type { Board } from '../schema/board.ts';

type LegacyImages = NonNullable<Board['bootloader']['legacyImages']>;

const hex = (address: number): string => `0x${address.toString(16).padStart(8, '0')}`;

/** A file staged earlier in the same dist/ write, or an internal error: the order of files is emb's. */
function stagedPath(staged: ReadonlyMap<string, string>, name: string): string {
  const path = staged.get(name);
  if (path === undefined) throw new Error(`internal: ${name} must be written before the legacy images`);
  return path;
}

async function mkimage(args: readonly string[], what: string): Promise<void> {
  // mkimage dates each header with the current second unless SOURCE_DATE_EPOCH is set: two builds a second apart differed.
  const result = await execa('mkimage', args, { reject: false, env: { SOURCE_DATE_EPOCH: String(archiveMtime()) } });
  if (result.exitCode !== 0) {
    throw new EmbError(`mkimage failed making ${what}: ${(result.stderr || result.stdout).trim().split('\n').pop()}`, 'check u-boot-tools');
  }
}

/**
 * boot.ini for Hardkernel's U-Boot (ODROID-C1): its first line is the magic it looks
 * for; it loads the three files from the SD card's first (FAT) partition and boots
 * them with bootm, which wants legacy images.
 */
export function hardkernelBootIni(board: Board, legacy: LegacyImages, dtbName: string): string {
  return [
    'ODROIDC-UBOOT-CONFIG',
    '',
    `# Written by emb for board ${board.name}. Copy boot.ini, uImage, uInitrd and ${dtbName}`,
    '# to the first (FAT) partition of the SD card.',
    `setenv bootargs "${boardKernelCmdline(board)}"`,
    `fatload mmc 0:1 ${hex(legacy.kernelAddress)} uImage`,
    `fatload mmc 0:1 ${hex(legacy.initrdAddress)} uInitrd`,
    `fatload mmc 0:1 ${hex(legacy.dtbAddress)} ${dtbName}`,
    `fdt addr ${legacy.dtbAddress.toString(16)}`,
    `bootm ${hex(legacy.kernelAddress)} ${hex(legacy.initrdAddress)} ${hex(legacy.dtbAddress)}`,
    '',
  ].join('\n');
}

/**
 * uImage, uInitrd and boot.ini for a board whose bootloader only boots legacy images
 * (mkimage wraps the kernel and initramfs already staged); none for other boards.
 */
export function legacyImageFiles(board: Board, files: { kernel: string; initramfs: string; dtb?: string }): DistFile[] {
  const legacy = board.bootloader.legacyImages;
  if (legacy === undefined) return [];
  const { dtb } = files;
  if (dtb === undefined) throw new Error(`internal: board ${board.name} has legacyImages but no dtb`);
  const arch = board.arch === 'aarch64' ? 'arm64' : board.arch === 'amd64' ? 'x86_64' : 'arm';
  const name = (what: string): string => `emb ${board.name} ${what}`.slice(0, 32);
  return [
    {
      name: 'uImage',
      async write(temp, _mode, staged) {
        await verifyHostTools(['mkimage']);
        const load = hex(legacy.kernelLoadAddress);
        const args = ['-A', arch, '-O', 'linux', '-T', 'kernel', '-C', 'none', '-a', load, '-e', load, '-n', name('kernel')];
        await mkimage([...args, '-d', stagedPath(staged, files.kernel), temp], 'uImage');
      },
    },
    {
      name: 'uInitrd',
      async write(temp, _mode, staged) {
        const args = ['-A', arch, '-O', 'linux', '-T', 'ramdisk', '-C', 'none', '-a', '0', '-e', '0', '-n', name('initramfs')];
        await mkimage([...args, '-d', stagedPath(staged, files.initramfs), temp], 'uInitrd');
      },
    },
    { name: 'boot.ini', write: (temp, mode) => writeFile(temp, hardkernelBootIni(board, legacy, dtb), { mode }) },
  ];
}
