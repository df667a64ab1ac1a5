import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '../fs/exists.ts';
import { faultPoint } from '../fs/fault-point.ts';
import { publishGeneration, removeLeftovers } from '../fs/generations.ts';
import { manifestSchema, type Manifest } from '../pack/manifest.ts';

export const manifestName = 'manifest.json';

/**
 * One file of dist/<board>: `write` creates its path in the new generation with `mode`
 * and fills it. `staged` holds the paths of the files written before it (by name): a
 * file made from another (uInitrd from the initramfs) reads it there. A write that
 * throws (an image over the board's limits) leaves dist/ untouched.
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

/**
 * dist/<board> is current when its manifest has this key and the files it names exist.
 * Then nothing is written, so the old generation a run killed right after its switch
 * left beside it is removed here.
 */
export async function isOutputCurrent(outDir: string, key: string): Promise<Manifest | undefined> {
  const manifest = await readManifest(outDir);
  if (!manifest || manifest.imageKey !== key) return undefined;
  for (const file of manifest.outputs) if (!(await pathExists(join(outDir, file)))) return undefined;
  await removeLeftovers(outDir);
  return manifest;
}

/**
 * Replace dist/<board>'s outputs as one: every file and the manifest are written into a
 * new generation folder, and dist/<board> (a symbolic link to its generation, see
 * fs/generations.ts) switches to it in one rename. A reader, and a run killed at any
 * point, sees the old set or the new set, never a mix; a failed or refused build
 * (an image over the board's limits) changes nothing. With `secret` (the image holds a
 * root password hash or SSH keys) every file is created 0600, so the secret is never
 * readable by others, not even while it is written.
 */
export async function writeOutputs(
  outDir: string,
  files: readonly DistFile[],
  manifestOf: () => Manifest,
  options: { secret: boolean },
): Promise<void> {
  const mode = options.secret ? 0o600 : 0o644;
  await publishGeneration(
    outDir,
    async (dir) => {
      const staged = new Map<string, string>();
      for (const file of files) {
        const path = join(dir, file.name);
        staged.set(file.name, path);
        await file.write(path, mode, staged);
        // The umask may have narrowed `mode`; the file's readers need exactly it.
        await chmod(path, mode);
        await faultPoint('dist-file');
      }
      await faultPoint('manifest');
      await writeFile(join(dir, manifestName), `${JSON.stringify(manifestOf(), null, 2)}\n`, { mode });
      await chmod(join(dir, manifestName), mode);
    },
    { faultPrefix: 'dist' },
  );
}
