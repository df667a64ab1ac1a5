/**
 * The ODROID-C1's legacy U-Boot images (uImage, uInitrd) are the same bytes whenever
 * they are made: mkimage writes the time into each header (ih_time, bytes 8-11), the
 * current second unless SOURCE_DATE_EPOCH says otherwise, so two builds a second apart
 * differed. emb gives it the archive's mtime.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { findOnPath } from '../../src/host/host-tools.ts';
import { legacyImageFiles } from '../../src/pack/legacy-images.ts';
import { archiveMtime } from '../../src/pack/mtime.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { skipOrFail } from '../helpers/skip-or-fail.ts';

const scratch = await mkdtemp(join(tmpdir(), 'emb-repro-legacy-'));
after(() => rm(scratch, { recursive: true, force: true }));

/** uImage and uInitrd made from the same staged kernel and initramfs, into `dir`. */
async function legacyImages(dir: string): Promise<Buffer[]> {
  const { board } = await loadBoard('odroid-c1');
  const staged = new Map([
    ['zImage', join(scratch, 'zImage')],
    ['initramfs.zst', join(scratch, 'initramfs.zst')],
  ]);
  const files = legacyImageFiles(board, { kernel: 'zImage', initramfs: 'initramfs.zst', dtb: 'meson8b-odroidc1.dtb' });
  const made: Buffer[] = [];
  for (const file of files.filter((each) => each.name !== 'boot.ini')) {
    const path = join(scratch, `${dir}-${file.name}`);
    await file.write(path, 0o644, staged);
    made.push(await readFile(path));
  }
  return made;
}

test('uImage and uInitrd made a second apart are the same bytes, dated by the archive mtime', async (t) => {
  if (!(await findOnPath('mkimage'))) return skipOrFail(t, 'no mkimage (apt-get install u-boot-tools)');
  await writeFile(join(scratch, 'zImage'), Buffer.alloc(4096, 7));
  await writeFile(join(scratch, 'initramfs.zst'), Buffer.alloc(4096, 9));
  const first = await legacyImages('first');
  await sleep(1100);
  const second = await legacyImages('second');
  assert.equal(first.length, 2);
  for (const [index, image] of first.entries()) {
    assert.ok(image.equals(second[index] ?? Buffer.alloc(0)), `${index === 0 ? 'uImage' : 'uInitrd'} is the same both times`);
    assert.equal(image.readUInt32BE(8), archiveMtime(), 'the header time is the archive mtime');
  }
});
