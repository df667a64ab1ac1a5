import { type FileHandle, open } from 'node:fs/promises';
import type { FileSlice } from '../assemble/tree-types.ts';

/**
 * Read each slice into `target` at its offset. A file is opened once however many
 * slices it holds (an artifact's tar holds a package's every file). A file that ends
 * before a slice does would leave stale bytes in the archive, so it is an error.
 */
export async function readSlicesInto(target: Buffer, slices: ReadonlyArray<{ slice: FileSlice; at: number }>): Promise<void> {
  const handles = new Map<string, Promise<FileHandle>>();
  try {
    for (const { slice, at } of slices) {
      let handle = handles.get(slice.path);
      if (handle === undefined) {
        handle = open(slice.path, 'r');
        handles.set(slice.path, handle);
      }
      const file = await handle;
      for (let done = 0; done < slice.size; ) {
        const { bytesRead } = await file.read(target, at + done, slice.size - done, slice.offset + done);
        if (bytesRead === 0)
          throw new Error(
            `${slice.path}: ended ${slice.size - done} bytes early at offset ${slice.offset + done}; ` +
              'the archive would be corrupt (was the cache changed during the build?)',
          );
        done += bytesRead;
      }
    }
  } finally {
    for (const handle of handles.values()) await handle.then((file) => file.close()).catch(() => undefined);
  }
}
