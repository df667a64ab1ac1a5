/**
 * An artifact must not depend on the builder's umask: under `umask 077` mkdir -p,
 * `make install` and dpkg-deb leave 0700 folders (/usr/lib, /lib/<triplet>) and 0600
 * files, which services running as other users cannot read.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { readArtifact } from '../../src/build/artifact.ts';
import { artifactPaths, storeArtifact } from '../../src/build/artifact-store.ts';
import { importDebianBinaries } from '../../src/build/import-debian.ts';
import { rootfilesLayer } from '../../src/assemble/rootfiles-layer.ts';
import { archInfoOf } from '../../src/plan/arch-info.ts';

const meta = { name: 'demo', version: '1.0', arch: 'aarch64', toolchain: 'host', source: { kind: 'tarball', from: 'test' } };

/** Run `make` with the process umask set to `mask`, as a build under that umask would. */
async function underUmask<T>(mask: number, make: () => Promise<T>): Promise<T> {
  const saved = process.umask(mask);
  try {
    return await make();
  } finally {
    process.umask(saved);
  }
}

/** What `make install` leaves: modes from the umask (no explicit modes), one setuid file. */
async function stagingTree(): Promise<string> {
  const dest = await mkdtemp(join(tmpdir(), 'emb-stage-'));
  await mkdir(join(dest, 'usr', 'bin'), { recursive: true });
  await mkdir(join(dest, 'usr', 'lib', 'aarch64-linux-gnu'), { recursive: true });
  await mkdir(join(dest, 'var', 'empty'), { recursive: true });
  await writeFile(join(dest, 'usr', 'bin', 'tool'), '#!/bin/sh\necho tool\n', { mode: 0o777 });
  await writeFile(join(dest, 'usr', 'bin', 'setuid-tool'), '#!/bin/sh\n', { mode: 0o777 });
  await chmod(join(dest, 'usr', 'bin', 'setuid-tool'), 0o4755);
  await writeFile(join(dest, 'usr', 'lib', 'aarch64-linux-gnu', 'libdemo.so.1'), 'not really a library\n');
  await symlink('libdemo.so.1', join(dest, 'usr', 'lib', 'aarch64-linux-gnu', 'libdemo.so'));
  return dest;
}

async function storedRuntimeTar(cacheRoot: string, key: string, dest: string): Promise<Buffer> {
  await storeArtifact(cacheRoot, key, dest, meta);
  return readFile(artifactPaths(cacheRoot, key).runtime);
}

async function modesOf(tar: string): Promise<Record<string, string>> {
  return Object.fromEntries((await readArtifact(tar)).map((entry) => [entry.path, `${entry.type} ${entry.mode.toString(8)}`]));
}

