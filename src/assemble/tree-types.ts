/**
 * The in-memory root filesystem: what the assemble stage produces and the pack stage
 * writes. Paths are absolute inside the image ("/etc/hostname"), no trailing slash.
 * Owners and modes live here, not on the build host's disk, so no root or fakeroot
 * is needed to make device nodes or root-owned files.
 */
interface EntryBase {
  path: string;
  /** Permission bits only (e.g. 0o755); the file type comes from `type`. */
  mode: number;
  uid: number;
  gid: number;
}

export interface FileEntry extends EntryBase {
  type: 'file';
  data: Buffer;
}

export interface DirEntry extends EntryBase {
  type: 'dir';
}

export interface SymlinkEntry extends EntryBase {
  type: 'symlink';
  target: string;
}

export interface DeviceEntry extends EntryBase {
  type: 'char' | 'block';
  major: number;
  minor: number;
}

export type TreeEntry = FileEntry | DirEntry | SymlinkEntry | DeviceEntry;
