/**
 * The modules a board's device tree asks for, found the way the running system would:
 * each enabled node becomes a device whose modalias ("of:N…T…C…C…", see of-modalias.ts)
 * udev passes to modprobe, which loads every module with an alias pattern matching it.
 * A kernel has thousands of "of:" patterns and a tree a few hundred nodes, so patterns
 * are indexed by the compatible string they spell out and each node tries only those.
 */
import { EmbError } from '../../errors.ts';
import { chosenStdout } from '../../dtb/dtb-stdout.ts';
import type { DeviceTree, DtbNode } from '../../dtb/dtb-node.ts';
import { compatiblesOf } from '../../dtb/dtb-properties.ts';
import { enabledNodes } from '../../dtb/dtb-status.ts';
import { ofModalias } from '../../dtb/of-modalias.ts';
import type { AliasTable } from './alias-table.ts';
import { globMatcher } from './glob-match.ts';
import type { ModuleIndex } from './module-index.ts';
import { canonicalAlias, canonicalModuleName } from './module-names.ts';

/** One module and why: the node (by path) and the compatible string that matched it. */
export interface DeviceTreeModuleReason {
  module: string;
  node: string;
  compatible: string;
}

export interface DeviceTreeModules {
  /** Loadable modules to put in the image, each once, with the first node (by path) that asked for it. */
  chosen: DeviceTreeModuleReason[];
  /** Loadable modules that matched but a deny pattern excludes. */
  denied: DeviceTreeModuleReason[];
  /** Modules built into the kernel that matched: nothing to load. */
  builtin: DeviceTreeModuleReason[];
}

interface OfPattern {
  pattern: string;
  /** Compiled on first use: a tree tries only a few hundred of the kernel's patterns. */
  matches?: (text: string) => boolean;
  names: Set<string>;
}

/** The "of:" patterns of an alias table, grouped by the compatible string each spells out. */
interface OfAliasIndex {
  exact: Map<string, Set<string>>;
  byCompatible: Map<string, OfPattern[]>;
  /** Patterns that could match an "of:" modalias but name no compatible: tried on every node. */
  others: OfPattern[];
}

/**
 * The compatible a pattern requires, or undefined when it cannot be told. Only '*' is
 * handled: after the last '*' a pattern is literal, so a modalias matching
 * "…*C<compatible>" ends with "C<compatible>", and one matching "…*C<compatible>C*"
 * contains "C<compatible>C". modaliasKeys lists every such string a modalias has.
 */
