/**
 * The module files under a module root, found by walking it. Symlinks are not followed:
 * `build` and `source` in a host's /lib/modules/<kver> point at whole kernel trees.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export interface ModuleFiles {
  /** `.ko` files, relative to the root, sorted. */
  modules: string[];
  /** `.ko.xz`, `.ko.zst`, `.ko.gz` files, relative to the root, sorted. */
  compressed: string[];
}

const COMPRESSED_MODULE = /\.ko\.(xz|zst|gz)$/;

export async function moduleFilesUnder(moduleRoot: string): Promise<ModuleFiles> {
  const files: ModuleFiles = { modules: [], compressed: [] };
  const walk = async (relDir: string): Promise<void> => {
    const entries = await readdir(path.join(moduleRoot, relDir), { withFileTypes: true });
    await Promise.all(
      entries.map(async (entry) => {
        const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
        if (entry.isDirectory()) await walk(rel);
        else if (entry.isFile() && entry.name.endsWith('.ko')) files.modules.push(rel);
        else if (entry.isFile() && COMPRESSED_MODULE.test(entry.name)) files.compressed.push(rel);
      }),
    );
  };
  await walk('');
  files.modules.sort();
  files.compressed.sort();
  return files;
}
