import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import type { TreeEntry } from '../../src/assemble/tree-types.ts';
import { newcRecordBytes } from '../../src/pack/newc-header.ts';
import { S_IFREG } from '../../src/pack/newc-record.ts';
import { writeNewcArchive } from '../../src/pack/write-archive.ts';

const MTIME = 1_700_000_000;

const dir = (path: string, mode = 0o755, uid = 0, gid = 0): TreeEntry => ({ type: 'dir', path, mode, uid, gid });
const file = (path: string, data: string, mode = 0o644, uid = 0, gid = 0): TreeEntry => ({
  type: 'file',
  path,
  mode,
  uid,
  gid,
  data: Buffer.from(data),
});

/** A small root filesystem touching every entry type and every padding case. */
function sampleTree(): TreeEntry[] {
  return [
    dir('/'),
    dir('/bin'),
    { type: 'symlink', path: '/bin/sh', target: 'busybox', mode: 0o777, uid: 0, gid: 0 },
    file('/bin/busybox', '\x7fELF fake busybox', 0o755),
    file('/bin/su', 'setuid', 0o4755),
    dir('/dev'),
    { type: 'char', path: '/dev/console', major: 5, minor: 1, mode: 0o600, uid: 0, gid: 0 },
    { type: 'char', path: '/dev/null', major: 1, minor: 3, mode: 0o666, uid: 0, gid: 0 },
    { type: 'block', path: '/dev/sda', major: 8, minor: 0, mode: 0o660, uid: 0, gid: 6 },
    dir('/etc'),
    file('/etc/size0', ''),
    file('/etc/size1', 'a'),
    file('/etc/size3', 'abc'),
    file('/etc/size4', 'abcd'),
    file('/etc/size5', 'abcde'),
    dir('/home'),
    dir('/home/user', 0o700, 1000, 1000),
    file('/home/user/notes', 'mine\n', 0o600, 1000, 1000),
  ];
}

const EXPECTED_NAMES = [
  'bin',
  'bin/busybox',
  'bin/sh',
  'bin/su',
  'dev',
  'dev/console',
  'dev/null',
  'dev/sda',
  'etc',
  'etc/size0',
  'etc/size1',
  'etc/size3',
  'etc/size4',
  'etc/size5',
  'home',
  'home/user',
  'home/user/notes',
];

/** Fisher–Yates with a fixed seed, so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

// GNU cpio's listing shows dates in local time and owner names from /etc/passwd.
const CPIO_ENV = { LC_ALL: 'C', TZ: 'UTC' };

async function cpioList(archive: Buffer, verbose: boolean): Promise<string[]> {
  const args = verbose ? ['-t', '-v', '--numeric-uid-gid'] : ['-t'];
  const { stdout } = await execa('cpio', args, { input: archive, env: CPIO_ENV });
  return stdout.split('\n').filter((line) => line !== '');
}

interface ParsedHeader {
  name: string;
  ino: number;
  mode: number;
  nlink: number;
  mtime: number;
}

/** Just enough of a newc reader to see fields `cpio -t` does not print. */
function parsedHeaders(archive: Buffer): ParsedHeader[] {
  const headers: ParsedHeader[] = [];
  let offset = 0;
  const field = (index: number): number => parseInt(archive.toString('latin1', offset + 6 + index * 8, offset + 14 + index * 8), 16);
  for (;;) {
    assert.equal(archive.toString('latin1', offset, offset + 6), '070701', `magic at offset ${offset}`);
    const namesize = field(11);
    const filesize = field(6);
    const name = archive.toString('utf8', offset + 110, offset + 110 + namesize - 1);
    headers.push({ name, ino: field(0), mode: field(1), nlink: field(4), mtime: field(5) });
    if (name === 'TRAILER!!!') return headers;
    offset += Math.ceil((110 + namesize) / 4) * 4 + Math.ceil(filesize / 4) * 4;
  }
}

