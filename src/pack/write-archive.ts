import { fileDataSize, type FileData, type FileSlice, type TreeEntry } from '../assemble/tree-types.ts';
import { fileDataBytes, fileSliceStream } from '../fs/file-slice.ts';
import { readSlicesInto } from './read-slices.ts';
import { newcRecordHead, paddingTo4 } from './newc-header.ts';
import { trailerRecord } from './newc-record.ts';
import { type EarlierEntry, orderedArchiveEntries } from './ordered-entries.ts';
import { recordFromEntry } from './record-from-entry.ts';

export interface NewcArchiveOptions {
  /** Seconds since the epoch stamped on every record (see archiveMtime). */
  mtime: number;
  /** In a layered image, what the archives unpacked before this one hold: parents may be there. */
  earlier?: EarlierEntry;
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
  const ordered = orderedArchiveEntries(entries, options.earlier);
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

/** The archive's size in bytes, from the headers alone (nothing is read). */
export function newcArchiveSize(entries: readonly TreeEntry[], options: NewcArchiveOptions): number {
  let size = 0;
  for (const piece of newcArchivePieces(entries, options)) size += fileDataSize(piece);
  return size;
}

/** Chunks of about this size go to the compressor: a record's header alone is ~120 bytes. */
const CHUNK = 1 << 20;

/**
 * The archive as chunks, reading each file's bytes from disk only when its record is
 * written: memory stays at a chunk or two however large the image. A slice that
 * yields other than its declared size would shift every later record, so it is an error.
 */
export async function* newcArchiveChunks(entries: readonly TreeEntry[], options: NewcArchiveOptions): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (bytes: Buffer): Buffer | undefined => {
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes < CHUNK) return undefined;
    const chunk = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    return chunk;
  };
  for (const piece of newcArchivePieces(entries, options)) {
    if (Buffer.isBuffer(piece)) {
      const chunk = take(piece);
      if (chunk) yield chunk;
      continue;
    }
    let read = 0;
    for await (const bytes of fileSliceStream(piece)) {
      read += (bytes as Buffer).length;
      const chunk = take(bytes as Buffer);
      if (chunk) yield chunk;
    }
    if (read !== piece.size)
      throw new Error(
        `${piece.path}: ${read} bytes at offset ${piece.offset}, the archive declared ${piece.size}; ` +
          'the archive is now corrupt (was the cache changed during the build?)',
      );
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

/**
 * The whole archive in one buffer of exactly its size, file bodies read from disk into
 * place: what a layer's compressor takes in one piece (the one-shot compressor is the
 * reproducible one). The buffer owns its memory, so it can move to a worker thread.
 */
export async function newcArchiveBuffer(entries: readonly TreeEntry[], options: NewcArchiveOptions): Promise<Buffer> {
  const pieces = [...newcArchivePieces(entries, options)];
  let size = 0;
  for (const piece of pieces) size += fileDataSize(piece);
  const archive = Buffer.allocUnsafeSlow(size);
  const slices: Array<{ slice: FileSlice; at: number }> = [];
  let at = 0;
  for (const piece of pieces) {
    if (Buffer.isBuffer(piece)) piece.copy(archive, at);
    else slices.push({ slice: piece, at });
    at += fileDataSize(piece);
  }
  await readSlicesInto(archive, slices);
  return archive;
}
