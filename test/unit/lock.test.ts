/**
 * emb.lock as data: its text is stable and sorted, a damaged file is one line naming
 * it, the change list says what moved; a session pins, refuses (--locked) or
 * refreshes; the imported-version rule a recipe's version is checked by.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EmbError } from '../../src/errors.ts';
import { checkImportedVersion, upstreamVersion, versionMatches } from '../../src/fetch/imported-version.ts';
import { lockChanges } from '../../src/lock/lock-changes.ts';
import { type LockEntry, lockText, readLockFile, writeLockFile } from '../../src/lock/lock-file.ts';
import { LockSession } from '../../src/lock/lock-session.ts';

function entry(version: string, sha = 'a'): LockEntry {
  return {
    architecture: 'arm64',
    version,
    sha256: sha.repeat(64).slice(0, 64),
    filename: `pool/main/l/libx/libx_${version}_arm64.deb`,
    depends: 'libc6 (>= 2.34)',
    apt: 'host',
  };
}

async function tempFile(name: string): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'emb-lock-')), name);
}

test('the lock text is sorted by package and reads back to the same entries', async () => {
  const file = await tempFile('emb.lock');
  const entries = new Map([
    ['zlib1g:arm64', entry('1:1.2.13-1')],
    ['libc6:arm64', entry('2.36-9+deb12u14', 'b')],
  ]);
  await writeLockFile(file, entries);
  const text = await readFile(file, 'utf8');
  assert.ok(text.indexOf('libc6:arm64') < text.indexOf('zlib1g:arm64'), text);
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(await readLockFile(file), new Map([...entries].sort()));
  assert.equal(lockText(await readLockFile(file)), text, 'written twice, the same bytes');
});

test('no lock file is an empty lock; a damaged one is one line naming the file and the field', async () => {
  assert.deepEqual(await readLockFile(await tempFile('absent.lock')), new Map());
  const file = await tempFile('emb.lock');
  await writeFile(file, '{"lockVersion": 1, "packages": {');
  await assert.rejects(readLockFile(file), (error: EmbError) => {
    assert.ok(error instanceof EmbError);
    assert.match(error.message, /emb\.lock: not JSON/);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
  const bad = lockText(new Map([['libc6:arm64', entry('2.36-9')]])).replace(/"sha256": "a+"/, '"sha256": "xyz"');
  await writeFile(file, bad);
  await assert.rejects(readLockFile(file), /emb\.lock: packages\.libc6:arm64\.sha256: a sha256 in hex/);
  // The pool path is joined to a mirror's URL: no part of it may climb out of the pool.
  for (const filename of ['pool/../../../../tmp/evil.deb', 'pool/main/./x.deb', 'pool/main/x.deb/..', '/pool/main/x.deb']) {
    await writeFile(file, lockText(new Map([['libc6:arm64', { ...entry('2.36-9'), filename }]])));
    await assert.rejects(
      readLockFile(file),
      /emb\.lock: packages\.libc6:arm64\.filename: a pool\/… path ending in \.deb, without \. or \.\. parts/,
      filename,
    );
  }
});

test('lockChanges lists moved, added, removed and rebuilt packages, one line each', () => {
  const before = new Map([
    ['libc6:arm64', entry('2.36-9+deb12u13')],
    ['runit:arm64', entry('2.1.2-54')],
    ['gone:arm64', entry('1.0-1')],
  ]);
  const after = new Map([
    ['libc6:arm64', entry('2.36-9+deb12u14')],
    ['runit:arm64', entry('2.1.2-54', 'c')],
    ['new:arm64', entry('2.0-1')],
  ]);
  assert.deepEqual(lockChanges(before, after), [
    '- gone:arm64 1.0-1',
    '~ libc6:arm64 2.36-9+deb12u13 → 2.36-9+deb12u14',
    '+ new:arm64 2.0-1',
    `~ runit:arm64 2.1.2-54: sha256 ${'a'.repeat(12)}… → ${'c'.repeat(12)}…`,
  ]);
  assert.deepEqual(lockChanges(before, before), []);
});

test('a session answers pins, refuses an unpinned package only when locked, and ignores pins when refreshing', async () => {
  const pins = new Map([['libc6:arm64', entry('2.36-9')]]);
  const use = new LockSession(await tempFile('emb.lock'), 'use', new Map(pins));
  assert.equal(use.pinnedEntry('libc6', 'arm64')?.version, '2.36-9');
  assert.doesNotThrow(() => use.refuseUnpinned('runit', 'arm64'));
  await use.record('runit', 'arm64', entry('2.1.2-54'));
  assert.equal((await readLockFile(use.file)).get('runit:arm64')?.version, '2.1.2-54', 'use mode writes the new pin at once');

  const locked = new LockSession(await tempFile('emb.lock'), 'locked', new Map(pins));
  assert.throws(() => locked.refuseUnpinned('runit', 'arm64'), /runit:arm64 is not pinned in .*emb\.lock and the build is --locked/);

  const refresh = new LockSession(await tempFile('emb.lock'), 'refresh', new Map(pins));
  assert.equal(refresh.pinnedEntry('libc6', 'arm64'), undefined);
  await refresh.record('libc6', 'arm64', entry('2.36-10'));
  assert.deepEqual(await readLockFile(refresh.file), new Map(), 'refresh writes only when the walk is done');
  assert.equal(refresh.resolved.get('libc6:arm64')?.version, '2.36-10');
});

test("a recipe's version is the upstream part of the imported Debian version; a repack suffix is allowed", () => {
  assert.equal(upstreamVersion('1:4.4.33-2'), '4.4.33');
  assert.equal(upstreamVersion('7.20.5+dfsg-1.1'), '7.20.5+dfsg');
  assert.equal(upstreamVersion('2.1.2'), '2.1.2');
  for (const [declared, debian] of [
    ['4.4.33', '1:4.4.33-2'],
    ['7.20.5', '7.20.5+dfsg-1.1'],
    ['2.36', '2.36-9+deb12u14'],
    ['3.0.20', '3.0.20-1~deb12u2'],
    ['1.5.0', '1.5.0-1+b6'],
  ] as const) {
    assert.ok(versionMatches(declared, debian), `${declared} matches ${debian}`);
  }
  assert.ok(!versionMatches('7.20', '7.20.5+dfsg-1.1'), 'a prefix of the version is not the version');
  assert.ok(!versionMatches('2.36', '2.37-1'));
  const imported = {
    name: 'boinc-client',
    debianArch: 'arm64',
    version: '7.22.0+dfsg-1',
    sha256: '',
    fileName: '',
    poolPath: '',
    depends: '',
  };
  assert.throws(
    () => checkImportedVersion('packages/boinc-client/recipe.ts', '7.20.5', imported),
    (error: EmbError) =>
      error.message ===
        'packages/boinc-client/recipe.ts: declares version 7.20.5, but imports boinc-client:arm64 7.22.0+dfsg-1 (upstream 7.22.0+dfsg)' &&
      /set version: '7\.22\.0'/.test(error.hint ?? ''),
  );
});
