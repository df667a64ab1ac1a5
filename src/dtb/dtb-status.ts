/**
 * Which nodes describe a device that is there. The kernel's __of_device_is_available:
 * a node without `status`, or with "okay" or "ok", is available; any other value
 * ("disabled", "fail", "reserved", empty) is not. A node below an unavailable one never
 * gets a device either, because of_platform_populate does not descend into it.
 */
import { parentPathOf, type DeviceTree, type DtbNode } from './dtb-node.ts';
import { stringPropertyOf } from './dtb-properties.ts';

/** True when the node's own `status` allows it; its ancestors are not looked at. */
export function isStatusOkay(node: DtbNode): boolean {
  const status = stringPropertyOf(node, 'status');
  return status === undefined || status === 'okay' || status === 'ok';
}

/** True when the node at `path` and every ancestor of it is okay; false when there is no such node. */
export function isNodeEnabled(tree: DeviceTree, path: string): boolean {
  for (let at = path; ; at = parentPathOf(at)) {
    const node = tree.nodes.get(at);
    if (node === undefined || !isStatusOkay(node)) return false;
    if (at === '/') return true;
  }
}

/** Every enabled node, root included, sorted by path so results do not depend on the order in the file. */
export function enabledNodes(tree: DeviceTree): DtbNode[] {
  const enabled: DtbNode[] = [];
  const pending: DtbNode[] = [tree.root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (!isStatusOkay(node)) continue;
    enabled.push(node);
    pending.push(...node.children);
  }
  return enabled.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
