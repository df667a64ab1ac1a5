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

/**
 * A file's bytes that stay on disk until the archive is written: a range of a package
 * artifact's tar, or a whole file of the kernel tree. The pack stage streams them, so
 * an image of hundreds of MB (GPU firmware and modules) is never held in memory.
 */
export interface FileSlice {
  path: string;
  offset: number;
  size: number;
}

/** Small generated files are bytes; everything read from the cache is a slice. */
export type FileData = Buffer | FileSlice;

export interface FileEntry extends EntryBase {
  type: 'file';
  data: FileData;
}

export function fileDataSize(data: FileData): number {
  return Buffer.isBuffer(data) ? data.length : data.size;
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

/** An entry whose file bytes are in memory (an artifact read whole, in tests and the sysroot). */
export type BufferedTreeEntry = Exclude<TreeEntry, FileEntry> | (FileEntry & { data: Buffer });
