import type { TreeEntry } from './tree-types.ts';

/** One source of image files: a package artifact, rootfiles, the kernel modules, generated files. */
export interface Layer {
  name: string;
  entries: readonly TreeEntry[];
}

export interface PlacedEntry {
  entry: TreeEntry;
  layer: string;
}

export interface Conflict {
  path: string;
  /** The layer whose file was replaced, and the one that won. */
  replaced: string;
  by: string;
}

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/** Layers merged into one tree: each path once, with the layer it is packed in. */
export interface MergedLayers {
  entries: Map<string, PlacedEntry>;
  conflicts: Conflict[];
  /** The layers' names in merge order: the order the packer writes their archives in. */
  layerOrder: string[];
}

/**
 * Merge layers in order: later layers win. Directories merge silently (the first
 * one's mode stays unless a later layer sets it); any other replacement is reported
 * as a conflict. Missing parent directories are added (0755, root).
 *
 * Each path ends up in exactly one layer, and a directory stays with the first layer
 * that had it (a later one may change its mode): so every entry's parents are in its
 * own layer or an earlier one. The packer relies on this when it writes each layer as
 * an archive of its own, unpacked by the kernel in layer order.
 */
export function mergeLayers(layers: readonly Layer[]): MergedLayers {
  const entries = new Map<string, PlacedEntry>();
  const conflicts: Conflict[] = [];
  const ensureParents = (path: string, layer: string): void => {
    for (let parent = parentOf(path); parent !== '/'; parent = parentOf(parent)) {
      if (entries.has(parent)) break;
      entries.set(parent, { entry: { type: 'dir', path: parent, mode: 0o755, uid: 0, gid: 0 }, layer });
    }
  };
  for (const layer of layers) {
    for (const entry of layer.entries) {
      const existing = entries.get(entry.path);
      if (existing && !(existing.entry.type === 'dir' && entry.type === 'dir')) {
        conflicts.push({ path: entry.path, replaced: existing.layer, by: layer.name });
      }
      ensureParents(entry.path, layer.name);
      entries.set(entry.path, {
        entry,
        layer: existing && existing.entry.type === 'dir' && entry.type === 'dir' ? existing.layer : layer.name,
      });
    }
  }
  return { entries, conflicts, layerOrder: [...new Set(layers.map((layer) => layer.name))] };
}