describe('newcRecordBytes', () => {
  it('lays out header, name and body with 4-byte padding', () => {
    const bytes = newcRecordBytes({
      name: 'ab',
      ino: 1,
      mode: S_IFREG | 0o644,
      uid: 0,
      gid: 0,
      nlink: 1,
      mtime: 0x10,
      body: Buffer.from('xyz'),
      rdevmajor: 0,
      rdevminor: 0,
    });
    const want =
      '070701' +
      ['1', '81a4', '0', '0', '1', '10', '3', '0', '0', '0', '0', '3', '0'].map((f) => f.padStart(8, '0')).join('') +
      'ab\0' +
      '\0\0\0' + // 110 + 3 = 113 → padded to 116
      'xyz' +
      '\0'; // 3 → padded to 4
    assert.equal(bytes.toString('latin1'), want);
  });

  it('refuses a field that needs more than 8 hex digits, naming the record', () => {
    const record = {
      name: 'etc/big',
      ino: 1,
      mode: S_IFREG,
      uid: 2 ** 32,
      gid: 0,
      nlink: 1,
      mtime: 0,
      body: Buffer.alloc(0),
      rdevmajor: 0,
      rdevminor: 0,
    };
    assert.throws(() => newcRecordBytes(record), /"etc\/big".*uid=4294967296/);
    assert.throws(() => newcRecordBytes({ ...record, uid: -1 }), /"etc\/big".*uid=-1/);
  });
});

