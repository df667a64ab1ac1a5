import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.ts';
import { pathExists } from '../fs/exists.ts';
import type { Manifest } from '../pack/manifest.ts';

export const manifestName = 'manifest.json';

export async function readManifest(outDir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(join(outDir, manifestName), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** dist/<board> is current when its manifest has this key and the files it names exist. */
export async function isOutputCurrent(outDir: string, key: string): Promise<Manifest | undefined> {
  const manifest = await readManifest(outDir);
  if (!manifest || manifest.imageKey !== key) return undefined;
  for (const file of [manifest.kernel.file, manifest.initramfs.file]) if (!(await pathExists(join(outDir, file)))) return undefined;
  return manifest;
}

/**
 * Replace dist/<board>'s outputs. The manifest goes first and comes back last: it is
 * the marker that the files beside it belong together, so a run killed half-way
 * leaves no manifest that vouches for a half-replaced image.
 */
export async function writeOutputs(outDir: string, files: readonly { name: string; data: Buffer }[], manifest: Manifest): Promise<void> {
  await rm(join(outDir, manifestName), { force: true });
  for (const file of files) await writeFileAtomic(join(outDir, file.name), file.data);
  await writeFileAtomic(join(outDir, manifestName), `${JSON.stringify(manifest, null, 2)}\n`);
}
