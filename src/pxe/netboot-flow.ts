import { EmbError } from '../errors.ts';
import type { Board } from '../schema/board.ts';

/** How a board's nodes fetch their boot files from the tree. */
export type NetbootFlow = 'u-boot' | 'ipxe';

/**
 * The flow a board's bootloader follows: PCs (and QEMU's amd64 machine) run iPXE; ARM
 * boards and QEMU's ARM machines run U-Boot, which looks up pxelinux.cfg by MAC. A
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
    throw new EmbError(
      `board ${board.name}: emb pxe does not write the Raspberry Pi netboot layout yet`,
      'boot these nodes from an SD card with dist/ for now',
    );
  }
  return board.arch === 'amd64' ? 'ipxe' : 'u-boot';
}
