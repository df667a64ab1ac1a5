import { basename } from 'node:path';
import type { Board } from '../schema/board.ts';

/**
 * How each Raspberry Pi SoC boots from the network, from the Raspberry Pi documentation
 * (computers/raspberry-pi/boot-net.adoc, eeprom-bootloader.adoc):
 * - BCM2837 (Pi 3B, 3B+, 2B v1.2): the boot ROM fetches bootcode.bin from the TFTP
 *   root; bootcode.bin then asks for <serial>/start.elf and, when that exists, reads
 *   every further file from <serial>/. It has no other way to name the folder.
 * - BCM2711 (Pi 4, 400, CM4): the bootloader in the EEPROM fetches start4.elf itself
 *   (no bootcode.bin), prefixing every name with TFTP_PREFIX: 0 (the default) the serial,
 *   1 TFTP_PREFIX_STR, 2 the MAC as dc-a6-32-01-36-c2/. If neither start4.elf nor
 *   start.elf is in the prefixed folder, the prefix is dropped.
 * Keyed by SoC, read from the board's DTB name (broadcom/bcm2837-rpi-3-b.dtb).
 */
export interface RaspiFamily {
  soc: string;
  /** Fetched from the TFTP root before any per-node folder. */
  rootFiles: readonly string[];
  /** The VideoCore firmware: start is what makes the firmware use the node's folder, so it is written last. */
  start: string;
  fixup: string;
  /** The firmware can find the node's folder by MAC (the Pi 4 EEPROM's TFTP_PREFIX=2). */
  macFolder: boolean;
}

const families: readonly RaspiFamily[] = [
  { soc: 'bcm2837', rootFiles: ['bootcode.bin'], start: 'start.elf', fixup: 'fixup.dat', macFolder: false },
  { soc: 'bcm2711', rootFiles: [], start: 'start4.elf', fixup: 'fixup4.dat', macFolder: true },
];

/** The SoC in a Raspberry Pi DTB's name: "bcm2711" of "broadcom/bcm2711-rpi-4-b.dtb". */
export function socOfDtb(dtb: string): string | undefined {
  return /^(bcm\d+)-/.exec(basename(dtb))?.[1];
}

/** The network boot of a raspi-firmware board, or undefined when emb knows none for its SoC. */
export function raspiFamilyOf(board: Board): RaspiFamily | undefined {
  const soc = board.dtb === undefined ? undefined : socOfDtb(board.dtb);
  return families.find((family) => family.soc === soc);
}

export function knownRaspiSocs(): string[] {
  return families.map((family) => family.soc);
}
