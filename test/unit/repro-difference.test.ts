/**
 * The reproducibility check's differ on planted differences: two dist/ folders written
 * here, identical but for one thing, and the line that must name it. Images are real
 * layered initramfs files (emb's own newc writer and zstd), read back by the check's
 * parser.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compressZstd } from '../../src/pack/compress.ts';
import { newcRecordBytes } from '../../src/pack/newc-header.ts';
import { type NewcRecord, S_IFCHR, S_IFDIR, S_IFREG, trailerRecord } from '../../src/pack/newc-record.ts';
import { shortSha256 } from '../../src/repro/bytes-difference.ts';
import { compareDists, formatComparison } from '../../src/repro/first-difference.ts';

const scratch = await mkdtemp(join(tmpdir(), 'emb-repro-diff-'));
after(() => rm(scratch, { recursive: true, force: true }));

function file(name: string, body: string, changes: Partial<NewcRecord> = {}): NewcRecord {
  return {
    name,
    ino: 0,
    mode: S_IFREG | 0o644,
    uid: 0,
    gid: 0,
    nlink: 1,
    mtime: 0,
    body: Buffer.from(body),
    rdevmajor: 0,
    rdevminor: 0,
    ...changes,
  };
}

/** Two layers, as emb packs them: base (a folder, a device) and busybox (two files). */
function layers(): NewcRecord[][] {
  return [
    [file('dev', '', { mode: S_IFDIR | 0o755, nlink: 2 }), file('dev/console', '', { mode: S_IFCHR | 0o600, rdevmajor: 5, rdevminor: 1 })],
    [
      file('bin', '', { mode: S_IFDIR | 0o755, nlink: 2 }),
      file('bin/busybox', 'ELF busybox', { mode: S_IFREG | 0o755 }),
      file('etc/motd', 'hi\n'),
    ],
  ];
}

async function image(members: NewcRecord[][], level = 3): Promise<Buffer> {
  const frames: Buffer[] = [];
  for (const records of members) {
    const archive = Buffer.concat([...records, trailerRecord()].map((record) => newcRecordBytes(record)));
    frames.push(await compressZstd(archive, level));
  }
  return Buffer.concat(frames);
}

let count = 0;
/** A dist/<board> folder holding `files` (name → bytes). */
async function dist(files: Record<string, Buffer | string>): Promise<string> {
  const dir = join(scratch, `dist-${count++}`);
  await mkdir(dir);
  for (const [name, data] of Object.entries(files)) await writeFile(join(dir, name), data);
  return dir;
}

const kernel = Buffer.from('kernel image bytes '.repeat(100));
const dtb = Buffer.from('\xd0\x0d\xfe\xed device tree', 'latin1');

async function distWith(members: NewcRecord[][], extra: Record<string, Buffer | string> = {}): Promise<string> {
  return dist({ 'initramfs.zst': await image(members), zImage: kernel, 'board.dtb': dtb, 'manifest.json': '{}', ...extra });
}

/** The line for a first build as `layers()` and a second with `change` applied to its layers. */
async function lineFor(change: (members: NewcRecord[][]) => void): Promise<string> {
  const second = layers();
  change(second);
  return formatComparison(await compareDists(await distWith(layers()), await distWith(second)));
}

test('identical builds: every compared file named, manifest.json left out', async () => {
  const comparison = await compareDists(
    await distWith(layers(), { 'manifest.json': '{"toolchain":"host"}' }),
    await distWith(layers(), { 'manifest.json': '{"toolchain":"docker"}' }),
  );
  assert.deepEqual(comparison, { identical: true, files: ['board.dtb', 'initramfs.zst', 'zImage'] });
  assert.equal(formatComparison(comparison), 'reproducible: 3 files identical (board.dtb, initramfs.zst, zImage)');
});

