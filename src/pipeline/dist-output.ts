import { chmod, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { produceAtomically, writeFileAtomic } from '../fs/atomic.ts';
import { pathExists } from '../fs/exists.ts';
import { manifestSchema, type Manifest } from '../pack/manifest.ts';

export const manifestName = 'manifest.json';

/** One file of dist/<board>: `write` creates a temp path with `mode` and fills it; it is then renamed into place. */
export interface DistFile {
  name: string;
  write(tempPath: string, mode: number): Promise<void>;
}

/** dist/<board>'s manifest; undefined when there is none, or it is not one this emb wrote (a rebuild replaces it). */
export async function readManifest(outDir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(outDir, manifestName), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
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
 * leaves no manifest that vouches for a half-replaced image. With `secret` (the image
 * holds a root password hash or SSH keys) every file is created 0600, so the secret is
 * never readable by others, not even while it is written.
 */
export async function writeOutputs(
  outDir: string,
  files: readonly DistFile[],
  manifestOf: () => Manifest,
  options: { secret: boolean },
): Promise<void> {
  const mode = options.secret ? 0o600 : 0o644;
  await rm(join(outDir, manifestName), { force: true });
  for (const file of files) {
    await produceAtomically(join(outDir, file.name), async (temp) => {
      await file.write(temp, mode);
      // The umask may have narrowed `mode`; the file's readers need exactly it.
      await chmod(temp, mode);
    });
  }
  await writeFileAtomic(join(outDir, manifestName), `${JSON.stringify(manifestOf(), null, 2)}\n`, mode);
}
