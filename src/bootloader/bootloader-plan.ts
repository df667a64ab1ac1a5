import type { Board, BootloaderImage } from '../schema/board.ts';
import { archInfoOf } from '../plan/arch-info.ts';
import { raspiFamilyOf } from '../pxe/raspi-families.ts';

/** What `emb bootloader` can do for a board: write an SD image from a source, or say why it writes none. */
export type BootloaderPlan = { kind: 'image'; image: BootloaderImage } | { kind: 'none'; reason: string };

/**
 * A Pi whose bootloader is in its EEPROM (Pi 4: no bootcode.bin) netboots without a
 * card once BOOT_ORDER includes 2. Debian has no rpi-eeprom (Raspberry Pi OS's) for an
 * EEPROM update card (recovery.bin, pieeprom.upd), so the setting is made on the Pi.
 */
const eepromNetboot =
  'its EEPROM bootloader netboots with no SD card, and Debian has no rpi-eeprom to write an EEPROM update card: on Raspberry Pi OS run sudo rpi-eeprom-config --edit, set BOOT_ORDER=0xf21 and TFTP_PREFIX=2 (the MAC folders emb pxe writes; 0 for serial folders)';

/**
 * Why a board without `bootloader.image` gets none, from its bootloader kind: the
 * board data says what boots it, and this names it for a user.
 */
function reasonForNone(board: Board): string {
  const { kind, from, legacyImages } = board.bootloader;
  switch (kind) {
    case 'raspi-firmware':
      return raspiFamilyOf(board)?.rootFiles.length === 0 ? eepromNetboot : `no bootloader.image in the board file: ${from}`;
    case 'vendor-u-boot':
      return legacyImages !== undefined ? `boots from SD with dist's boot.ini: ${from}` : `vendor U-Boot: ${from}`;
    case 'qemu':
      return board.arch === 'amd64'
        ? "QEMU's own firmware (SeaBIOS with its iPXE ROM, or -kernel)"
        : "QEMU's own firmware (-bios u-boot.bin of Debian's u-boot-qemu, or -kernel)";
    case 'pc-firmware':
      return "the PC's own firmware (its PXE ROM, then iPXE)";
    case 'u-boot':
      return `no bootloader.image in the board file: ${from}`;
  }
}

export function bootloaderPlanOf(board: Board): BootloaderPlan {
  const image = board.bootloader.image;
  return image === undefined ? { kind: 'none', reason: reasonForNone(board) } : { kind: 'image', image };
}

/** "Debian u-boot-sunxi (arm64)", "Debian raspi-firmware (non-free-firmware)" or "recipe u-boot-orangepi-pc (armhf)": where the files come from. */
export function imageSourceName(board: Board, image: BootloaderImage): string {
  switch (image.from) {
    case 'debian':
      return `Debian ${image.package} (${archInfoOf(board.arch).debianArch})`;
    case 'debian-fat':
      return `Debian ${image.package} (${image.component ?? 'main'})`;
    case 'recipe':
      return `recipe ${image.recipe} (${board.arch})`;
  }
}

/** "/usr/lib/u-boot/sopine_baseboard/: sunxi-spl.bin at 8 KiB, u-boot-sunxi-with-spl.fit.itb at 40 KiB" */
export function imageFilesSummary(image: BootloaderImage): string {
  if (image.from === 'debian-fat') {
    const files = image.files.map((file) => (file.path.endsWith(`/${file.name}`) ? file.path : `${file.path} as ${file.name}`));
    return `FAT32 partition from 1 MiB: ${files.join(', ')}`;
  }
  const folders = new Set(image.files.map((file) => file.path.slice(0, file.path.lastIndexOf('/') + 1)));
  const [folder] = folders;
  const shared = folders.size === 1 && folder !== undefined ? folder : '';
  const files = image.files.map((file) => `${file.path.slice(shared.length)} at ${file.offsetKiB} KiB`).join(', ');
  return shared === '' ? files : `${shared}: ${files}`;
}
