import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { classifyOutput } from '../../src/build/output-filter.ts';
import { tarballCandidates } from '../../src/fetch/choose-source.ts';
import { listFromEnv } from '../../src/fetch/debian-mirrors.ts';
import { stanzasByPackage } from '../../src/fetch/debian-packages.ts';
import { transitiveDependencies, type PackageNode } from '../../src/plan/package-plan.ts';
import { archInfoOf } from '../../src/plan/arch-info.ts';
import { recipeSchema } from '../../src/schema/recipe.ts';
import { parsePackageList, toolchainPackagesFor } from '../../src/toolchain/package-lists.ts';
import { tempDir } from '../helpers/run-emb.ts';

test('classifyOutput splits runtime, dev and dropped files', () => {
  const rows: [string, string][] = [
    ['/usr/sbin/dropbear', 'runtime'],
    ['/lib/aarch64-linux-gnu/libc.so.6', 'runtime'],
    ['/etc/mke2fs.conf', 'runtime'],
    ['/usr/include/stdio.h', 'dev'],
    ['/usr/lib/libz.a', 'dev'],
    ['/usr/lib/libz.la', 'dev'],
    ['/usr/lib/aarch64-linux-gnu/pkgconfig/zlib.pc', 'dev'],
    ['/usr/share/aclocal/foo.m4', 'dev'],
    ['/usr/share/man/man8/dropbear.8', 'drop'],
    ['/usr/share/doc/e2fsprogs/README', 'drop'],
    ['/usr/share/locale/de/LC_MESSAGES/e2fsprogs.mo', 'drop'],
    ['/usr/share/info/dir', 'drop'],
  ];
  for (const [path, want] of rows)
    assert.equal(classifyOutput(path), want, `classifyOutput(${path}) = ${classifyOutput(path)}, want ${want}`);
});

test('package lists: comments and blanks skipped; the host arch uses the native gcc', async () => {
  assert.deepEqual(parsePackageList('# a comment\nmake\n\n  gcc  # the compiler\n'), ['make', 'gcc']);
  const dir = await tempDir('lists');
  await writeFile(join(dir, 'common.list'), 'make\ngcc\n');
  await writeFile(join(dir, 'aarch64.list'), 'gcc-aarch64-linux-gnu\n');
  await writeFile(join(dir, 'armhf.list'), 'gcc-arm-linux-gnueabihf\n');
  await writeFile(join(dir, 'amd64.list'), 'gcc-x86-64-linux-gnu\n');
  assert.deepEqual(await toolchainPackagesFor(['aarch64', 'amd64'], 'amd64', dir), ['make', 'gcc', 'gcc-aarch64-linux-gnu']);
  assert.deepEqual(await toolchainPackagesFor(['aarch64', 'amd64'], 'arm64', dir), ['make', 'gcc', 'gcc-x86-64-linux-gnu']);
});

test('tarball candidates: source mirrors first, then upstream; debian-orig from each Debian mirror', async () => {
  const sha256 = 'a'.repeat(64);
  const upstream = await tarballCandidates(
    { kind: 'tarball', url: 'https://example.org/dl/foo-1.0.tar.gz', sha256 },
    { EMB_SOURCE_MIRRORS: 'http://m1/src/, http://m2' },
  );
  assert.deepEqual(
    upstream.map((c) => c.url),
    ['http://m1/src/foo-1.0.tar.gz', 'http://m2/foo-1.0.tar.gz', 'https://example.org/dl/foo-1.0.tar.gz'],
  );
  assert.deepEqual(listFromEnv(' a, ,b '), ['a', 'b']);
  assert.deepEqual(listFromEnv(undefined), []);
});

