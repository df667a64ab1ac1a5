import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbError } from '../errors.ts';

/**
 * A package may hand out root only by saying so: every file a build leaves with the
 * setuid or setgid bit must be in its recipe's `setuid` list, and every listed file
 * must be there with one. Run on the install tree before it becomes an artifact.
 */
const specialBits = 0o6000;

/** Image paths of the files under `root` that carry setuid or setgid, with their modes. */
async function filesWithSpecialBits(root: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const walk = async (dir: string, imageDir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const info = await lstat(join(dir, name));
      const path = `${imageDir}/${name}`;
      if (info.isDirectory()) await walk(join(dir, name), path);
      else if (info.isFile() && info.mode & specialBits) found.set(path, info.mode & 0o7777);
    }
  };
  await walk(root, '');
  return found;
}

export async function verifySetuidFiles(recipeName: string, installDir: string, declared: readonly string[]): Promise<void> {
  const found = await filesWithSpecialBits(installDir);
  for (const [path, mode] of found) {
    if (declared.includes(path)) continue;
    const bits = [mode & 0o4000 ? 'setuid' : '', mode & 0o2000 ? 'setgid' : ''].filter(Boolean).join(' and ');
    throw new EmbError(
      `${recipeName}: the build installs ${path} ${bits} (mode ${mode.toString(8).padStart(4, '0')}), which the recipe does not declare`,
      `install it without the bit, or add "${path}" to the recipe's setuid list if the node needs it`,
    );
  }
  const missing = declared.find((path) => !found.has(path));
  if (missing !== undefined) {
    throw new EmbError(
      `${recipeName}: the recipe declares ${missing} setuid, but the build did not install it with a setuid or setgid bit`,
      "fix the recipe's setuid list or its install step",
    );
  }
}

/** The bits an artifact keeps for a file: setuid and setgid of a declared path, nothing for others. */
export function keptSpecialBits(path: string, diskMode: number, declared: ReadonlySet<string>): number {
  return declared.has(path) ? diskMode & specialBits : 0;
}
