import type { PrivateAptOptions } from '../fetch/private-apt.ts';
import type { Board } from '../schema/board.ts';
import type { Inventory } from './inventory.ts';
import { netbootFlowOf } from './netboot-flow.ts';
import { raspiFamilyOf } from './raspi-families.ts';
import { fetchRaspiFirmware, type RaspiFirmware } from './raspi-firmware.ts';
import { missingSerialError, raspiNodeDir } from './raspi-layout.ts';

/**
 * Every Raspberry Pi node can be given a folder (a serial, or a MAC where its firmware
 * looks by MAC): checked for the whole inventory before anything is fetched or built,
 * each refusal one line naming the file, node and field.
 */
export function checkRaspiNodes(inventory: Inventory, boards: ReadonlyMap<string, { board: Board }>): void {
  for (const node of inventory.nodes) {
    const board = boards.get(node.board)?.board;
    const family = board === undefined ? undefined : raspiFamilyOf(board);
    if (board === undefined || family === undefined || board.bootloader.kind !== 'raspi-firmware') continue;
    if (raspiNodeDir(node, family) === undefined) {
      throw missingSerialError(`${inventory.file}: nodes[${node.index}] (mac ${node.mac}, hostname ${node.hostname})`, board, family);
    }
  }
}

/**
 * What emb pxe needs for the inventory's Raspberry Pi nodes, before any board is
 * built: their folders checked, then Debian's raspi-firmware through emb's private apt.
 * Undefined when no board of the inventory boots by the Pi's firmware.
 */
export async function prepareRaspiNetboot(
  inventory: Inventory,
  boards: ReadonlyMap<string, { board: Board }>,
  cacheRoot: string,
  options: PrivateAptOptions = {},
): Promise<RaspiFirmware | undefined> {
  const usesPi = [...boards.values()].some(({ board }) => netbootFlowOf(board) === 'raspi-firmware');
  if (!usesPi) return undefined;
  checkRaspiNodes(inventory, boards);
  return fetchRaspiFirmware(cacheRoot, options);
}
