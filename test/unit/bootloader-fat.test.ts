/**
 * The FAT image emb bootloader writes for a Raspberry Pi 3: the MBR (table-driven,
 * against the bytes sfdisk writes for `start=2048, type=c`), and the image itself read
 * back with util-linux and mtools as a user would.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { chsOf, FAT32_LBA, mbrWithOnePartition } from '../../src/bootloader/mbr.ts';
import { MiB } from '../../src/bootloader/image-layout.ts';
import { diskIdOf, fatPartitionOf, verifyFatImageSize, writeFatSdImage } from '../../src/bootloader/write-fat-image.ts';
import { EmbError } from '../../src/errors.ts';

const work = await mkdtemp(join(tmpdir(), 'emb-bootloader-fat-'));
after(() => rm(work, { recursive: true, force: true }));

test('chsOf: the 255-head, 63-sector geometry, clamped past cylinder 1023', () => {
  const rows: { lba: number; want: [number, number, number] }[] = [
    { lba: 0, want: [0, 1, 0] },
    { lba: 2048, want: [32, 33, 0] },
    { lba: 131071, want: [40, 32, 8] },
    { lba: 1023 * 255 * 63 + 254 * 63 + 62, want: [254, 63 | 0xc0, 0xff] },
    { lba: 1024 * 255 * 63, want: [254, 0xff, 0xff] },
  ];
  for (const { lba, want } of rows) assert.deepEqual(chsOf(lba), want, `chsOf(${lba}) = ${chsOf(lba)}, want ${want}`);
});

test('mbrWithOnePartition: one FAT32 (LBA) entry from 1 MiB, the disk id, the signature, nothing else', () => {
  const mbr = mbrWithOnePartition({ startSector: 2048, sectorCount: 129024, type: FAT32_LBA }, 0x0cdfda0f);
  assert.equal(mbr.length, 512);
  // As sfdisk writes a 64 MiB card with "start=2048, type=c".
  assert.equal(mbr.subarray(440, 462).toString('hex'), '0fdadf0c0000' + '00202100' + '0c282008' + '00080000' + '00f80100');
  assert.ok(
    mbr.subarray(462, 510).every((byte) => byte === 0),
    'no other partition',
  );
  assert.ok(
    mbr.subarray(0, 440).every((byte) => byte === 0),
    'no boot code',
  );
  assert.equal(mbr.readUInt16BE(510), 0x55aa);
});

test('an image under 64 MiB cannot hold a FAT32 partition: refused as a usage mistake', () => {
  assert.throws(
    () => verifyFatImageSize(32),
    (error: unknown) => error instanceof EmbError && error.exitCode === 2 && /^--size-mib 32 is too small/.test(error.message),
  );
  verifyFatImageSize(64);
  assert.deepEqual(fatPartitionOf(64 * MiB), { startSector: 2048, sectorCount: 129024, type: 0x0c });
});

test('writeFatSdImage: partx shows the partition, mdir the files, mcopy gives their bytes back; the same files give the same image', async () => {
  const files = [
    { name: 'bootcode.bin', path: '/usr/lib/x/bootcode.bin', data: Buffer.alloc(52_460, 0xa5), mtime: new Date('2022-10-03T14:11:00Z') },
    { name: 'timeout', path: '/usr/lib/x/timeout', data: Buffer.alloc(0), mtime: new Date('2022-10-03T14:11:00Z') },
  ];
  const image = join(work, 'sd.img');
  assert.deepEqual(await writeFatSdImage(image, 64 * MiB, files), fatPartitionOf(64 * MiB));
  const partx = await execa('partx', ['--show', '--noheadings', '--output', 'NR,START,SECTORS', image]);
  assert.match(String(partx.stdout).trim(), /^1 +2048 +129024$/);
  const mdir = await execa('mdir', ['-b', '-i', `${image}@@1M`, '::'], { env: { MTOOLS_SKIP_CHECK: '1' } });
  assert.deepEqual(String(mdir.stdout).split('\n').filter(Boolean).sort(), ['::/bootcode.bin', '::/timeout']);
  const back = join(work, 'back.bin');
  await execa('mcopy', ['-n', '-i', `${image}@@1M`, '::bootcode.bin', back], { env: { MTOOLS_SKIP_CHECK: '1' } });
  assert.ok((await readFile(back)).equals(files[0]?.data ?? Buffer.alloc(0)), 'the same bytes');
  const first = await readFile(image);
  assert.equal(first.readUInt32LE(440), diskIdOf(files));
  await writeFatSdImage(image, 64 * MiB, files);
  assert.ok((await readFile(image)).equals(first), 'written again: byte for byte the same');
});
