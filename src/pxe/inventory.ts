import { readFile } from 'node:fs/promises';
import { EmbError } from '../errors.ts';
import type { SecretName } from '../secrets/secret-names.ts';
import { inventorySchemaError } from './inventory-issues.ts';
import { resolvedNodes } from './inventory-resolve.ts';
import { inventorySchema } from './inventory-schema.ts';
import { readInventoryYaml } from './inventory-yaml.ts';

/**
 * The node inventory of `emb pxe`: a YAML file of nodes (MAC, hostname, board, kernel
 * arguments), with defaults and groups that nodes inherit from. Every mistake is an
 * EmbError naming the file, line, node and field.
 *
 * Not checked here: whether a node's whole command line fits its kernel
 * (commandLineLength in src/cmdline/command-line-size.ts), since that needs the board's
 * arch and cmdline, which only a loaded board has; nor whether `serial` suits the board.
 */

export interface InventoryNode {
  /** Position in the file's nodes list, 1-based, for messages. */
  index: number;
  /** Lower-case, colon-separated. */
  mac: string;
  hostname: string;
  /** The node's board, else its group's, else the defaults'; one of the known boards. */
  board: string;
  group?: string;
  /** A Raspberry Pi's serial, 8 lower-case hex digits, for its per-node netboot folder. */
  serial?: string;
  /** The node's kernel arguments: defaults' args, group's args, node's args, then uebo.hostname=<hostname>. */
  args: string;
  /** The node's secret files by name, as the inventory gives them (relative to its folder). */
  secretFiles?: Partial<Record<SecretName, string>>;
}

export interface Inventory {
  /** The file as it was given. */
  file: string;
  nodes: InventoryNode[];
}

/** The inventory in `text`, read from `file` (named in messages); boards must be among `knownBoards`. */
export function parseInventory(text: string, file: string, knownBoards: readonly string[]): Inventory {
  const yaml = readInventoryYaml(text, file);
  const parsed = inventorySchema.safeParse(yaml.value, { reportInput: true });
  if (!parsed.success) throw inventorySchemaError(yaml, parsed.error);
  return { file, nodes: resolvedNodes(yaml, parsed.data, knownBoards) };
}

export async function loadInventory(file: string, knownBoards: readonly string[]): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EmbError(`${file}: no such inventory file`, 'give the path of the YAML file that lists the nodes');
    const reason = error instanceof Error ? error.message : String(error);
    throw new EmbError(`${file}: cannot be read: ${reason}`, 'give the path of a readable YAML file that lists the nodes');
  }
  return parseInventory(text, file, knownBoards);
}
