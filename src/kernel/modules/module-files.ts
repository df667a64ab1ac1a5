/**
 * The module files under a module root, found by walking it. Symlinks are not followed:
 * `build` and `source` in a host's /lib/modules/<kver> point at whole kernel trees.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { moduleFileOf, type ModuleFile } from './module-compression.ts';

export interface ModuleFiles {
  /** `.ko` files and compressed ones (`.ko.xz`, `.ko.zst`, `.ko.gz`), sorted by their `.ko` path. */
  modules: ModuleFile[];
}

export async function moduleFilesUnder(moduleRoot: string): Promise<ModuleFiles> {
  const modules: ModuleFile[] = [];
  const walk = async (relDir: string): Promise<void> => {
    const entries = await readdir(path.join(moduleRoot, relDir), { withFileTypes: true });
    await Promise.all(
      entries.map(async (entry) => {
        const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
        if (entry.isDirectory()) await walk(rel);
        else if (entry.isFile()) {
          const file = moduleFileOf(rel);
          if (file !== undefined) modules.push(file);
        }
      }),
    );
  };
  await walk('');
  const order = (file: ModuleFile): string => `${file.relPath}\0${file.compression ?? ''}`;
  modules.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return { modules };
}
