import type { DeviceTree } from '../dtb/dtb-node.ts';
import type { Board } from '../schema/board.ts';
import { deviceTreeModules, formatDeviceTreeModules, type DeviceTreeModules } from './modules/device-tree-modules.ts';
import type { ModuleIndex } from './modules/module-index.ts';

/** What mounting a board's read-only layer takes: the loop device and the filesystem. */
export const readOnlyLayerModules = ['loop', 'squashfs'];

/** What `modules: 'auto'` chose from the DTB (node path → compatible → module), and what it left out. */
export type AutoModules = DeviceTreeModules;

/**
 * The board's boot modules: the ones it names first (a PHY or a regulator must be
 * there when the device-tree drivers probe), then what the DTB asks for when 'auto'
 * is among them.
 */
export function boardBootModules(board: Board, index: ModuleIndex, tree?: DeviceTree): { boot: string[]; auto?: AutoModules } {
  // /init mounts a read-only layer (a squashfs on a loop device) before any service
  // starts; built-in ones (a source kernel's) resolve to nothing to load.
  const readOnly = board.readOnlyLayer === undefined ? [] : readOnlyLayerModules.filter((name) => !board.modules.includes(name));
  const named = [...board.modules.filter((name) => name !== 'auto'), ...readOnly];
  if (!board.modules.includes('auto')) return { boot: named };
  if (tree === undefined) throw new Error(`internal: board ${board.name} asks for 'auto' modules without a DTB`);
  const auto = deviceTreeModules(tree, index, board.denyModules);
  const boot = [...named];
  for (const choice of auto.chosen) if (!boot.includes(choice.module)) boot.push(choice.module);
  return { boot, auto };
}

/** Lines for the build's log and `emb boards check`: why each module is in the image. */
export function formatAutoModules(auto: AutoModules): string[] {
  return formatDeviceTreeModules(auto);
}
