import type { FileData } from '../assemble/tree-types.ts';

/**
 * One record of a cpio "newc" archive, already resolved: the file type is folded into
 * `mode`, the inode is chosen, the body is bytes. Building these from the image tree is
 * record-from-entry.ts's job; turning them into bytes is newc-header.ts's.
 */
export interface NewcRecord {
  /** Name as stored in the archive: relative ("etc/hostname"), no leading slash. */
  name: string;
  ino: number;
  /** File type bits (S_IF*) plus permission bits. */
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  /** Regular file contents (bytes, or a slice streamed at write time), or a symlink's target; empty for everything else. */
  body: FileData;
  /** Only meaningful for char and block devices; 0 otherwise. */
  rdevmajor: number;
  rdevminor: number;
}

// The values from <sys/stat.h>; the kernel's initramfs unpacker reads them from `mode`.
export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

/** The name whose record ends every cpio archive. */
export const TRAILER_NAME = 'TRAILER!!!';

/** The end-of-archive record. nlink 1 matches GNU cpio and the kernel's gen_init_cpio. */
export function trailerRecord(): NewcRecord {
  return {
    name: TRAILER_NAME,
    ino: 0,
    mode: 0,
    uid: 0,
    gid: 0,
    nlink: 1,
    mtime: 0,
    body: Buffer.alloc(0),
    rdevmajor: 0,
    rdevminor: 0,
  };
}
