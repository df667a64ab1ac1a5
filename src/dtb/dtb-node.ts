/** The unflattened device tree: nodes with their raw property values, addressed by path. */
import type { DtbHeader } from './dtb-header.ts';

export interface DtbNode {
  /** As in the file, unit address included: 'ethernet@1c30000'; '' for the root. */
  name: string;
  /** '/' for the root, '/soc/ethernet@1c30000' below it. */
  path: string;
  /** Raw values, views into the parsed buffer; the first of two same-named properties wins, as in the kernel. */
  properties: Map<string, Buffer>;
  children: DtbNode[];
}

export interface DeviceTree {
  /** Names the file in messages (usually its path). */
  label: string;
  header: DtbHeader;
  root: DtbNode;
  /** Every node by path, in file order. */
  nodes: Map<string, DtbNode>;
}

/** The path of a child of the node at `parentPath`. */
export function childPathOf(parentPath: string, name: string): string {
  return parentPath === '/' ? `/${name}` : `${parentPath}/${name}`;
}

/** The path of the parent of the node at `path`; '/' for a child of the root (and for the root). */
export function parentPathOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** The node name without its unit address: 'ethernet@1c30000' → 'ethernet'. */
export function nodeBaseName(node: DtbNode): string {
  const at = node.name.indexOf('@');
  return at < 0 ? node.name : node.name.slice(0, at);
}
