import { z } from 'zod';
import type { PlacedEntry } from '../assemble/layers.ts';
import { fileDataSize } from '../assemble/tree-types.ts';

export interface ManifestFile {
  path: string;
  type: string;
  layer: string;
  size: number;
  mode: string;
}

/** Per-layer totals: how much of the image each package is. */
export function layerTotals(files: readonly ManifestFile[]): Record<string, { files: number; bytes: number }> {
  const totals = new Map<string, { files: number; bytes: number }>();
  for (const file of files) {
    const total = totals.get(file.layer) ?? { files: 0, bytes: 0 };
    total.files++;
    total.bytes += file.size;
    totals.set(file.layer, total);
  }
  return Object.fromEntries([...totals].sort(([a], [b]) => a.localeCompare(b)));
}

export function manifestFiles(entries: Iterable<PlacedEntry>): ManifestFile[] {
  return [...entries]
    .map(({ entry, layer }) => ({
      path: entry.path,
      type: entry.type,
      layer,
      size: entry.type === 'file' ? fileDataSize(entry.data) : entry.type === 'symlink' ? Buffer.byteLength(entry.target) : 0,
      mode: entry.mode.toString(8).padStart(4, '0'),
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const deviceTreeChoiceSchema = z.object({ module: z.string(), node: z.string(), compatible: z.string() });

const countsSchema = z.object({ files: z.number(), bytes: z.number() });

/**
 * manifest.json, the pack stage's record of an image. A zod schema, because it is read
 * back (the up-to-date check, `emb qemu`, tests): a file from an older emb or a
 * damaged one parses to nothing instead of being trusted.
 */
export const manifestSchema = z.object({
  format: z.literal('emb-manifest-1'),
  board: z.string(),
  arch: z.string(),
  imageKey: z.string(),
  kernel: z.object({ package: z.string(), version: z.string(), sha256: z.string(), release: z.string(), file: z.string() }),
  /** The board's DTB in dist/, and its path in the kernel package. */
  dtb: z.object({ file: z.string(), source: z.string() }).optional(),
  /** Every file of dist/ this build wrote (kernel, initramfs, DTB, legacy images), manifest aside. */
  outputs: z.array(z.string()),
  /** The GPU driver of a GPU board (src/gpu/gpu-stage.ts): modules as shipped, firmware, packages. */
  gpu: z
    .object({
      driver: z.string(),
      version: z.string(),
      kind: z.string(),
      kernelRelease: z.string(),
      built: z.boolean(),
      buildSeconds: z.number(),
      signed: z.boolean(),
      modules: z.array(z.object({ name: z.string(), from: z.enum(['kernel', 'driver']), bytes: z.number(), sha256: z.string() })),
      firmware: z.array(z.string()),
      packages: z.array(z.object({ name: z.string(), version: z.string(), component: z.string(), sha256: z.string() })),
    })
    .optional(),
  /** The limits the image was checked against (src/pack/image-fit.ts). */
  fit: z.object({ ramMiB: z.number(), unpackedLimitBytes: z.number(), maxInitrdMiB: z.number() }),
  /** Per package ("name", or "arch/name" for an extra arch): where it came from and its cache key. */
  sources: z.record(
    z.string(),
    z.object({ version: z.string(), arch: z.string(), kind: z.string(), from: z.string(), identity: z.string(), key: z.string() }),
  ),
  /** The recipes' boot checks, run by `emb qemu`. */
  checks: z.array(z.object({ package: z.string(), command: z.string(), expect: z.string() })),
  /** The toolchain that compiled the packages built from source: host or docker. */
  toolchain: z.string(),
  modules: z.object({
    kept: z.number(),
    total: z.number(),
    keptBytes: z.number(),
    totalBytes: z.number(),
    loadOrder: z.array(z.string()),
    optional: z.array(z.object({ name: z.string(), loadOrder: z.array(z.string()) })),
    builtin: z.array(z.string()),
    firmware: z.array(z.string()),
    missingSoftdeps: z.array(z.string()),
    /** Modules the DTB chose (`modules: 'auto'`): node path → compatible → module. */
    auto: z.array(deviceTreeChoiceSchema).optional(),
    /** Modules the DTB asked for that the board's denyModules kept out. */
    denied: z.array(deviceTreeChoiceSchema).optional(),
  }),
  conflicts: z.array(z.object({ path: z.string(), replaced: z.string(), by: z.string() })),
  initramfs: z.object({
    file: z.string(),
    uncompressedBytes: z.number(),
    compressedBytes: z.number(),
    zstdLevel: z.number(),
    mtime: z.number(),
    /**
     * Its members in the order the kernel unpacks them: one per layer, a whole cpio
     * archive (its own trailer) in a zstd frame of its own. `entries` counts records.
     */
    layers: z.array(z.object({ name: z.string(), entries: z.number(), uncompressedBytes: z.number(), compressedBytes: z.number() })),
  }),
  /**
   * The board's read-only layer (board.readOnlyLayer): its packages' files moved from
   * the cpio into a squashfs, mounted by /init; `files` is then the links in their place.
   */
  readOnlyLayer: z
    .object({
      image: z.string(),
      mountPoint: z.string(),
      packages: z.array(z.string()),
      files: z.number(),
      fileBytes: z.number(),
      squashfsBytes: z.number(),
    })
    .optional(),
  layers: z.record(z.string(), countsSchema),
  files: z.array(z.object({ path: z.string(), type: z.string(), layer: z.string(), size: z.number(), mode: z.string() })),
});

export type Manifest = z.infer<typeof manifestSchema>;
