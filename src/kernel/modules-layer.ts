import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Layer } from '../assemble/layers.ts';
import type { TreeEntry } from '../assemble/tree-types.ts';
import { indexModules, moduleClosure, modulesTotals, type ModulesTotals } from './modules/index.ts';
import type { KernelTree } from './debian-kernel.ts';
import { EmbError } from '../errors.ts';

export interface PrunedModules {
  layer: Layer;
  /** Absolute paths in the image, in load order: /etc/emb/modules.load. */
  loadOrder: string[];
  totals: ModulesTotals;
  builtin: string[];
  firmware: string[];
  missingSoftdeps: string[];
}

/**
 * Keep only the board's modules and their dependency closure: a Debian arm64 kernel
 * ships ~3,700 modules (~290 MB), a node needs a handful.
 */
export async function pruneModules(tree: KernelTree, wanted: readonly string[]): Promise<PrunedModules> {
  const index = await indexModules(tree.moduleRoot);
  let closure;
  try {
    closure = moduleClosure(index, wanted);
  } catch (error) {
    throw new EmbError(error instanceof Error ? error.message : String(error), `${tree.pkg.name} ${tree.pkg.version} has ${index.modules.size} modules; fix the board's modules list`);
  }
  const entries: TreeEntry[] = [];
  const loadOrder: string[] = [];
  for (const record of closure.order) {
    const imagePath = `/lib/modules/${tree.kver}/${record.relPath}`;
    entries.push({ type: 'file', path: imagePath, mode: 0o644, uid: 0, gid: 0, data: await readFile(join(tree.moduleRoot, record.relPath)) });
    loadOrder.push(imagePath);
  }
  return {
    layer: { name: 'kernel-modules', entries },
    loadOrder,
    totals: modulesTotals(index, closure.order),
    builtin: closure.builtin,
    firmware: closure.firmware,
    missingSoftdeps: closure.missing,
  };
}
