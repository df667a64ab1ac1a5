import type { TreeEntry } from '../assemble/tree-types.ts';
import { assertCleanImagePath, compareImagePaths, parentImagePath, ROOT_PATH } from './image-path.ts';

/** In a layered image, the entry an archive unpacked earlier holds at `path`, if any. */
export type EarlierEntry = (path: string) => TreeEntry | undefined;

/**
 * The entries to write, in archive order: sorted by path bytes, the root itself left
 * out (the kernel unpacks into an existing "/"). Throws, naming the path, on an unclean
 * or repeated path, or on an entry whose parent directory is not among the entries: the
 * kernel would fail to create it and boot on without it, so a missing parent is a bug
 * in the tree, not something to paper over by inventing a directory.
 *
 * `earlier` holds what the archives unpacked before this one (a layered image): a
 * parent may be there, but a path may not be in both. The kernel would let the later
 * record win (it unlinks a file of another type, truncates one of the same type) and
 * fail where the earlier one is a directory with files in it: the tree resolves such
 * overlaps when layers merge, so one reaching the packer is a bug.
 */
export function orderedArchiveEntries(entries: readonly TreeEntry[], earlier: EarlierEntry = () => undefined): TreeEntry[] {
  const byPath = new Map<string, TreeEntry>();
  for (const entry of entries) {
    assertCleanImagePath(entry.path);
    if (byPath.has(entry.path)) {
      throw new Error(`image path "${entry.path}" appears twice in the tree; keep one entry for it`);
    }
    if (entry.path !== ROOT_PATH && earlier(entry.path) !== undefined) {
      throw new Error(`image path "${entry.path}" is in two layers' archives; the tree must place it in one`);
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
    const parent = byPath.get(parentPath) ?? earlier(parentPath);
    if (parent === undefined) {
      throw new Error(`image path "${entry.path}": its parent directory "${parentPath}" is not in the tree; add it`);
    }
    if (parent.type !== 'dir') {
      throw new Error(`image path "${entry.path}": its parent "${parentPath}" is a ${parent.type}, not a directory`);
    }
  }

  return [...byPath.values()].filter((entry) => entry.path !== ROOT_PATH).sort((a, b) => compareImagePaths(a.path, b.path));
}
