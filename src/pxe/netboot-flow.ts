import { EmbError } from '../errors.ts';
import type { Board } from '../schema/board.ts';
import { knownRaspiSocs, raspiFamilyOf } from './raspi-families.ts';

/** How a board's nodes fetch their boot files from the tree. */
export type NetbootFlow = 'u-boot' | 'ipxe' | 'raspi-firmware';

/**
 * The flow a board's bootloader follows: PCs (and QEMU's amd64 machine) run iPXE; ARM
 * boards and QEMU's ARM machines run U-Boot, which looks up pxelinux.cfg by MAC; a
 * Raspberry Pi's own firmware reads a per-node folder (src/pxe/raspi-families.ts). A
 * board whose bootloader cannot boot from the network is refused with what to do.
 */
export function netbootFlowOf(board: Board): NetbootFlow {
  if (board.bootloader.legacyImages !== undefined) {
    throw new EmbError(
      `board ${board.name} cannot boot from the network: its bootloader (${board.bootloader.from}) has none`,
      `boot it from an SD card with dist/${board.name}'s boot.ini, uImage and uInitrd`,
    );
  }
  if (board.bootloader.kind === 'raspi-firmware') {
    if (raspiFamilyOf(board) === undefined) {
      throw new EmbError(
        `board ${board.name}: emb pxe knows the Raspberry Pi network boot of ${knownRaspiSocs().join(' and ')} only, and its dtb (${board.dtb ?? 'none'}) names another SoC`,
        'boot these nodes from an SD card with dist/, or add the SoC to src/pxe/raspi-families.ts',
      );
    }
    return 'raspi-firmware';
  }
  return board.arch === 'amd64' ? 'ipxe' : 'u-boot';
}
