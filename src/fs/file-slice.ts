import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { FileData, FileSlice } from '../assemble/tree-types.ts';

/** The bytes of `data`, read now: for small files and tests; the pack stage streams instead. */
export function fileDataBytes(data: FileData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  const bytes = Buffer.alloc(data.size);
  const fd = openSync(data.path, 'r');
  try {
    for (let done = 0; done < data.size; ) {
      const read = readSync(fd, bytes, done, data.size - done, data.offset + done);
      if (read === 0) throw new Error(`${data.path}: ended ${data.size - done} bytes early at offset ${data.offset + done}`);
      done += read;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** A stream of the slice's bytes; an empty slice is no read at all. */
export function fileSliceStream(slice: FileSlice): Readable {
  return createReadStream(slice.path, { start: slice.offset, end: slice.offset + slice.size - 1 });
}
