import type { TreeEntry } from '../assemble/tree-types.ts';
import { assertCleanImagePath, compareImagePaths, parentImagePath, ROOT_PATH } from './image-path.ts';

/**
 * The entries to write, in archive order: sorted by path bytes, the root itself left
 * out (the kernel unpacks into an existing "/"). Throws, naming the path, on an unclean
 * or repeated path, or on an entry whose parent directory is not among the entries: the
 * kernel would fail to create it and boot on without it, so a missing parent is a bug
 * in the tree, not something to paper over by inventing a directory.
 */
export function orderedArchiveEntries(entries: readonly TreeEntry[]): TreeEntry[] {
  const byPath = new Map<string, TreeEntry>();
  for (const entry of entries) {
    assertCleanImagePath(entry.path);
    if (byPath.has(entry.path)) {
      throw new Error(`image path "${entry.path}" appears twice in the tree; keep one entry for it`);
    }
    byPath.set(entry.path, entry);
  }

  const root = byPath.get(ROOT_PATH);
  if (root !== undefined && root.type !== 'dir') {
    throw new Error(`image path "/" is a ${root.type}; the root must be a directory`);
  }

  for (const entry of byPath.values()) {
    if (entry.path === ROOT_PATH) continue;
    const parentPath = parentImagePath(entry.path);
    if (parentPath === ROOT_PATH) continue;
    const parent = byPath.get(parentPath);
    if (parent === undefined) {
      throw new Error(`image path "${entry.path}": its parent directory "${parentPath}" is not in the tree; add it`);
    }
    if (parent.type !== 'dir') {
      throw new Error(`image path "${entry.path}": its parent "${parentPath}" is a ${parent.type}, not a directory`);
    }
  }

  return [...byPath.values()].filter((entry) => entry.path !== ROOT_PATH).sort((a, b) => compareImagePaths(a.path, b.path));
}
