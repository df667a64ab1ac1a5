/**
 * Alias pattern → module names, for answering "which modules does modprobe load for X?".
 * Most of a kernel's ~25,000 aliases are device globs ('pci:v00001AF4d*sv*…'), so plain
 * aliases go in a Map and globs are only tried when their literal prefix fits.
 */
import { canonicalAlias } from './module-names.ts';
import { globMatcher, hasGlobSyntax, literalPrefix } from './glob-match.ts';

interface GlobAlias {
  prefix: string;
  /** Compiled on first use: most patterns are never tried, and indexing should stay fast. */
  matches?: (text: string) => boolean;
  names: Set<string>;
}

export interface AliasTable {
  exact: Map<string, Set<string>>;
  globs: Map<string, GlobAlias>;
}

/** Builds the table from [alias pattern, module name] pairs; patterns are normalized like kmod does. */
export function aliasTableOf(pairs: Iterable<readonly [alias: string, moduleName: string]>): AliasTable {
  const table: AliasTable = { exact: new Map(), globs: new Map() };
  for (const [rawAlias, name] of pairs) {
    const alias = canonicalAlias(rawAlias);
    if (!hasGlobSyntax(alias)) {
      const names = table.exact.get(alias) ?? new Set<string>();
      table.exact.set(alias, names);
      names.add(name);
      continue;
    }
    let glob = table.globs.get(alias);
    if (glob === undefined) {
      glob = { prefix: literalPrefix(alias), names: new Set() };
      table.globs.set(alias, glob);
    }
    glob.names.add(name);
  }
  return table;
}

/**
 * Names of the modules with an alias equal to `wanted`, or else with an alias pattern
 * matching it; sorted, empty when none. An exact alias wins so that a name like
 * 'crc32c' does not also pull in every module whose device glob happens to fit.
 */
export function modulesMatchingAlias(table: AliasTable, wanted: string): string[] {
  const name = canonicalAlias(wanted);
  const exact = table.exact.get(name);
  if (exact !== undefined) return [...exact].sort();
  const found = new Set<string>();
  for (const [pattern, glob] of table.globs) {
    if (!name.startsWith(glob.prefix)) continue;
    glob.matches ??= globMatcher(pattern);
    if (glob.matches(name)) for (const n of glob.names) found.add(n);
  }
  return [...found].sort();
}
