import { open } from 'node:fs/promises';
import { produceAtomically } from '../fs/atomic.ts';
import type { Placement } from './image-layout.ts';

/**
 * A raw SD card image: `sizeBytes` of zeros (a sparse file) with each piece written at
 * its offset. Written to a temp name beside `path` and renamed, so a reader (QEMU, dd)
 * sees the old image or the new one, never half of one.
 */
export async function writeSdImage(path: string, sizeBytes: number, placements: readonly Placement[]): Promise<void> {
  await produceAtomically(path, async (temp) => {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.truncate(sizeBytes);
      for (const placement of placements) await handle.write(placement.data, 0, placement.data.length, placement.offset);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}