const planted: Array<{ what: string; change: (members: NewcRecord[][]) => void; want: RegExp }> = [
  {
    what: 'content',
    change: (m) => Object.assign(m[1]![1]!, { body: Buffer.from('ELF busyboy') }),
    want: /^not reproducible: first differing file initramfs\.zst: member 2 of 2: bin\/busybox: content 11 bytes each, first difference at byte 10 \(0xa\), sha256 [0-9a-f]{12}… vs [0-9a-f]{12}…$/,
  },
  {
    what: 'mode',
    change: (m) => Object.assign(m[1]![2]!, { mode: S_IFREG | 0o600 }),
    want: /member 2 of 2: etc\/motd: mode 100644 vs 100600$/,
  },
  {
    what: 'owner',
    change: (m) => Object.assign(m[1]![2]!, { uid: 1000, gid: 100 }),
    want: /member 2 of 2: etc\/motd: owner 0:0 vs 1000:100$/,
  },
  {
    what: 'mtime',
    change: (m) => Object.assign(m[0]![0]!, { mtime: 1_700_000_000 }),
    want: /member 1 of 2: dev: mtime 0 \(1970-01-01T00:00:00Z\) vs 1700000000 \(2023-11-14T22:13:20Z\)$/,
  },
  {
    what: 'device number',
    change: (m) => Object.assign(m[0]![1]!, { rdevminor: 2 }),
    want: /member 1 of 2: dev\/console: device 5:1 vs 5:2$/,
  },
  {
    what: 'two properties at once',
    change: (m) => Object.assign(m[1]![1]!, { mode: S_IFREG | 0o700, mtime: 1 }),
    want: /bin\/busybox: mode 100755 vs 100700; mtime 0 .* vs 1 \(1970-01-01T00:00:01Z\)$/,
  },
  { what: 'an extra record', change: (m) => m[1]!.push(file('etc/zzz', '')), want: /member 2 of 2: etc\/zzz only in the second build/ },
  {
    what: 'records in another order',
    change: (m) => m[1]!.reverse(),
    want: /member 2 of 2: record 1 is bin in the first build, etc\/motd in the second$/,
  },
  { what: 'a missing layer', change: (m) => m.pop(), want: /member 2 of 2 only in the first build \(2 members against 1\)$/ },
];

for (const { what, change, want } of planted) {
  test(`a planted difference in the initramfs is named: ${what}`, async () => {
    assert.match(await lineFor(change), want);
  });
}

test('the same archive compressed at another level is said to be zstd, not a file', async () => {
  const first = await dist({ 'initramfs.zst': await image(layers(), 3), zImage: kernel });
  const second = await dist({ 'initramfs.zst': await image(layers(), 9), zImage: kernel });
  assert.match(
    formatComparison(await compareDists(first, second)),
    /initramfs\.zst: member 1 of 2: the same cpio archive compressed to other bytes \(zstd level, version or threading\): /,
  );
});

test('a kernel or DTB that differs is named with the first differing byte; a missing one too', async () => {
  const other = Buffer.from(kernel);
  other[1234] = 0;
  assert.equal(
    formatComparison(await compareDists(await distWith(layers()), await distWith(layers(), { zImage: other }))),
    `not reproducible: first differing file zImage: 1900 bytes each, first difference at byte 1234 (0x4d2), sha256 ${shortSha256(kernel)}… vs ${shortSha256(other)}…`,
  );
  const withoutDtb = await dist({ 'initramfs.zst': await image(layers()), zImage: kernel });
  assert.equal(
    formatComparison(await compareDists(await distWith(layers()), withoutDtb)),
    'not reproducible: first differing file board.dtb: only the first build wrote it',
  );
});

test('an image that is not a readable initramfs is reported, not thrown', async () => {
  const broken = (await image(layers())).subarray(0, 40);
  assert.match(
    formatComparison(
      await compareDists(await distWith(layers()), await dist({ 'initramfs.zst': broken, zImage: kernel, 'board.dtb': dtb })),
    ),
    /initramfs\.zst: the second build's image cannot be read as an initramfs: /,
  );
});

test('a file with the same bytes under another mode is named with both modes', async () => {
  const first = await distWith(layers());
  const second = await distWith(layers());
  await chmod(join(first, 'zImage'), 0o644);
  await chmod(join(second, 'zImage'), 0o600);
  assert.equal(
    formatComparison(await compareDists(first, second)),
    'not reproducible: first differing file zImage: the same bytes, mode 0644 vs 0600',
  );
});