describe('artifact modes', () => {
  it('a staging tree made under umask 077 stores the same bytes as one made under 022', async () => {
    const cacheRoot = await mkdtemp(join(tmpdir(), 'emb-cache-'));
    const strict = await storedRuntimeTar(cacheRoot, 'a'.repeat(64), await underUmask(0o077, stagingTree));
    const usual = await storedRuntimeTar(cacheRoot, 'b'.repeat(64), await underUmask(0o022, stagingTree));
    assert.ok(strict.equals(usual), 'the runtime tars are byte-identical');
    assert.deepEqual(await modesOf(artifactPaths(cacheRoot, 'a'.repeat(64)).runtime), {
      '/usr': 'dir 755',
      '/usr/bin': 'dir 755',
      '/usr/bin/setuid-tool': 'file 755',
      '/usr/bin/tool': 'file 755',
      '/usr/lib': 'dir 755',
      '/usr/lib/aarch64-linux-gnu': 'dir 755',
      '/usr/lib/aarch64-linux-gnu/libdemo.so': 'symlink 777',
      '/usr/lib/aarch64-linux-gnu/libdemo.so.1': 'file 644',
      // An empty folder is kept; its parents are made by the assemble stage (0755).
      '/var/empty': 'dir 755',
    });
  });

  it('a Debian binary import under umask 077 stores the same bytes as under 022', async () => {
    // A real .deb, made with dpkg-deb as Debian's are (root-owned, its own modes).
    const pkgRoot = await mkdtemp(join(tmpdir(), 'emb-deb-'));
    await mkdir(join(pkgRoot, 'DEBIAN'));
    await writeFile(
      join(pkgRoot, 'DEBIAN', 'control'),
      'Package: demo\nVersion: 1.0\nArchitecture: arm64\nMaintainer: emb test <test@example.org>\nDescription: a package made by the artifact-modes test\n',
    );
    await mkdir(join(pkgRoot, 'usr', 'bin'), { recursive: true, mode: 0o755 });
    await mkdir(join(pkgRoot, 'usr', 'share', 'demo'), { recursive: true, mode: 0o755 });
    await writeFile(join(pkgRoot, 'usr', 'bin', 'tool'), '#!/bin/sh\necho tool\n');
    await chmod(join(pkgRoot, 'usr', 'bin', 'tool'), 0o755);
    await writeFile(join(pkgRoot, 'usr', 'share', 'demo', 'data'), 'data\n');
    await chmod(join(pkgRoot, 'usr', 'share', 'demo', 'data'), 0o644);
    for (const dir of ['usr', 'usr/bin', 'usr/share', 'usr/share/demo']) await chmod(join(pkgRoot, dir), 0o755);
    const deb = join(await mkdtemp(join(tmpdir(), 'emb-deb-out-')), 'demo_1.0_arm64.deb');
    await execa('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', pkgRoot, deb]);

    const source = {
      kind: 'debian-binary' as const,
      package: 'demo',
      binaries: ['/usr/bin/tool'],
      libraryPackages: [],
      files: ['/usr/share/demo/data'],
    };
    const cacheRoot = await mkdtemp(join(tmpdir(), 'emb-cache-'));
    const importUnder = (mask: number, key: string): Promise<Buffer> =>
      underUmask(mask, async () => {
        const work = await mkdtemp(join(tmpdir(), 'emb-import-'));
        const dest = join(work, 'dest');
        await mkdir(dest);
        await importDebianBinaries('demo', source, [{ pkg: 'demo', file: deb }], archInfoOf('aarch64'), dest, work);
        return storedRuntimeTar(cacheRoot, key, dest);
      });
    const strict = await importUnder(0o077, 'c'.repeat(64));
    const usual = await importUnder(0o022, 'd'.repeat(64));
    assert.ok(strict.equals(usual), 'the runtime tars are byte-identical');
    const modes = await modesOf(artifactPaths(cacheRoot, 'c'.repeat(64)).runtime);
    assert.equal(modes['/usr/bin'], 'dir 755');
    assert.equal(modes['/usr/bin/tool'], 'file 755');
    assert.equal(modes['/usr/share/demo/data'], 'file 644');
  });

  it('a rootfiles tree checked out under umask 077 gives the layer it gives under 022, .emb-modes applied', async () => {
    const make = async (): Promise<string> => {
      const dir = await mkdtemp(join(tmpdir(), 'emb-rootfiles-'));
      await mkdir(join(dir, 'etc', 'sv', 'ntpd'), { recursive: true });
      await writeFile(join(dir, 'etc', 'sv', 'ntpd', 'run'), '#!/bin/sh\n', { mode: 0o777 });
      await writeFile(join(dir, 'etc', 'motd'), 'hello\n');
      await writeFile(join(dir, 'etc', 'secret'), 'x\n');
      await writeFile(join(dir, '.emb-modes'), '/etc/secret 0600\n');
      return dir;
    };
    const strict = await rootfilesLayer(await underUmask(0o077, make));
    const usual = await rootfilesLayer(await underUmask(0o022, make));
    assert.deepEqual(strict.entries, usual.entries);
    assert.deepEqual(Object.fromEntries(strict.entries.map((entry) => [entry.path, entry.mode.toString(8)])), {
      '/etc': '755',
      '/etc/motd': '644',
      '/etc/secret': '600',
      '/etc/sv': '755',
      '/etc/sv/ntpd': '755',
      '/etc/sv/ntpd/run': '755',
    });
  });
});
