import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempPathBeside, writeFileAtomic } from '../fs/atomic.ts';
import { pathExists } from '../fs/exists.ts';
import { manifestSchema, type Manifest } from '../pack/manifest.ts';

export const manifestName = 'manifest.json';

/**
 * One file of dist/<board>: `write` creates a temp path with `mode` and fills it; it is
 * then renamed into place. `staged` holds the temp paths of the files written before
 * it (by name): a file made from another (uInitrd from the initramfs) reads it there.
 * A write that throws (an image over the board's limits) leaves dist/ untouched.
 */
export interface DistFile {
  name: string;
  write(tempPath: string, mode: number, staged: ReadonlyMap<string, string>): Promise<void>;
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
  for (const file of manifest.outputs) if (!(await pathExists(join(outDir, file)))) return undefined;
  return manifest;
}

/**
 * Replace dist/<board>'s outputs. Every file is written to a temp name first, so a
 * failed or refused build changes nothing. Then the manifest goes, the files are
 * renamed into place, and the manifest comes back last: it is the marker that the
 * files beside it belong together, so a run killed half-way leaves no manifest that
 * vouches for a half-replaced image. With `secret` (the image holds a root password
 * hash or SSH keys) every file is created 0600, so the secret is never readable by
 * others, not even while it is written.
 */
export async function writeOutputs(
  outDir: string,
  files: readonly DistFile[],
  manifestOf: () => Manifest,
  options: { secret: boolean },
): Promise<void> {
  const mode = options.secret ? 0o600 : 0o644;
  await mkdir(outDir, { recursive: true });
  const staged = new Map<string, string>();
  try {
    for (const file of files) {
      const temp = tempPathBeside(join(outDir, file.name));
      staged.set(file.name, temp);
      await file.write(temp, mode, staged);
      // The umask may have narrowed `mode`; the file's readers need exactly it.
      await chmod(temp, mode);
    }
    await rm(join(outDir, manifestName), { force: true });
    for (const [name, temp] of staged) await rename(temp, join(outDir, name));
  } catch (error) {
    for (const temp of staged.values()) await rm(temp, { force: true });
    throw error;
  }
  await writeFileAtomic(join(outDir, manifestName), `${JSON.stringify(manifestOf(), null, 2)}\n`, mode);
}
