import { Readable } from 'node:stream';
import { fileDataSize, type FileData, type TreeEntry } from '../assemble/tree-types.ts';
import { fileDataBytes, fileSliceStream } from '../fs/file-slice.ts';
import { newcRecordHead, paddingTo4 } from './newc-header.ts';
import { trailerRecord } from './newc-record.ts';
import { orderedArchiveEntries } from './ordered-entries.ts';
import { recordFromEntry } from './record-from-entry.ts';

export interface NewcArchiveOptions {
  /** Seconds since the epoch stamped on every record (see archiveMtime). */
  mtime: number;
}

const NO_PADDING = Buffer.alloc(0);

/**
 * The cpio "newc" archive of `entries` as pieces in order: each record's header and
 * name, its body (bytes or a slice of a file on disk), its padding, then the trailer.
 * Reproducible by construction: entries are sorted by path, inodes are numbered 1..n in
 * that order, every record carries `options.mtime`, and nothing is read from the host
 * but the bodies, so the same entries in any order give the same bytes.
 */
function* newcArchivePieces(entries: readonly TreeEntry[], options: NewcArchiveOptions): Generator<FileData> {
  const ordered = orderedArchiveEntries(entries);
  for (const [index, entry] of ordered.entries()) {
    const record = recordFromEntry(entry, index + 1, options.mtime);
    yield newcRecordHead(record);
    const size = fileDataSize(record.body);
    if (size > 0) {
      yield record.body;
      yield paddingTo4(size) > 0 ? Buffer.alloc(paddingTo4(size)) : NO_PADDING;
    }
  }
  yield newcRecordHead(trailerRecord());
}

/** The whole archive in memory: for tests and small trees; builds stream it (newcArchiveStream). */
export function writeNewcArchive(entries: readonly TreeEntry[], options: NewcArchiveOptions): Buffer {
  return Buffer.concat([...newcArchivePieces(entries, options)].map(fileDataBytes));
}

/**
 * The archive as a stream, reading each file's bytes from disk only when its record is
 * written: memory stays at one chunk however large the image. A slice that yields
 * other than its declared size would shift every later record, so it is an error.
 */
export function newcArchiveStream(entries: readonly TreeEntry[], options: NewcArchiveOptions): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    for (const piece of newcArchivePieces(entries, options)) {
      if (Buffer.isBuffer(piece)) {
        if (piece.length > 0) yield piece;
        continue;
      }
      let read = 0;
      for await (const chunk of fileSliceStream(piece)) {
        read += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      if (read !== piece.size) throw new Error(`${piece.path}: ${read} bytes at offset ${piece.offset}, the archive declared ${piece.size}; the archive is now corrupt (was the cache changed during the build?)`);
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}
