import type { Layer, MergedLayers } from '../assemble/layers.ts';
import type { TreeEntry } from '../assemble/tree-types.ts';
import type { EarlierEntry } from './ordered-entries.ts';
import { newcArchiveSize } from './write-archive.ts';

/**
 * The merged tree split back into its layers, in merge order, each with the entries
 * that are packed in it (a path won by a later layer is in that one only). A layer
 * left with nothing is dropped: it gets no archive.
 */
export function imageLayers(image: MergedLayers): Layer[] {
  const byLayer = new Map<string, TreeEntry[]>(image.layerOrder.map((name) => [name, []]));
  for (const { entry, layer } of image.entries.values()) {
    const entries = byLayer.get(layer);
    if (entries === undefined)
      throw new Error(`internal: image path "${entry.path}" is placed in layer "${layer}", which was never merged`);
    entries.push(entry);
  }
  return [...byLayer].filter(([, entries]) => entries.some((entry) => entry.path !== '/')).map(([name, entries]) => ({ name, entries }));
}

/** One layer's archive, checked and sized, not yet read or compressed. */
export interface LayerArchive {
  name: string;
  entries: readonly TreeEntry[];
  /** What the archives before this one hold: its parents may be there. */
  earlier: EarlierEntry;
  /** The archive's bytes, trailer included (from the headers alone). */
  size: number;
}

/**
 * The archives of a layered image, in the order the kernel unpacks them. Each is a
 * whole cpio archive with its own trailer (the kernel's unpacker resets at every
 * trailer, and a compressed member that ends mid-archive fails the boot with "junk at
 * the end of compressed archive"). A layer's files may sit in folders an earlier
 * layer made, since the kernel unpacks in order into one root; a path may not be in
 * two archives, and a parent in none is an error here, before anything is read.
 */
export function planLayerArchives(layers: readonly Layer[], mtime: number): LayerArchive[] {
  const placed = new Map<string, { entry: TreeEntry; index: number }>();
  return layers.map(({ name, entries }, index) => {
    const earlier: EarlierEntry = (path) => {
      const found = placed.get(path);
      return found !== undefined && found.index < index ? found.entry : undefined;
    };
    let size: number;
    try {
      size = newcArchiveSize(entries, { mtime, earlier });
    } catch (error) {
      throw new Error(`layer "${name}": ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const entry of entries) if (!placed.has(entry.path)) placed.set(entry.path, { entry, index });
    return { name, entries, earlier, size };
  });
}
