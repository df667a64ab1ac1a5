/**
 * The modules to put in an image for a list of wanted names: what they depend on, their
 * soft dependencies, the firmware they ask for, and the order to load them in. A pure
 * function of the index, in the way mkosi and modprobe resolve the same data.
 */
import { modulesMatchingAlias } from './alias-table.ts';
import { orderedByEdges } from './load-order.ts';
import type { ModuleIndex, ModuleRecord } from './module-index.ts';
import { canonicalModuleName } from './module-names.ts';

export interface ModuleClosure {
  /** Load order: dependencies and `pre:` softdeps before a module, `post:` softdeps after it. */
  order: ModuleRecord[];
  /** Wanted names that are built into the kernel: nothing to load. */
  builtin: string[];
  /** Firmware files (relative to /lib/firmware) the modules in `order` may request, sorted. */
  firmware: string[];
  /** Soft dependencies found nowhere in the tree, sorted: worth a warning, not an error. */
  missing: string[];
}

export type ModuleResolution = { kind: 'modules'; names: string[] } | { kind: 'builtin' } | { kind: 'unknown' };

/**
 * What a name means in this kernel: a module by its canonical name, a built-in module,
 * or else an alias (exact, then fnmatch patterns) of loadable modules, then of built-in ones.
 */
export function resolveModuleName(index: ModuleIndex, name: string): ModuleResolution {
  const canonical = canonicalModuleName(name);
  if (index.modules.has(canonical)) return { kind: 'modules', names: [canonical] };
  if (index.builtin.has(canonical)) return { kind: 'builtin' };
  const names = modulesMatchingAlias(index.aliases, name);
  if (names.length > 0) return { kind: 'modules', names };
  if (modulesMatchingAlias(index.builtinAliases, name).length > 0) return { kind: 'builtin' };
  return { kind: 'unknown' };
}

export function moduleClosure(index: ModuleIndex, wanted: readonly string[]): ModuleClosure {
  const builtin: string[] = [];
  const missing = new Set<string>();
  const edges: Array<[before: string, after: string]> = [];
  const included = new Set<string>();
  const pending: string[] = [];
  const include = (names: readonly string[]): void => {
    for (const name of names) {
      if (included.has(name)) continue;
      included.add(name);
      pending.push(name);
    }
  };

  for (const name of wanted) {
    const resolved = resolveModuleName(index, name);
    if (resolved.kind === 'unknown') {
      throw new Error(`kernel module "${name}" is not in ${index.moduleRoot} nor built in; check the board's modules list`);
    }
    if (resolved.kind === 'builtin') {
      if (!builtin.includes(name)) builtin.push(name);
    } else {
      include(resolved.names);
    }
  }

  // A worklist over a set of visited names: cycles end because nothing is visited twice.
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const record = index.modules.get(name);
    if (record === undefined) throw new Error(`internal: module ${name} was included but is not in the index`);
    for (const dep of record.info.depends) {
      if (index.modules.has(dep)) {
        edges.push([dep, name]);
        include([dep]);
      } else if (!index.builtin.has(dep)) {
        throw new Error(
          `kernel module "${name}" (${record.relPath}) depends on "${dep}", which is not in ${index.moduleRoot} nor built in: the module tree is incomplete or corrupt`,
        );
      }
    }
    for (const [softdeps, isPre] of [
      [record.info.softdepPre, true],
      [record.info.softdepPost, false],
    ] as const) {
      for (const softdep of softdeps) {
        const resolved = resolveModuleName(index, softdep);
        if (resolved.kind === 'unknown') missing.add(softdep);
        if (resolved.kind !== 'modules') continue;
        for (const other of resolved.names) edges.push(isPre ? [other, name] : [name, other]);
        include(resolved.names);
      }
    }
  }

  const order = orderedByEdges(included, edges).map((name) => {
    const record = index.modules.get(name);
    if (record === undefined) throw new Error(`internal: module ${name} was ordered but is not in the index`);
    return record;
  });
  const firmware = new Set(order.flatMap((m) => m.info.firmware));
  return { order, builtin, firmware: [...firmware].sort(), missing: [...missing].sort() };
}
