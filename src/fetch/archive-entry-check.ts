/**
 * The rules an archive's entries must follow before emb unpacks it (a source tarball
 * with GNU tar, a Debian package with dpkg-deb). Unpacking runs as whoever runs emb,
 * root on many build hosts, so an archive must not be able to reach outside the folder
 * it is unpacked in, nor bring what no package needs. Pure: `ArchiveEntryCheck` is fed
 * the headers in archive order and answers with the first problem, as text.
 */

/** The part of a tar header the rules read (tar-stream's names for the types). */
export interface ArchiveEntry {
  name: string;
  type: string;
  linkname?: string | null;
}

export interface EntryPolicy {
  /**
   * Whether a symlink may point out of the tree. A Debian package is a root file system:
   * its absolute links (/lib/ld-linux-aarch64.so.1) mean the image's root. A source
   * tarball has no reason to point at the build host's files.
   */
  linksMayLeaveTree: boolean;
}

/** Linux's PATH_MAX and NAME_MAX: longer names cannot be created, and are there only to confuse. */
const maxPathBytes = 4096;
const maxNameBytes = 255;

const fileTypes = new Set(['file', 'contiguous-file']);
const deviceTypes: Record<string, string> = {
  'character-device': 'a character device node',
  'block-device': 'a block device node',
  fifo: 'a FIFO',
};

/** The entry's path as its parts, without "." parts, empty parts or a "./" prefix. */
function partsOf(name: string): string[] {
  return name.split('/').filter((part) => part !== '' && part !== '.');
}

/** Where a link's target lands, as parts from the tree's root; undefined when it leaves the tree. */
function resolvedInTree(linkDir: readonly string[], target: string): string[] | undefined {
  if (target.startsWith('/')) return undefined;
  const parts = [...linkDir];
  for (const part of partsOf(target)) {
    if (part !== '..') parts.push(part);
    else if (parts.pop() === undefined) return undefined;
  }
  return parts;
}

/** A name as it can be shown in one line: quoted, control characters escaped, cut when long. */
export function shownEntryName(name: string): string {
  const bytes = Buffer.byteLength(name);
  return bytes > 120 ? `${JSON.stringify(name.slice(0, 60))}… (${bytes} bytes)` : JSON.stringify(name);
}

/** Whether text holds a C0 control character or DEL: a newline in a name would split the one-line error, and worse. */
export function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** What is wrong with a name on its own: its length, its characters, an absolute or ".." path. */
function nameProblem(name: string, field: 'name' | 'link target'): string | undefined {
  const bytes = Buffer.byteLength(name);
  if (bytes > maxPathBytes) return `its ${field} is ${bytes} bytes, over the ${maxPathBytes} a path may have`;
  if (hasControlCharacter(name)) return `its ${field} holds a control character`;
  const long = name.split('/').find((part) => Buffer.byteLength(part) > maxNameBytes);
  if (long !== undefined)
    return `its ${field} has a part of ${Buffer.byteLength(long)} bytes, over the ${maxNameBytes} a file name may have`;
  return undefined;
}

export class ArchiveEntryCheck {
  private readonly policy: EntryPolicy;
  /** Every path seen, by its parts joined with "/", with its type. */
  private readonly seen = new Map<string, string>();
  /** Symlinks seen, with their targets: nothing may later be written through one. */
  private readonly links = new Map<string, string>();

  constructor(policy: EntryPolicy) {
    this.policy = policy;
  }

  /** The first earlier symlink `parts` would be written through, as "path -> target". */
  private linkOnTheWay(parts: readonly string[]): string | undefined {
    for (let length = 1; length < parts.length; length++) {
      const path = parts.slice(0, length).join('/');
      const target = this.links.get(path);
      if (target !== undefined) return `${path} -> ${target}`;
    }
    return undefined;
  }

  /** The entry's problem, or undefined when it may be unpacked; records it either way. */
  problemOf(entry: ArchiveEntry): string | undefined {
    const named = nameProblem(entry.name, 'name');
    if (named) return named;
    if (entry.name.startsWith('/')) return 'is an absolute path';
    const parts = partsOf(entry.name);
    if (parts.includes('..')) return 'climbs out of the tree with ".."';
    if (parts.length === 0) return entry.type === 'directory' ? undefined : 'has an empty name';
    const device = deviceTypes[entry.type];
    if (device) return `is ${device}`;
    if (!fileTypes.has(entry.type) && !['directory', 'symlink', 'link'].includes(entry.type))
      return `has the unknown entry type ${entry.type}`;
    const through = this.linkOnTheWay(parts);
    if (through) return `is written through the symlink ${through}`;
    const path = parts.join('/');
    const earlier = this.seen.get(path);
    if (earlier !== undefined && !(earlier === 'directory' && entry.type === 'directory')) return 'appears twice in the archive';
    this.seen.set(path, entry.type);
    if (entry.type === 'symlink' || entry.type === 'link') return this.linkProblem(entry, parts, path);
    return undefined;
  }

  private linkProblem(entry: ArchiveEntry, parts: readonly string[], path: string): string | undefined {
    const target = entry.linkname ?? '';
    if (target === '') return 'is a link without a target';
    const named = nameProblem(target, 'link target');
    if (named) return named;
    if (entry.type === 'link') {
      // A hard link's target is a path in the archive, unpacked relative to the folder: it must be one.
      const targetParts = partsOf(target);
      if (target.startsWith('/') || targetParts.includes('..')) return `is a hard link to ${JSON.stringify(target)}, outside the tree`;
      const through = this.linkOnTheWay(targetParts);
      if (through) return `is a hard link through the symlink ${through}`;
      return undefined;
    }
    this.links.set(path, target);
    if (!this.policy.linksMayLeaveTree && resolvedInTree(parts.slice(0, -1), target) === undefined) {
      return `is a symlink to ${JSON.stringify(target)}, outside the tree`;
    }
    return undefined;
  }
}
