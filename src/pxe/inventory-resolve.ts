import { inventoryError, nodeLabel } from './inventory-error.ts';
import type { InventoryLayer, RawInventory, RawNode } from './inventory-schema.ts';
import type { InventoryYaml } from './inventory-yaml.ts';
import type { InventoryNode } from './inventory.ts';
import { nodeKernelArgs } from './node-args.ts';

/**
 * From checked fields to nodes: groups and boards looked up, each node's board and
 * arguments merged (its own over its group's over the defaults'), and the values
 * that must tell nodes apart checked for clashes.
 */

function checkBoard(yaml: InventoryYaml, path: PropertyKey[], board: string | undefined, knownBoards: readonly string[]): void {
  if (board === undefined || knownBoards.includes(board)) return;
  throw inventoryError(yaml, path, `unknown board "${board}"`, `known boards: ${knownBoards.join(', ')}`);
}

function groupOf(yaml: InventoryYaml, raw: RawInventory, node: RawNode, index: number): InventoryLayer | undefined {
  if (node.group === undefined) return undefined;
  const groups = raw.groups ?? {};
  if (Object.hasOwn(groups, node.group)) return groups[node.group];
  const names = Object.keys(groups);
  const hint = names.length > 0 ? `groups in this file: ${names.join(', ')}` : 'define it under groups: (this file has none)';
  throw inventoryError(yaml, ['nodes', index, 'group'], `unknown group "${node.group}"`, hint);
}

function resolvedNode(yaml: InventoryYaml, raw: RawInventory, node: RawNode, index: number, knownBoards: readonly string[]): InventoryNode {
  const group = groupOf(yaml, raw, node, index);
  checkBoard(yaml, ['nodes', index, 'board'], node.board, knownBoards);
  const board = node.board ?? group?.board ?? raw.defaults?.board;
  if (board === undefined) {
    const where = node.group === undefined ? 'defaults' : `its group ${node.group} or defaults`;
    throw inventoryError(yaml, ['nodes', index], 'has no board', `give it board:, or give ${where} a board`);
  }
  return {
    index: index + 1,
    mac: node.mac,
    hostname: node.hostname,
    board,
    ...(node.group === undefined ? {} : { group: node.group }),
    ...(node.serial === undefined ? {} : { serial: node.serial }),
    ...(node.secrets === undefined ? {} : { secretFiles: node.secrets }),
    args: nodeKernelArgs([raw.defaults?.args, group?.args, node.args], node.hostname),
  };
}

interface UniqueField {
  field: 'mac' | 'hostname' | 'serial';
  /** The value two nodes must not share, in the form they are compared. */
  keyOf(node: InventoryNode): string | undefined;
  what: string;
  /** Said after the other node, e.g. how values are compared. */
  note?: string;
  hint: string;
}

const uniqueFields: UniqueField[] = [
  { field: 'mac', keyOf: (node) => node.mac, what: 'MAC', hint: 'every node needs its own MAC: the DHCP server tells nodes apart by it' },
  {
    field: 'hostname',
    keyOf: (node) => node.hostname.toLowerCase(),
    what: 'hostname',
    note: ' (host names ignore case)',
    hint: 'give every node its own hostname',
  },
  {
    field: 'serial',
    keyOf: (node) => node.serial,
    what: 'serial',
    hint: "every Pi has its own serial, and names its netboot folder after it: copy it from the Pi's /proc/cpuinfo",
  },
];

function checkUnique(yaml: InventoryYaml, nodes: readonly InventoryNode[], unique: UniqueField): void {
  const first = new Map<string, InventoryNode>();
  for (const node of nodes) {
    const key = unique.keyOf(node);
    if (key === undefined) continue;
    const earlier = first.get(key);
    if (earlier) {
      const other = `${nodeLabel(yaml, earlier.index - 1)} at line ${yaml.lineOf(['nodes', earlier.index - 1])}`;
      throw inventoryError(
        yaml,
        ['nodes', node.index - 1, unique.field],
        `is also the ${unique.what} of ${other}${unique.note ?? ''}`,
        unique.hint,
      );
    }
    first.set(key, node);
  }
}

/** The inventory's nodes, in file order; throws at the first board, group or clash that does not hold. */
export function resolvedNodes(yaml: InventoryYaml, raw: RawInventory, knownBoards: readonly string[]): InventoryNode[] {
  checkBoard(yaml, ['defaults', 'board'], raw.defaults?.board, knownBoards);
  for (const [name, group] of Object.entries(raw.groups ?? {})) checkBoard(yaml, ['groups', name, 'board'], group.board, knownBoards);
  const nodes = raw.nodes.map((node, index) => resolvedNode(yaml, raw, node, index, knownBoards));
  for (const unique of uniqueFields) checkUnique(yaml, nodes, unique);
  return nodes;
}
