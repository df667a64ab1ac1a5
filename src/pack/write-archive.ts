import type { TreeEntry } from '../assemble/tree-types.ts';
import { newcRecordBytes } from './newc-header.ts';
import { trailerRecord } from './newc-record.ts';
import { orderedArchiveEntries } from './ordered-entries.ts';
import { recordFromEntry } from './record-from-entry.ts';

export interface NewcArchiveOptions {
  /** Seconds since the epoch stamped on every record (see archiveMtime). */
  mtime: number;
}

/**
 * The uncompressed cpio "newc" archive of `entries`, as the kernel unpacks an initramfs.
 * Reproducible by construction: entries are sorted by path, inodes are numbered 1..n in
 * that order, every record carries `options.mtime`, and nothing is read from the host,
 * so the same entries in any order give the same bytes.
 */
export function writeNewcArchive(entries: readonly TreeEntry[], options: NewcArchiveOptions): Buffer {
  const ordered = orderedArchiveEntries(entries);
  const chunks = ordered.map((entry, index) =>
    newcRecordBytes(recordFromEntry(entry, index + 1, options.mtime)),
  );
  chunks.push(newcRecordBytes(trailerRecord()));
  return Buffer.concat(chunks);
}
