import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readArtifactMeta, type ArtifactMeta } from '../build/artifact-store.ts';

/** One package build in the cache, with its last use (the runtime tar's mtime, touched on every hit). */
export interface CachedArtifact {
  key: string;
  meta?: ArtifactMeta;
  bytes: number;
  lastUsed: Date;
  files: string[];
}

export interface CachedDownload {
  sha256: string;
  file: string;
  bytes: number;
  lastUsed: Date;
}

async function namesIn(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

export async function listArtifacts(cacheRoot: string): Promise<CachedArtifact[]> {
  const dir = join(cacheRoot, 'artifacts');
  const names = await namesIn(dir);
  const artifacts: CachedArtifact[] = [];
  for (const name of names) {
    const key = /^([0-9a-f]{64})\.tar$/.exec(name)?.[1];
    if (key === undefined) continue;
    const files = names.filter((other) => other.startsWith(key) && !other.startsWith('.tmp-'));
    let bytes = 0;
    for (const file of files) bytes += (await stat(join(dir, file))).size;
    artifacts.push({
      key,
      meta: await readArtifactMeta(join(dir, `${key}.json`)),
      bytes,
      lastUsed: (await stat(join(dir, name))).mtime,
      files,
    });
  }
  return artifacts.sort(
    (a, b) =>
      `${a.meta?.name}/${a.meta?.arch}`.localeCompare(`${b.meta?.name}/${b.meta?.arch}`) || b.lastUsed.getTime() - a.lastUsed.getTime(),
  );
}

export async function listDownloads(cacheRoot: string): Promise<CachedDownload[]> {
  const dir = join(cacheRoot, 'downloads');
  const downloads: CachedDownload[] = [];
  for (const sha256 of await namesIn(dir)) {
    if (!/^[0-9a-f]{64}$/.test(sha256)) continue;
    for (const file of await namesIn(join(dir, sha256))) {
      if (file.startsWith('.tmp-')) continue;
      const info = await stat(join(dir, sha256, file));
      downloads.push({ sha256, file, bytes: info.size, lastUsed: info.mtime });
    }
  }
  return downloads.sort((a, b) => a.file.localeCompare(b.file));
}