describe('writeNewcArchive read back by GNU cpio', () => {
  const archive = writeNewcArchive(sampleTree(), { mtime: MTIME });

  it('lists exactly the sorted paths, without the root or leading slashes', async () => {
    assert.deepEqual(await cpioList(archive, false), EXPECTED_NAMES);
  });

  it('shows type, mode, owner and device numbers', async () => {
    const lines = await cpioList(archive, true);
    const lineFor = (name: string): string => {
      const line = lines.find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `));
      assert.ok(line, `cpio -tv has no line for ${name}:\n${lines.join('\n')}`);
      return line;
    };
    assert.match(lineFor('dev/console'), /^crw------- +1 +0 +0 +5, +1 Nov 14 +2023 dev\/console$/);
    assert.match(lineFor('dev/null'), /^crw-rw-rw- +1 +0 +0 +1, +3 .* dev\/null$/);
    assert.match(lineFor('dev/sda'), /^brw-rw---- +1 +0 +6 +8, +0 .* dev\/sda$/);
    assert.match(lineFor('bin/sh'), /^lrwxrwxrwx +1 +0 +0 +7 .* bin\/sh -> busybox$/);
    assert.match(lineFor('bin/su'), /^-rwsr-xr-x +1 +0 +0 +6 .* bin\/su$/);
    assert.match(lineFor('home/user'), /^drwx------ +2 +1000 +1000 +0 .* home\/user$/);
    assert.match(lineFor('home/user/notes'), /^-rw------- +1 +1000 +1000 +5 .* home\/user\/notes$/);
  });

  it('extracts to byte-identical files with their owners and links', async (t) => {
    const dest = await mkdtemp(join(tmpdir(), 'emb-pack-'));
    t.after(() => rm(dest, { recursive: true, force: true }));
    await execa('cpio', ['-i', '-d', '-m', '--no-absolute-filenames', '--quiet'], {
      input: archive,
      cwd: dest,
      env: CPIO_ENV,
    });

    for (const entry of sampleTree()) {
      const onDisk = join(dest, entry.path);
      const stats = await lstat(onDisk);
      if (entry.type === 'file') {
        assert.deepEqual(await readFile(onDisk), entry.data, `contents of ${entry.path}`);
        assert.equal(stats.mtimeMs / 1000, MTIME, `mtime of ${entry.path}`);
      }
      if (entry.type === 'symlink') {
        assert.equal(await readlink(onDisk), entry.target);
      }
      if (entry.type === 'char' || entry.type === 'block') {
        assert.equal(entry.type === 'char' ? stats.isCharacterDevice() : stats.isBlockDevice(), true);
        assert.equal(stats.rdev, (entry.major << 8) | entry.minor, `rdev of ${entry.path}`);
      }
      if (entry.path === '/') continue;
      if (entry.type !== 'symlink') {
        assert.equal(stats.mode & 0o7777, entry.mode, `mode of ${entry.path}`);
      }
      // Owners only come back when cpio runs as root.
      if (process.getuid?.() === 0) {
        assert.deepEqual([stats.uid, stats.gid], [entry.uid, entry.gid], `owner of ${entry.path}`);
      }
    }
  });
});

describe('writeNewcArchive determinism', () => {
  it('gives identical bytes for the same entries in any order', () => {
    const want = writeNewcArchive(sampleTree(), { mtime: MTIME });
    for (const seed of [1, 2, 3, 42]) {
      const got = writeNewcArchive(shuffled(sampleTree(), seed), { mtime: MTIME });
      assert.ok(got.equals(want), `shuffle seed ${seed} changed the archive`);
    }
  });

  it('numbers inodes 1..n in path order and stamps every record with the mtime', () => {
    const headers = parsedHeaders(writeNewcArchive(shuffled(sampleTree(), 7), { mtime: MTIME }));
    const records = headers.slice(0, -1);
    assert.deepEqual(
      records.map((h) => h.name),
      EXPECTED_NAMES,
    );
    assert.deepEqual(
      records.map((h) => h.ino),
      EXPECTED_NAMES.map((_, i) => i + 1),
    );
    assert.ok(records.every((h) => h.mtime === MTIME));
    assert.deepEqual(headers.at(-1), { name: 'TRAILER!!!', ino: 0, mode: 0, nlink: 1, mtime: 0 });
  });

  it('sorts by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF21 (EF BC A1) sorts before U+1F600 (F0 9F 98 80) as bytes, after it as UTF-16.
    const names = parsedHeaders(writeNewcArchive([file('/\u{1F600}', ''), file('/\uFF21', '')], { mtime: 0 })).map((h) => h.name);
    assert.deepEqual(names, ['\uFF21', '\u{1F600}', 'TRAILER!!!']);
  });
});

describe('writeNewcArchive refuses bad trees', () => {
  const cases: Array<{ name: string; entries: TreeEntry[]; error: RegExp }> = [
    {
      name: 'missing parent directory',
      entries: [dir('/etc'), file('/etc/ssl/cert.pem', 'x')],
      error: /"\/etc\/ssl\/cert\.pem".*parent directory "\/etc\/ssl" is not in the tree/,
    },
    {
      name: 'parent that is not a directory',
      entries: [file('/etc', 'x'), file('/etc/hostname', 'x')],
      error: /"\/etc\/hostname".*parent "\/etc" is a file/,
    },
    {
      name: 'duplicate path',
      entries: [dir('/etc'), file('/etc/hostname', 'a'), file('/etc/hostname', 'b')],
      error: /"\/etc\/hostname" appears twice/,
    },
    { name: '".." component', entries: [dir('/etc'), file('/etc/../passwd', 'x')], error: /"\/etc\/\.\.\/passwd".*"\.\."/ },
    { name: 'relative path', entries: [file('etc/hostname', 'x')], error: /"etc\/hostname" is relative/ },
    { name: 'trailing slash', entries: [dir('/etc/')], error: /"\/etc\/" has an empty component/ },
    { name: 'type bits in mode', entries: [file('/x', '', 0o100644)], error: /"\/x".*not permission bits/ },
    { name: 'root that is a file', entries: [file('/', '')], error: /"\/" is a file/ },
    {
      name: 'device number too large',
      entries: [{ type: 'char', path: '/null', major: 2 ** 32, minor: 0, mode: 0o666, uid: 0, gid: 0 }],
      error: /"null".*rdevmajor=4294967296/,
    },
  ];
  for (const { name, entries, error } of cases) {
    it(name, () => {
      assert.throws(() => writeNewcArchive(entries, { mtime: 0 }), error);
    });
  }

  it('refuses an mtime past the newc limit', () => {
    assert.throws(() => writeNewcArchive([dir('/etc')], { mtime: 2 ** 32 }), /"etc".*mtime=4294967296/);
  });
});
