import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { aptIndexStamp } from '../fetch/apt-index-memo.ts';
import { listArtifacts, listDownloads } from './cache-entries.ts';
import { isProcessAlive } from '../fs/process-alive.ts';

export interface GcOptions {
  /** Remove artifacts and downloads not used for this many days. */
  olderThanDays: number;
  /** Report only. */
  dryRun: boolean;
  now?: Date;
}

export interface GcResult {
  removed: { path: string; bytes: number; why: string }[];
  keptArtifacts: number;
  keptDownloads: number;
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(path)) total += await sizeOf(join(path, name));
  return total;
}

/** ".tmp-<pid>-…" names (fs/atomic.ts): leftovers of a process that is gone. */
async function deadTemps(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(dir).catch(() => [])) {
    const full = join(dir, name);
    const pid = /^\.tmp-(\d+)-/.exec(name)?.[1];
    if (pid && !isProcessAlive(Number(pid))) found.push(full);
    else if (/^[0-9a-f]{64}$/.test(name) && (await stat(full)).isDirectory()) found.push(...(await deadTemps(full)));
  }
  return found;
}

/** Work folders (build/work-dir.ts) whose lock is gone or held by a dead process. */
async function abandonedWorkDirs(workRoot: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(workRoot).catch(() => [])) {
    if (name.endsWith('.lock')) {
      const pid = Number((await readFile(join(workRoot, name), 'utf8').catch(() => '')).trim());
      if (!(pid > 0 && isProcessAlive(pid))) found.push(join(workRoot, name), join(workRoot, name.slice(0, -'.lock'.length)));
    } else if (!(await readdir(workRoot)).includes(`${name}.lock`)) {
      found.push(join(workRoot, name));
    }
  }
  return [...new Set(found)];
}

/**
 * `emb cache gc`: remove what killed runs left (temp files, work folders), apt answer
 * memos of an older apt index, and artifacts and downloads not used for
 * `olderThanDays` (a cache hit touches them). Nothing in use by a live emb is removed.
 */
export async function collectGarbage(cacheRoot: string, options: GcOptions): Promise<GcResult> {
  const now = (options.now ?? new Date()).getTime();
  const cutoff = now - options.olderThanDays * 86_400_000;
  const doomed: { path: string; why: string }[] = [];
  for (const dir of [
    'artifacts',
    'downloads',
    'apt-index',
    'kernels',
    'gpu-modules',
    'debs',
    'source-kernels',
    'kernel-source',
    'packed-layers',
    'ro-layers',
  ]) {
    for (const path of await deadTemps(join(cacheRoot, dir))) doomed.push({ path, why: 'left by a killed run' });
  }
  for (const path of await abandonedWorkDirs(join(cacheRoot, 'work'))) doomed.push({ path, why: 'abandoned build folder' });
  const stamp = await aptIndexStamp();
  for (const name of await readdir(join(cacheRoot, 'apt-index')).catch(() => [])) {
    if (name.endsWith('.json') && name !== `${stamp}.json`)
      doomed.push({ path: join(cacheRoot, 'apt-index', name), why: 'answers for an older apt index' });
  }
  let keptArtifacts = 0;
  for (const artifact of await listArtifacts(cacheRoot)) {
    if (artifact.lastUsed.getTime() >= cutoff) {
      keptArtifacts++;
      continue;
    }
    // The runtime tar goes first: without it the entry is incomplete, never half-trusted.
    const ordered = [`${artifact.key}.tar`, ...artifact.files.filter((file) => file !== `${artifact.key}.tar`)];
    for (const file of ordered)
      doomed.push({ path: join(cacheRoot, 'artifacts', file), why: `not used for ${options.olderThanDays} days` });
  }
  let keptDownloads = 0;
  for (const download of await listDownloads(cacheRoot)) {
    if (download.lastUsed.getTime() >= cutoff) keptDownloads++;
    else doomed.push({ path: join(cacheRoot, 'downloads', download.sha256), why: `not used for ${options.olderThanDays} days` });
  }
  // GPU module builds, unpacked driver packages, source kernels and their unpacked
  // source trees: folders a cache hit touches (markUsed).
  // Compressed image layers (src/pack/packed-layer-store.ts) and read-only layers'
  // squashfs images (src/pack/squashfs-image.ts): files a cache hit touches.
  for (const dir of ['gpu-modules', 'debs', 'source-kernels', 'kernel-source', 'packed-layers', 'ro-layers']) {
    for (const name of await readdir(join(cacheRoot, dir)).catch(() => [])) {
      if (name.startsWith('.tmp-')) continue;
      const path = join(cacheRoot, dir, name);
      const used = await stat(path).catch(() => undefined);
      if (used !== undefined && used.mtime.getTime() < cutoff) doomed.push({ path, why: `not used for ${options.olderThanDays} days` });
    }
  }
  // Node's compile cache and emb's stripped sources (bin/emb.js): one folder per Node
  // version, which gains a file whenever an edited source is loaded. One that gained
  // none for the given days is most likely an old Node's; if not, the next run only
  // compiles and strips afresh.
  for (const name of await readdir(join(cacheRoot, 'node-compile-cache')).catch(() => [])) {
    const path = join(cacheRoot, 'node-compile-cache', name);
    const used = await stat(path).catch(() => undefined);
    if (used !== undefined && used.mtime.getTime() < cutoff)
      doomed.push({ path, why: `no code compiled into it for ${options.olderThanDays} days` });
  }
  const removed: GcResult['removed'] = [];
  for (const item of doomed) {
    const bytes = await sizeOf(item.path);
    if (!options.dryRun) await rm(item.path, { recursive: true, force: true });
    removed.push({ ...item, bytes });
  }
  return { removed, keptArtifacts, keptDownloads };
}
