import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { execa } from 'execa';
import type { Manifest } from '../../src/pack/manifest.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { kernelComponents } from '../../src/sbom/kernel-components.ts';
import { DebComponents } from '../../src/sbom/deb-components.ts';

const scratch = await mkdtemp(join(tmpdir(), 'emb-sbom-kernel-'));
after(() => rm(scratch, { recursive: true, force: true }));

const copyright = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Linux

Files: *
Copyright: 1991-2012 Linus Torvalds and many others
License: GPL-2
`;

/** A real (tiny) linux-source .deb made with dpkg-deb, put in a download cache as emb keeps them: downloads/<sha256>/<file>. */
async function cacheWithSourceDeb(): Promise<{ cacheRoot: string; sha256: string }> {
  const root = join(scratch, 'pkg');
  await mkdir(join(root, 'DEBIAN'), { recursive: true });
  await mkdir(join(root, 'usr', 'share', 'doc', 'linux-source-6.1'), { recursive: true });
  await writeFile(
    join(root, 'DEBIAN', 'control'),
    'Package: linux-source-6.1\nVersion: 6.1.176-1\nArchitecture: all\nMaintainer: emb tests <tests@emb.invalid>\nDescription: stand-in\n',
  );
  await writeFile(join(root, 'usr', 'share', 'doc', 'linux-source-6.1', 'copyright'), copyright);
  const built = join(scratch, 'linux-source.deb');
  await execa('dpkg-deb', ['--root-owner-group', '--build', root, built]);
  const sha256 = createHash('sha256')
    .update(await readFile(built))
    .digest('hex');
  const cacheRoot = join(scratch, 'cache');
  await mkdir(join(cacheRoot, 'downloads', sha256), { recursive: true });
  await rename(built, join(cacheRoot, 'downloads', sha256, 'linux-source-6.1_6.1.176-1_all.deb'));
  return { cacheRoot, sha256 };
}

/** The manifest fields kernelComponents reads, for a source kernel with one module and one firmware file. */
const manifest = {
  kernel: {
    package: 'linux-source-6.1 (common + aarch64 + qemu-virt)',
    version: '6.1.176-1',
    sha256: 'b'.repeat(64),
    release: '6.1.176-emb',
    file: 'Image',
  },
  files: [
    { path: '/lib/modules/6.1.176-emb', type: 'dir', layer: 'kernel-modules', size: 0, mode: '0755' },
    { path: '/lib/modules/6.1.176-emb/kernel/fs/nfs/nfsv4.ko', type: 'file', layer: 'kernel-modules', size: 10, mode: '0644' },
    { path: '/lib/firmware/regulatory.db', type: 'file', layer: 'kernel-modules', size: 20, mode: '0644' },
    { path: '/usr/bin/boinc', type: 'file', layer: 'boinc-client', size: 30, mode: '0755' },
  ],
} as unknown as Manifest;

const fileHashes = new Map([
  ['/lib/modules/6.1.176-emb/kernel/fs/nfs/nfsv4.ko', 'c'.repeat(64)],
  ['/lib/firmware/regulatory.db', 'd'.repeat(64)],
]);

describe('the kernel in an SBOM', async () => {
  const { board } = await loadBoard('qemu-aarch64-lean');

  it('a source kernel depends on the linux-source .deb it was built from, found in the download cache with its license', async () => {
    const { cacheRoot, sha256 } = await cacheWithSourceDeb();
    const warnings: string[] = [];
    const debs = new DebComponents({ cacheRoot, warn: (line) => warnings.push(line) });
    const facts = { manifest, board, debianArch: 'arm64', cacheRoot, fileHashes, warn: (line: string) => warnings.push(line) };
    const [kernel, ...files] = await kernelComponents(facts, debs);
    assert.deepEqual(warnings, []);
    assert.equal(kernel?.sha256, undefined, "a built kernel's sha256 is not a download's");
    assert.ok(kernel?.properties.some(([name, value]) => name === 'emb:kernel-build-key' && value === 'b'.repeat(64)));
    const [source] = debs.all();
    assert.equal(source?.ref, 'deb:linux-source-6.1:all=6.1.176-1');
    assert.equal(source?.sha256, sha256);
    assert.equal(source?.purl, 'pkg:deb/debian/linux-source-6.1@6.1.176-1?arch=all');
    assert.deepEqual(source?.license, { kind: 'licenses', licenses: [{ id: 'GPL-2.0-only' }] });
    assert.deepEqual(kernel?.dependsOn, [
      'deb:linux-source-6.1:all=6.1.176-1',
      'module:/lib/modules/6.1.176-emb/kernel/fs/nfs/nfsv4.ko',
      'firmware:/lib/firmware/regulatory.db',
    ]);
    assert.deepEqual(
      files.map((file) => [file.type, file.name, file.version, file.sha256]),
      [
        ['device-driver', 'nfsv4', '6.1.176-emb', 'c'.repeat(64)],
        ['firmware', 'regulatory.db', undefined, 'd'.repeat(64)],
      ],
    );
  });

  it('says so, once, when the linux-source .deb is gone from the cache', async () => {
    const warnings: string[] = [];
    const cacheRoot = join(scratch, 'empty-cache');
    const debs = new DebComponents({ cacheRoot, warn: (line) => warnings.push(line) });
    const [kernel] = await kernelComponents(
      { manifest, board, debianArch: 'arm64', cacheRoot, fileHashes, warn: (line) => warnings.push(line) },
      debs,
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /linux-source-6\.1_6\.1\.176-1_all\.deb is no longer in the cache/);
    assert.deepEqual(debs.all(), []);
    assert.ok(!kernel?.dependsOn.some((ref) => ref.startsWith('deb:')));
  });
});
