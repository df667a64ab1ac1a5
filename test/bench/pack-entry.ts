/**
 * The one place the bench calls emb's packer: the function the build's pack stage
 * calls (initramfsFile), given the image's tree as layers (each path in the layer the
 * build's manifest puts it in, the layers in the image's order). No cache root: every
 * layer is compressed, as in a build whose layers all changed. When the packer's entry
 * changes, only this file follows.
 */
import { mergeLayers } from '../../src/assemble/layers.ts';
import type { TreeEntry } from '../../src/assemble/tree-types.ts';
import { entriesOfDirectory } from '../../src/build/artifact.ts';
import { initramfsFile } from '../../src/pack/pack-image.ts';
import type { Manifest } from '../../src/pack/manifest.ts';

export interface PackInput {
  layers: { name: string; entries: TreeEntry[] }[];
  entryCount: number;
}

/** The tree at `root` split into the manifest's layers, in the order the image holds them; paths it does not name go last. */
export async function packInput(root: string, manifest: Manifest): Promise<PackInput> {
  const layerOf = new Map(manifest.files.map((file) => [file.path, file.layer]));
  const order = manifest.initramfs.layers.map((layer) => layer.name);
  const byLayer = new Map<string, TreeEntry[]>(order.map((name) => [name, []]));
  const entries = await entriesOfDirectory(root);
  for (const entry of entries) {
    const name = layerOf.get(entry.path) ?? 'unlisted';
    const list = byLayer.get(name) ?? [];
    list.push(entry);
    byLayer.set(name, list);
  }
  return { layers: [...byLayer].map(([name, list]) => ({ name, entries: list })), entryCount: entries.length };
}

/** Pack the input into `file` at `level` with emb's packer; returns the archive's unpacked and compressed bytes. */
export async function embPack(
  input: PackInput,
  file: string,
  level: number,
): Promise<{ uncompressedBytes: number; compressedBytes: number }> {
  const initramfs = initramfsFile(mergeLayers(input.layers), { mtime: 0, zstdLevel: level });
  await initramfs.write(file, 0o644);
  return initramfs.sizes();
}
