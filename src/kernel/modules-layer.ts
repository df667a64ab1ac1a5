import type { Layer } from '../assemble/layers.ts';
import type { TreeEntry } from '../assemble/tree-types.ts';
import {
  canonicalModuleName,
  indexModules,
  moduleClosure,
  modulesTotals,
  readModuleFiles,
  type ModuleClosure,
  type ModuleIndex,
  type ModulesTotals,
} from './modules/index.ts';
import type { PreparedKernel } from './kernel-provider.ts';
import { EmbError } from '../errors.ts';

/** A module the image ships but does not load at boot, with what it needs. */
export interface OptionalModule {
  /** The board's name for it, canonical ('-' as '_'): what /storage/modules names. */
  name: string;
  /** Absolute image paths of it and its dependencies, in load order. */
  loadOrder: string[];
}

export interface PrunedModules {
  layer: Layer;
  /** Absolute paths in the image, in load order: /etc/emb/modules.load. */
  loadOrder: string[];
  /** Shipped, loaded on demand: /etc/emb/modules.optional. */
  optional: OptionalModule[];
  totals: ModulesTotals;
  builtin: string[];
  firmware: string[];
  missingSoftdeps: string[];
}

/**
 * Keep only the board's modules and their dependency closure: a Debian arm64 kernel
 * ships ~3,700 modules (~290 MB), a node needs a handful. `boot` modules are loaded
 * by /init; `optional` ones are shipped with their closure and loaded only when asked
 * (/storage/modules, or nfsv4 when uebo.nfsdir is given), so a boot does not pay for
 * what it does not use.
 */
export async function pruneModules(
  tree: PreparedKernel,
  boot: readonly string[],
  optional: readonly string[] = [],
  indexed?: ModuleIndex,
): Promise<PrunedModules> {
  const index = indexed ?? (await indexModules(tree.moduleRoot));
  const closureOf = (wanted: readonly string[]): ModuleClosure => {
    try {
      return moduleClosure(index, wanted);
    } catch (error) {
      throw new EmbError(
        error instanceof Error ? error.message : String(error),
        `${tree.identity.name} ${tree.identity.version} has ${index.modules.size} modules; fix the board's modules or optionalModules list`,
      );
    }
  };
  const bootClosure = closureOf(boot);
  const optionalClosures = optional.map((name) => ({ name: canonicalModuleName(name), closure: closureOf([name]) }));
  const imagePath = (relPath: string): string => `/lib/modules/${tree.kver}/${relPath}`;

  const kept = new Map(bootClosure.order.map((record) => [record.name, record]));
  for (const { closure } of optionalClosures) for (const record of closure.order) kept.set(record.name, record);
  // A compressed module (.ko.xz, .ko.zst) is shipped decompressed, as .ko: busybox insmod loads plain modules.
  const keptRecords = [...kept.values()];
  const keptBytes = await readModuleFiles(tree.moduleRoot, keptRecords);
  const entries: TreeEntry[] = keptRecords.map((record, at) => {
    const data = keptBytes[at];
    if (data === undefined) throw new Error(`internal: no bytes read for ${record.relPath}`);
    return { type: 'file', path: imagePath(record.relPath), mode: 0o644, uid: 0, gid: 0, data };
  });
  const all = [bootClosure, ...optionalClosures.map((entry) => entry.closure)];
  return {
    layer: { name: 'kernel-modules', entries },
    loadOrder: bootClosure.order.map((record) => imagePath(record.relPath)),
    optional: optionalClosures.map(({ name, closure }) => ({ name, loadOrder: closure.order.map((record) => imagePath(record.relPath)) })),
    totals: modulesTotals(index, kept.values()),
    builtin: unique(all.flatMap((closure) => closure.builtin)),
    firmware: unique(all.flatMap((closure) => closure.firmware)),
    missingSoftdeps: unique(all.flatMap((closure) => closure.missing)),
  };
}

const unique = (values: readonly string[]): string[] => [...new Set(values)].sort();

/** /etc/emb/modules.optional: one line a module, its name then its closure's paths. */
export function optionalModulesFile(optional: readonly OptionalModule[]): string {
  return optional.map((module) => `${[module.name, ...module.loadOrder].join(' ')}\n`).join('');
}
