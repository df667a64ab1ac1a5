import type { Conflict, PlacedEntry } from '../assemble/layers.ts';
import { fileDataSize } from '../assemble/tree-types.ts';
import type { PackageCheck } from '../boot/smoke-checks.ts';
import type { OptionalModule } from '../kernel/modules-layer.ts';

export interface ManifestFile {
  path: string;
  type: string;
  layer: string;
  size: number;
  mode: string;
}

/** Per-layer totals: how much of the image each package is. */
export function layerTotals(files: readonly ManifestFile[]): Record<string, { files: number; bytes: number }> {
  const totals: Record<string, { files: number; bytes: number }> = {};
  for (const file of files) {
    const total = (totals[file.layer] ??= { files: 0, bytes: 0 });
    total.files++;
    total.bytes += file.size;
  }
  return Object.fromEntries(Object.entries(totals).sort(([a], [b]) => a.localeCompare(b)));
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

export interface Manifest {
  format: 'emb-manifest-1';
  board: string;
  arch: string;
  imageKey: string;
  kernel: { package: string; version: string; sha256: string; release: string; file: string };
  /** Per package ("name", or "arch/name" for an extra arch): where it came from and its cache key. */
  sources: Record<string, { version: string; arch: string; kind: string; from: string; identity: string; key: string }>;
  /** The recipes' boot checks, run by `emb qemu`. */
  checks: PackageCheck[];
  /** The toolchain that compiled the packages built from source: host or docker. */
  toolchain: string;
  modules: { kept: number; total: number; keptBytes: number; totalBytes: number; loadOrder: string[]; optional: OptionalModule[]; builtin: string[]; firmware: string[]; missingSoftdeps: string[] };
  conflicts: Conflict[];
  initramfs: { file: string; uncompressedBytes: number; compressedBytes: number; zstdLevel: number; mtime: number };
  layers: Record<string, { files: number; bytes: number }>;
  files: ManifestFile[];
}