function requiredCompatibleOf(pattern: string): string | undefined {
  if (/[?[\\]/.test(pattern)) return undefined;
  const runs = pattern.split('*');
  const last = runs.at(-1);
  if (runs.length < 2 || last === undefined) return undefined;
  if (last !== '') return last.startsWith('C') ? last.slice(1) : undefined;
  const run = runs.at(-2) ?? '';
  return run.length >= 2 && run.startsWith('C') && run.endsWith('C') ? run.slice(1, -1) : undefined;
}

/**
 * Every string s with "C" + s at the end of the modalias or "C" + s + "C" inside it: the
 * keys under which a pattern that matches it can be filed. A modalias has a few 'C's
 * (one per compatible, plus any in the strings), so this is a handful of lookups.
 */
function modaliasKeys(modalias: string): string[] {
  const starts: number[] = [];
  for (let at = modalias.indexOf('C'); at >= 0; at = modalias.indexOf('C', at + 1)) starts.push(at);
  const keys: string[] = [];
  for (const [n, start] of starts.entries()) {
    keys.push(modalias.slice(start + 1));
    for (const end of starts.slice(n + 1)) keys.push(modalias.slice(start + 1, end));
  }
  return keys;
}

/** True when a pattern with this literal prefix could match a string starting "of:". */
function mayMatchOf(prefix: string): boolean {
  return prefix.startsWith('of:') || 'of:'.startsWith(prefix);
}

function ofAliasIndexOf(table: AliasTable): OfAliasIndex {
  const index: OfAliasIndex = { exact: table.exact, byCompatible: new Map(), others: [] };
  for (const [pattern, glob] of table.globs) {
    if (!mayMatchOf(glob.prefix)) continue;
    const entry: OfPattern = { pattern, names: glob.names };
    const key = requiredCompatibleOf(pattern);
    if (key === undefined) {
      index.others.push(entry);
      continue;
    }
    const list = index.byCompatible.get(key) ?? [];
    index.byCompatible.set(key, list);
    list.push(entry);
  }
  return index;
}

/** Indexes built once per alias table: a caller may ask about several trees, or the console too. */
const ofIndexes = new WeakMap<AliasTable, OfAliasIndex>();

function cachedOfIndex(table: AliasTable): OfAliasIndex {
  let index = ofIndexes.get(table);
  if (index === undefined) {
    index = ofAliasIndexOf(table);
    ofIndexes.set(table, index);
  }
  return index;
}

/**
 * Module name → the compatible keys whose patterns matched (empty for an exact alias or
 * a pattern without one). Unlike modulesMatchingAlias, an exact match does not hide the
 * patterns: modprobe loads every module an alias lookup returns.
 */
function modulesMatchingModalias(index: OfAliasIndex, modalias: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const add = (names: Iterable<string>, key?: string): void => {
    for (const name of names) {
      const keys = found.get(name) ?? new Set<string>();
      found.set(name, keys);
      if (key !== undefined) keys.add(key);
    }
  };
  add(index.exact.get(modalias) ?? []);
  const tryPattern = (entry: OfPattern, key?: string): void => {
    entry.matches ??= globMatcher(entry.pattern);
    if (entry.matches(modalias)) add(entry.names, key);
  };
  for (const key of new Set(modaliasKeys(modalias))) {
    for (const entry of index.byCompatible.get(key) ?? []) tryPattern(entry, key);
  }
  for (const entry of index.others) tryPattern(entry);
  return found;
}

/** The node's compatible that a module matched on: the first (most specific) one among the keys. */
function matchedCompatible(compatibles: readonly string[], keys: Set<string>): string {
  const hit = compatibles.find((c) => keys.has(canonicalAlias(c.replaceAll(' ', '_'))));
  return hit ?? compatibles[0] ?? '';
}

/** Each enabled node with a `compatible` that becomes a device: the root is the machine, not a device. */
function deviceNodes(tree: DeviceTree): DtbNode[] {
  return enabledNodes(tree).filter((node) => node !== tree.root && node.properties.has('compatible'));
}

/** Loadable and built-in module names matching one node, with the compatible each matched on. */
export function nodeModules(node: DtbNode, index: ModuleIndex): { loadable: Map<string, string>; builtin: Map<string, string> } {
  const modalias = canonicalAlias(ofModalias(node));
  const compatibles = compatiblesOf(node);
  const named = (table: AliasTable): Map<string, string> => {
    const matched = modulesMatchingModalias(cachedOfIndex(table), modalias);
    const sorted = [...matched].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return new Map(sorted.map(([name, keys]) => [name, matchedCompatible(compatibles, keys)]));
  };
  return { loadable: named(index.aliases), builtin: named(index.builtinAliases) };
}

/** A predicate for module names from glob patterns, both compared with '-' as '_'. */
function deniedBy(patterns: readonly string[]): (module: string) => boolean {
  const matchers = patterns.map((pattern) => globMatcher(canonicalModuleName(pattern)));
  return (module) => matchers.some((matches) => matches(canonicalModuleName(module)));
}

/**
 * The modules the enabled nodes of `tree` match in `index`. `deny` holds module-name
 * globs ('snd_*', 'panfrost'); matches they cover go to `denied` instead of `chosen`.
 * Nodes are visited in path order, so each module's reason is its first node by path.
 */
export function deviceTreeModules(tree: DeviceTree, index: ModuleIndex, deny: readonly string[] = []): DeviceTreeModules {
  const isDenied = deniedBy(deny);
  const result: DeviceTreeModules = { chosen: [], denied: [], builtin: [] };
  const seen = new Set<string>();
  const record = (list: DeviceTreeModuleReason[], module: string, node: DtbNode, compatible: string): void => {
    if (seen.has(module)) return;
    seen.add(module);
    list.push({ module, node: node.path, compatible });
  };
  for (const node of deviceNodes(tree)) {
    const { loadable, builtin } = nodeModules(node, index);
    for (const [module, compatible] of loadable) record(isDenied(module) ? result.denied : result.chosen, module, node, compatible);
    for (const [module, compatible] of builtin) record(result.builtin, module, node, compatible);
  }
  return result;
}

/** One line per reason, "node → compatible → module", chosen first, then built-in and denied ones marked. */
export function formatDeviceTreeModules(modules: DeviceTreeModules): string[] {
  const line = (reason: DeviceTreeModuleReason, note = ''): string => `${reason.node} → ${reason.compatible} → ${reason.module}${note}`;
  return [
    ...modules.chosen.map((reason) => line(reason)),
    ...modules.builtin.map((reason) => line(reason, ' (built in)')),
    ...modules.denied.map((reason) => line(reason, ' (denied)')),
  ];
}

export interface ConsoleNodeDrivers {
  /** /chosen stdout-path as written. */
  stdoutPath: string;
  /** Path of the node it names. */
  node: string;
  compatibles: string[];
  /** Built-in modules matching the node: the console works from the first kernel message. */
  builtin: string[];
  /** Loadable modules matching it: the console appears only once one is loaded. */
  loadable: string[];
}

/**
 * The drivers of the console node (/chosen stdout-path); undefined when the tree names
 * no console. A stdout-path that leads to no node is an error in the tree.
 */
export function consoleNodeDrivers(tree: DeviceTree, index: ModuleIndex): ConsoleNodeDrivers | undefined {
  const stdout = chosenStdout(tree);
  if (stdout === undefined) return undefined;
  if (stdout.node === undefined) {
    throw new EmbError(
      `${tree.label}: /chosen stdout-path "${stdout.stdoutPath}" names no node`,
      'point stdout-path at the console node, by path or by an /aliases entry',
    );
  }
  const { loadable, builtin } = nodeModules(stdout.node, index);
  return {
    stdoutPath: stdout.stdoutPath,
    node: stdout.node.path,
    compatibles: compatiblesOf(stdout.node),
    builtin: [...builtin.keys()],
    loadable: [...loadable.keys()],
  };
}
