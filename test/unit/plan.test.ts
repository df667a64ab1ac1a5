import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbError } from '../../src/errors.ts';
import { archiveUrisIn, poolPath } from '../../src/fetch/debian-mirrors.ts';
import { parseAptCacheShow } from '../../src/fetch/debian-packages.ts';
import { topologicalOrder } from '../../src/plan/package-graph.ts';
import { boardSchema } from '../../src/schema/board.ts';
import { expandVariables } from '../../src/build/step-env.ts';

const graph: Record<string, string[]> = {
  app: ['lib', 'zlib'],
  lib: ['zlib'],
  zlib: [],
  loop1: ['loop2'],
  loop2: ['loop1'],
  broken: ['nothere'],
};
const deps = (name: string): string[] | undefined => graph[name];

test('topologicalOrder puts dependencies first', () => {
  assert.deepEqual(topologicalOrder(['app'], deps), ['zlib', 'lib', 'app']);
});

test('topologicalOrder names the whole chain of a cycle', () => {
  assert.throws(
    () => topologicalOrder(['loop1'], deps),
    (error: unknown) => error instanceof EmbError && error.message === 'dependency cycle: loop1 -> loop2 -> loop1',
  );
});

test('topologicalOrder names who needs an unknown package', () => {
  assert.throws(
    () => topologicalOrder(['broken'], deps),
    (error: unknown) => error instanceof EmbError && error.message === 'unknown package "nothere" (needed by broken)',
  );
});

test('archiveUrisIn reads deb822 and one-line sources, keeping only Debian archives', () => {
  const text = [
    'Types: deb',
    'URIs: http://deb.debian.org/debian',
    'Suites: bookworm',
    'URIs: http://deb.debian.org/debian-security',
    'deb [arch=amd64] http://mirror.example/debian bookworm main',
    'deb https://packages.cloud.google.com/apt cloud-sdk main',
  ].join('\n');
  assert.deepEqual(archiveUrisIn(text), ['http://deb.debian.org/debian', 'http://mirror.example/debian']);
});

test("poolPath follows Debian's lib prefix rule", () => {
  assert.equal(poolPath('busybox', 'busybox_1.37.0.orig.tar.bz2'), 'pool/main/b/busybox/busybox_1.37.0.orig.tar.bz2');
  assert.equal(poolPath('libcap2', 'x.tar.xz'), 'pool/main/libc/libcap2/x.tar.xz');
});

test('parseAptCacheShow takes the first stanza', () => {
  const shown = `Package: runit\nVersion: 2.1.2-54\nFilename: pool/main/r/runit/runit_2.1.2-54_arm64.deb\nSHA256: ${'a'.repeat(64)}\nDepends: libc6 (>= 2.34)\n\nPackage: runit\nVersion: 1\n`;
  assert.deepEqual(parseAptCacheShow(shown, 'runit', 'arm64'), {
    name: 'runit',
    debianArch: 'arm64',
    version: '2.1.2-54',
    sha256: 'a'.repeat(64),
    fileName: 'runit_2.1.2-54_arm64.deb',
    poolPath: 'pool/main/r/runit/runit_2.1.2-54_arm64.deb',
    depends: 'libc6 (>= 2.34)',
  });
  assert.equal(parseAptCacheShow('N: Unable to locate package x\n', 'x', 'arm64'), undefined);
});

test('expandVariables replaces known names and leaves unknown ones visible', () => {
  assert.equal(expandVariables('CONFIG_PREFIX=${DESTDIR} ${NOPE} $DESTDIR', { DESTDIR: '/d' }), 'CONFIG_PREFIX=/d ${NOPE} $DESTDIR');
});

test('a board with -cpu max is refused with the reason', () => {
  const parsed = boardSchema.safeParse({
    name: 'x',
    description: 'x',
    arch: 'aarch64',
    console: 'ttyAMA0',
    packages: ['busybox'],
    ramMiB: 512,
    bootloader: { kind: 'qemu', from: 'QEMU', maxInitrdMiB: 256 },
    kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
    qemu: { binary: 'qemu-system-aarch64', machine: 'virt', cpu: 'max', memoryMiB: 512 },
  });
  assert.equal(parsed.success, false);
  assert.match(parsed.error!.issues[0]!.message, /6x slower/);
});
