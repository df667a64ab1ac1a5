import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hashOfDirectory } from '../../src/fs/hash.ts';

async function treeWith(make: (dir: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'emb-hash-'));
  await mkdir(join(dir, 'etc', 'sv', 'ntpd'), { recursive: true });
  await writeFile(join(dir, 'etc', 'sv', 'ntpd', 'run'), '#!/bin/sh\nexec ntpd -n\n', { mode: 0o755 });
  await make(dir);
  return dir;
}

describe('hashOfDirectory', () => {
  it('gives equal trees equal keys', async () => {
    const a = await treeWith(async (dir) => symlink('/etc/sv/ntpd', join(dir, 'etc', 'service')));
    const b = await treeWith(async (dir) => symlink('/etc/sv/ntpd', join(dir, 'etc', 'service')));
    assert.equal(await hashOfDirectory(a), await hashOfDirectory(b));
  });

  it('changes when a symlink is removed', async () => {
    const dir = await treeWith(async (d) => symlink('/etc/sv/ntpd', join(d, 'etc', 'service')));
    const before = await hashOfDirectory(dir);
    await rm(join(dir, 'etc', 'service'));
    assert.notEqual(await hashOfDirectory(dir), before);
  });

  it("changes when a symlink's target changes", async () => {
    const dir = await treeWith(async (d) => symlink('/etc/sv/ntpd', join(d, 'etc', 'service')));
    const before = await hashOfDirectory(dir);
    await rm(join(dir, 'etc', 'service'));
    await symlink('/etc/sv/other', join(dir, 'etc', 'service'));
    assert.notEqual(await hashOfDirectory(dir), before);
  });

  it('tells a symlink from a file holding its target text', async () => {
    const link = await treeWith(async (d) => symlink('/etc/sv/ntpd', join(d, 'etc', 'service')));
    const file = await treeWith(async (d) => writeFile(join(d, 'etc', 'service'), '/etc/sv/ntpd'));
    assert.notEqual(await hashOfDirectory(link), await hashOfDirectory(file));
  });

  it('changes when an empty directory is added, and again when it is renamed', async () => {
    const dir = await treeWith(async () => undefined);
    const before = await hashOfDirectory(dir);
    await mkdir(join(dir, 'var', 'empty'), { recursive: true });
    const withEmpty = await hashOfDirectory(dir);
    assert.notEqual(withEmpty, before);
    await rm(join(dir, 'var', 'empty'), { recursive: true });
    await mkdir(join(dir, 'var', 'spool'));
    assert.notEqual(await hashOfDirectory(dir), withEmpty);
  });

  it('changes when a file content or exec bit changes', async () => {
    const dir = await treeWith(async () => undefined);
    const before = await hashOfDirectory(dir);
    await writeFile(join(dir, 'etc', 'sv', 'ntpd', 'run'), '#!/bin/sh\nexec ntpd -n -d\n', { mode: 0o755 });
    const edited = await hashOfDirectory(dir);
    assert.notEqual(edited, before);
    await rm(join(dir, 'etc', 'sv', 'ntpd', 'run'));
    await writeFile(join(dir, 'etc', 'sv', 'ntpd', 'run'), '#!/bin/sh\nexec ntpd -n -d\n', { mode: 0o644 });
    assert.notEqual(await hashOfDirectory(dir), edited);
  });

  it('does not follow a symlink to a directory', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'emb-hash-outside-'));
    await writeFile(join(outside, 'big'), 'x');
    const dir = await treeWith(async (d) => symlink(outside, join(d, 'build')));
    const before = await hashOfDirectory(dir);
    await writeFile(join(outside, 'big'), 'y');
    assert.equal(await hashOfDirectory(dir), before);
  });
});
