import type { FileData, TreeEntry } from '../assemble/tree-types.ts';
import { archiveName } from './image-path.ts';
import { assertSymlinkTargetFits } from './newc-header.ts';
import { type NewcRecord, S_IFBLK, S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG } from './newc-record.ts';

const PERMISSION_BITS = 0o7777;

/** The file type bits for an entry's `type`. */
function fileTypeBits(entry: TreeEntry): number {
  switch (entry.type) {
    case 'file':
      return S_IFREG;
    case 'dir':
      return S_IFDIR;
    case 'symlink':
      return S_IFLNK;
    case 'char':
      return S_IFCHR;
    case 'block':
      return S_IFBLK;
  }
}

/**
 * The newc record for one tree entry, with the inode and mtime the archive writer chose.
 * Nothing here comes from the build host, so the record depends only on its inputs.
 */
export function recordFromEntry(entry: TreeEntry, ino: number, mtime: number): NewcRecord {
  // Type bits in `mode` would be OR-ed into the wrong type; catch the mix-up early.
  if (!Number.isInteger(entry.mode) || entry.mode < 0 || entry.mode > PERMISSION_BITS) {
    throw new Error(
      `image path "${entry.path}": mode 0o${entry.mode.toString(8)} is not permission bits ` +
        `only (0..0o7777); the file type comes from the entry's type`,
    );
  }

  const name = archiveName(entry.path);
  let body: FileData = Buffer.alloc(0);
  let rdevmajor = 0;
  let rdevminor = 0;
  switch (entry.type) {
    case 'file':
      body = entry.data;
      break;
    case 'symlink':
      body = Buffer.from(entry.target, 'utf8');
      assertSymlinkTargetFits(name, Buffer.from(entry.target, 'utf8'));
      break;
    case 'char':
    case 'block':
      rdevmajor = entry.major;
      rdevminor = entry.minor;
      break;
    case 'dir':
      break;
  }

  return {
    name,
    ino,
    mode: fileTypeBits(entry) | entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    // A directory's "." and its entry in the parent; the kernel ignores it, cpio -tv shows it.
    nlink: entry.type === 'dir' ? 2 : 1,
    mtime,
    body,
    rdevmajor,
    rdevminor,
  };
}
