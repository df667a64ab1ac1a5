import { chmod, copyFile, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { tempPathBeside, writeFileAtomic } from '../fs/atomic.ts';
import { faultPoint } from '../fs/fault-point.ts';
import { currentGeneration, publishGeneration, removeLeftovers } from '../fs/generations.ts';
import type { TreeFile } from './tree-files.ts';
import { treeStatePath } from './tree-layout.ts';

/** What the previous run wrote, so the next one knows what no node uses any more. */
interface TreeState {
  format: 'emb-pxe-tree-2';
  files: string[];
  /** Content keys of copied and made files by path: written again only when the key changes. */
  keys: Record<string, string>;
}

export interface TreeWriteResult {
  written: string[];
  unchanged: number;
  /** Files of the previous run no node uses now: removed with prune, else listed. */
  stale: string[];
  pruned: boolean;
  bytesWritten: number;
}

async function readState(tree: string): Promise<TreeState | undefined> {
  try {
    const state = JSON.parse(await readFile(join(tree, treeStatePath), 'utf8')) as TreeState;
    return state.format === 'emb-pxe-tree-2' && Array.isArray(state.files) ? state : undefined;
  } catch {
    return undefined;
  }
}

/** True when `path` already holds what `file` would write (a cheap size check first for copies). */
async function isCurrent(path: string, file: TreeFile, previous: TreeState | undefined): Promise<boolean> {
  const existing = await stat(path).catch(() => undefined);
  if (existing === undefined || !existing.isFile()) return false;
  switch (file.kind) {
    case 'text':
      return existing.size === Buffer.byteLength(file.text) && (await readFile(path, 'utf8')) === file.text;
    case 'copy':
      return previous?.keys[file.path] === file.key && (await stat(file.from)).size === existing.size;
    case 'made':
      return previous?.keys[file.path] === file.key;
    case 'private':
      return (existing.mode & 0o777) === 0o600 && (await file.bytes()).equals(await readFile(path));
  }
}

/** Write one file of a new generation to a temp name beside its place and rename it in (its place may hold a link to the old generation's file). */
async function writeOne(tree: string, file: TreeFile): Promise<number> {
  const finalPath = join(tree, file.path);
  await mkdir(dirname(finalPath), { recursive: true });
  const temp = tempPathBeside(finalPath);
  try {
    if (file.kind === 'text') {
      await writeFileAtomic(finalPath, file.text, 0o644);
      return Buffer.byteLength(file.text);
    }
    if (file.kind === 'private') {
      // Created 0600, so the secret is never readable by others, not even while it is written.
      await writeFile(temp, await file.bytes(), { mode: 0o600, flag: 'wx' });
      await chmod(temp, 0o600);
    } else if (file.kind === 'copy') await copyFile(file.from, temp);
    else await file.make(temp);
    const { size } = await stat(temp);
    await rename(temp, finalPath);
    return size;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A tree path that stays inside the tree (the inventory and boards are data: never trust a name). */
function checkedPath(path: string): string {
  const normal = normalize(path);
  if (normal.startsWith('/') || normal === '..' || normal.startsWith('../')) throw new Error(`internal: tree path ${path} leaves the tree`);
  return normal;
}

/**
 * Bring the tree up to date as one: a new generation of the tree (fs/generations.ts)
 * starts as hard links to the current one, gets the files that changed (shared files
 * first, then each node's own, skipping what already holds the right bytes), loses
 * the pruned ones, gets the record of what was written, and then the tree switches to
 * it in one rename. A node, `emb serve` and a run killed at any point see the whole old
 * tree or the whole new one. A run with nothing to change touches nothing. Files of
 * the previous run that no node uses now are removed only with `prune`: a live tree
 * may serve nodes that are not in this inventory.
 */
export async function writeTree(
  tree: string,
  files: { shared: readonly TreeFile[]; node: readonly TreeFile[] },
  options: { prune: boolean },
): Promise<TreeWriteResult> {
  const all = [...files.shared, ...files.node];
  const paths = new Set<string>();
  for (const file of all) {
    const path = checkedPath(file.path);
    if (paths.has(path)) throw new Error(`internal: two files for ${path} in the tree`);
    paths.add(path);
  }
  const current = await currentGeneration(tree);
  const previous = current === undefined ? undefined : await readState(current);
  const result: TreeWriteResult = { written: [], unchanged: 0, stale: [], pruned: options.prune, bytesWritten: 0 };
  const changed: TreeFile[] = [];
  for (const file of all) {
    if (current !== undefined && (await isCurrent(join(current, file.path), file, previous))) result.unchanged++;
    else changed.push(file);
  }
  result.stale = (previous?.files ?? []).filter((path) => !paths.has(path)).sort();
  const kept = options.prune ? [] : result.stale;
  const keys = Object.fromEntries(all.flatMap((file) => (file.kind === 'text' || file.kind === 'private' ? [] : [[file.path, file.key]])));
  const state: TreeState = { format: 'emb-pxe-tree-2', files: [...paths, ...kept].sort(), keys };
  const stateText = `${JSON.stringify(state, null, 2)}\n`;
  const previousText = current === undefined ? undefined : await readFile(join(current, treeStatePath), 'utf8').catch(() => undefined);
  // Nothing to write, prune or record: the tree is left exactly as it is (what a killed run left beside it goes).
  if (changed.length === 0 && (!options.prune || result.stale.length === 0) && previousText === stateText) {
    await removeLeftovers(tree);
    return result;
  }
  await publishGeneration(
    tree,
    async (dir) => {
      for (const file of changed) {
        result.bytesWritten += await writeOne(dir, file);
        result.written.push(file.path);
        await faultPoint('pxe-tree-file');
      }
      if (options.prune) for (const path of result.stale) await rm(join(dir, checkedPath(path)), { force: true });
      await faultPoint('pxe-tree-state');
      // By a new name: the one there is a hard link to the current generation's record.
      await writeFileAtomic(join(dir, treeStatePath), stateText, 0o644);
    },
    { faultPrefix: 'pxe-tree', seed: current },
  );
  return result;
}
