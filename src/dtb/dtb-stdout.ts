/**
 * The console the device tree names: /chosen `stdout-path`, resolved the way the kernel's
 * of_find_node_opts_by_path does. The value is a path or an alias, then optional options
 * after ':' ("serial0:115200n8", "/soc/serial@1c28000:115200n8").
 */
import type { DeviceTree, DtbNode } from './dtb-node.ts';
import { stringPropertyOf } from './dtb-properties.ts';

export interface ChosenStdout {
  /** The property value as written. */
  stdoutPath: string;
  /** What follows ':' (baud rate, parity…), undefined without ':'. */
  options?: string;
  /** The node it names; undefined when the path or alias leads nowhere. */
  node?: DtbNode;
}

/**
 * The node at a full path. Each component must equal a node's name, unit address
 * included, as in the kernel's __of_find_node_by_path; node paths are built from exactly
 * those names, so this is a lookup.
 */
export function nodeAtPath(tree: DeviceTree, path: string): DtbNode | undefined {
  return path.startsWith('/') ? tree.nodes.get(path) : undefined;
}

/** The node an alias (a property of /aliases) points to; undefined when there is none. */
export function nodeOfAlias(tree: DeviceTree, alias: string): DtbNode | undefined {
  const aliases = nodeAtPath(tree, '/aliases');
  const target = aliases === undefined ? undefined : stringPropertyOf(aliases, alias);
  return target === undefined ? undefined : nodeAtPath(tree, target);
}

/**
 * The node a path-or-alias string names, options cut off at the first ':'. An alias ends
 * at ':' when there is one (then nothing after it is a path), else at the first '/', and
 * the rest is walked from the alias's node.
 */
export function nodeOfPathOrAlias(tree: DeviceTree, value: string): DtbNode | undefined {
  const colon = value.indexOf(':');
  const path = colon < 0 ? value : value.slice(0, colon);
  if (path.startsWith('/')) return nodeAtPath(tree, path);
  const slash = path.indexOf('/');
  const aliasEnd = colon >= 0 || slash < 0 ? path.length : slash;
  const base = nodeOfAlias(tree, path.slice(0, aliasEnd));
  if (base === undefined || aliasEnd === path.length) return base;
  return nodeAtPath(tree, `${base.path === '/' ? '' : base.path}${path.slice(aliasEnd)}`);
}

/** /chosen `stdout-path` (or the older `linux,stdout-path`) and its node; undefined when neither is set. */
export function chosenStdout(tree: DeviceTree): ChosenStdout | undefined {
  const chosen = nodeAtPath(tree, '/chosen');
  if (chosen === undefined) return undefined;
  const stdoutPath = stringPropertyOf(chosen, 'stdout-path') ?? stringPropertyOf(chosen, 'linux,stdout-path');
  if (stdoutPath === undefined) return undefined;
  const colon = stdoutPath.indexOf(':');
  const node = nodeOfPathOrAlias(tree, stdoutPath);
  return {
    stdoutPath,
    ...(colon >= 0 ? { options: stdoutPath.slice(colon + 1) } : {}),
    ...(node !== undefined ? { node } : {}),
  };
}
