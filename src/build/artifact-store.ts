import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { z } from 'zod';
import { fileDataSize, type TreeEntry } from '../assemble/tree-types.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import { pathExists } from '../fs/exists.ts';
import { entriesOfDirectory, writeArtifact } from './artifact.ts';
import { classifyOutput } from './output-filter.ts';
import { faultPoint } from '../fs/fault-point.ts';

/**
 * A cache entry is three files named by the package key: `<key>.tar` (runtime files,
 * what the image gets), `<key>.dev.tar` (headers and static libraries, for the
 * sysroot of dependents) and `<key>.json` (what it is, for `emb cache ls`). Each is
 * written to a temp name and renamed; the runtime tar is renamed last, so its
 * presence alone means the entry is complete.
 */
export interface ArtifactPaths {
  runtime: string;
  dev: string;
  meta: string;
}

const totalsSchema = z.object({ files: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() });

/** `<key>.json`, checked when read back: the file is on disk, and disks and people change files. */
const artifactMetaSchema = z.object({
  format: z.literal('emb-artifact-meta-1'),
  name: z.string(),
  version: z.string(),
  arch: z.string(),
  key: z.string(),
  toolchain: z.string(),
  source: z.object({ kind: z.string(), from: z.string() }),
  runtime: totalsSchema,
  dev: totalsSchema,
});

export type ArtifactMeta = z.infer<typeof artifactMetaSchema>;

export function artifactPaths(cacheRoot: string, key: string): ArtifactPaths {
  const base = join(cacheRoot, 'artifacts', key);
  return { runtime: `${base}.tar`, dev: `${base}.dev.tar`, meta: `${base}.json` };
}

export async function isArtifactComplete(cacheRoot: string, key: string): Promise<boolean> {
  return pathExists(artifactPaths(cacheRoot, key).runtime);
}

/** Keep the entries `wanted` says yes to, and the folders that lead to them (and empty folders, if `keepEmptyDirs`). */
function selectEntries(entries: readonly TreeEntry[], wanted: (entry: TreeEntry) => boolean, keepEmptyDirs: boolean): TreeEntry[] {
  const neededDirs = new Set<string>();
  const hasChildren = new Set<string>();
  for (const entry of entries) {
    hasChildren.add(posix.dirname(entry.path));
    if (entry.type === 'dir' || !wanted(entry)) continue;
    for (let dir = posix.dirname(entry.path); dir !== '/'; dir = posix.dirname(dir)) neededDirs.add(dir);
  }
  return entries.filter((entry) => {
    if (entry.type !== 'dir') return wanted(entry);
    return neededDirs.has(entry.path) || (keepEmptyDirs && !hasChildren.has(entry.path) && wanted(entry));
  });
}

function totals(entries: readonly TreeEntry[]): { files: number; bytes: number } {
  const files = entries.filter((entry) => entry.type === 'file');
  return { files: files.length, bytes: files.reduce((sum, entry) => sum + (entry.type === 'file' ? fileDataSize(entry.data) : 0), 0) };
}

/** Split an install tree into the runtime and dev tars and store them with their metadata. */
export async function storeArtifact(
  cacheRoot: string,
  key: string,
  installDir: string,
  meta: Omit<ArtifactMeta, 'format' | 'key' | 'runtime' | 'dev'>,
  /** Files that keep their setuid/setgid bits: the recipe's declared list (build/setuid-check.ts). */
  setuid: readonly string[] = [],
): Promise<ArtifactMeta> {
  const entries = await entriesOfDirectory(installDir, undefined, new Set(setuid));
  const runtime = selectEntries(entries, (entry) => classifyOutput(entry.path) === 'runtime', true);
  const dev = selectEntries(entries, (entry) => classifyOutput(entry.path) === 'dev', false);
  const paths = artifactPaths(cacheRoot, key);
  const full: ArtifactMeta = { format: 'emb-artifact-meta-1', key, ...meta, runtime: totals(runtime), dev: totals(dev) };
  await writeArtifact(paths.dev, dev);
  await writeFileAtomic(paths.meta, `${JSON.stringify(full, null, 2)}\n`);
  await faultPoint('artifact-meta');
  await writeArtifact(paths.runtime, runtime);
  return full;
}

/**
 * The metadata of an entry, or undefined when it is missing, unreadable, not JSON or
 * not this format. It only describes the entry (for `emb cache ls` and `emb package
 * build`'s summary); the runtime tar is what a build trusts, so a damaged `.json`
 * shows as an unknown entry ('?') rather than stopping anything.
 */
export async function readArtifactMeta(path: string): Promise<ArtifactMeta | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = artifactMetaSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