test('one apt-cache show answer is split per asked package, "all" packages answering any arch', () => {
  const text =
    'Package: libc6\nArchitecture: arm64\nVersion: 2.36\n\nPackage: libc6\nArchitecture: armhf\nVersion: 2.36\n\nPackage: tzdata\nArchitecture: all\nVersion: 2024a\n';
  const asked = new Map([
    ['show libc6:armhf', { name: 'libc6', debianArch: 'armhf' }],
    ['show tzdata:arm64', { name: 'tzdata', debianArch: 'arm64' }],
    ['show nope:arm64', { name: 'nope', debianArch: 'arm64' }],
  ]);
  const found = stanzasByPackage(text, asked);
  assert.match(found.get('show libc6:armhf')!, /Architecture: armhf/);
  assert.match(found.get('show tzdata:arm64')!, /Version: 2024a/);
  assert.equal(found.has('show nope:arm64'), false);
});

test('transitive dependencies come in build order, without the node itself', () => {
  const node = (id: string, dependencies: string[]): PackageNode => ({
    id,
    dependencies,
    info: archInfoOf('aarch64'),
    loaded: undefined as never,
  });
  const nodes = [
    node('a/glibc', []),
    node('a/libgcc', ['a/glibc']),
    node('a/zlib', ['a/glibc']),
    node('a/boinc', ['a/libgcc', 'a/zlib']),
    node('a/other', []),
  ];
  assert.deepEqual(
    transitiveDependencies(nodes[3]!, nodes).map((n) => n.id),
    ['a/glibc', 'a/libgcc', 'a/zlib'],
  );
  assert.deepEqual(transitiveDependencies(nodes[0]!, nodes), []);
});

test('recipe schema: sources need their own sha256; patches stay inside the recipe folder', () => {
  const base = { name: 'x', version: '1', license: 'MIT', description: 'x', arches: ['aarch64'] };
  assert.equal(
    recipeSchema.safeParse({ ...base, sources: [{ kind: 'debian-orig', package: 'x', file: 'x_1.orig.tar.gz' }] }).success,
    false,
  );
  assert.equal(
    recipeSchema.safeParse({ ...base, sources: [{ kind: 'tarball', url: 'https://x/x.tgz', sha256: 'b'.repeat(64), debianOrig: {} }] })
      .success,
    false,
    'unknown keys are refused',
  );
  const ok = { ...base, sources: [{ kind: 'debian-orig', package: 'x', file: 'x_1.orig.tar.gz', sha256: 'c'.repeat(64) }] };
  assert.equal(recipeSchema.safeParse({ ...ok, patches: ['patches/fix.patch'] }).success, true);
  assert.equal(recipeSchema.safeParse({ ...ok, patches: ['../other/fix.patch'] }).success, false);
  assert.equal(recipeSchema.safeParse({ ...ok, patches: ['patches/../../fix.patch'] }).success, false);
  assert.equal(recipeSchema.safeParse({ ...ok, patches: ['/etc/passwd'] }).success, false);
});

test('a work folder is locked against a live process and taken over from a dead one', async () => {
  const { acquireWorkDir } = await import('../../src/build/work-dir.ts');
  const cache = await tempDir('workdir');
  const key = 'd'.repeat(64);
  await mkdir(join(cache, 'work'), { recursive: true });
  // A live process (this one's parent) holds the lock.
  await writeFile(join(cache, 'work', `${key.slice(0, 24)}.lock`), String(process.ppid));
  await assert.rejects(acquireWorkDir(cache, key, 'x (aarch64)'), /being built by another emb process/);
  // A dead pid: the lock and the half-done folder are taken over.
  await writeFile(join(cache, 'work', `${key.slice(0, 24)}.lock`), '999999999');
  await mkdir(join(cache, 'work', key.slice(0, 24), 'leftover'), { recursive: true });
  const work = await acquireWorkDir(cache, key, 'x (aarch64)');
  const { readdir } = await import('node:fs/promises');
  assert.deepEqual(await readdir(work.path), [], 'the leftover folder was wiped');
  await work.release();
  assert.deepEqual(await readdir(join(cache, 'work')), []);
});
