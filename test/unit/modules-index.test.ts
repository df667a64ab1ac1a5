/**
 * indexModules on a small module tree made on disk: objects from the host gcc with a
 * `.modinfo` section added by objcopy, so the file-handle ELF path is exercised without
 * a kernel package.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { execa } from 'execa';
import { indexModules, moduleClosure, readModuleFiles } from '../../src/kernel/modules/index.ts';
import { indexModulesKept, KEPT_INDEX_FORMAT } from '../../src/kernel/modules/kept-module-index.ts';

let workDir = '';
let emptyObject = '';

before(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'emb-modules-'));
  await writeFile(path.join(workDir, 'empty.c'), 'int emb_placeholder;\n');
  emptyObject = path.join(workDir, 'empty.o');
  await execa('gcc', ['-c', path.join(workDir, 'empty.c'), '-o', emptyObject]);
});
after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Writes `<root>/<relPath>` as an ELF object whose .modinfo holds `modinfo` (or none). */
async function writeModule(root: string, relPath: string, modinfo: string[] | undefined): Promise<void> {
  const out = path.join(root, relPath);
  await mkdir(path.dirname(out), { recursive: true });
  if (modinfo === undefined) {
    await execa('cp', [emptyObject, out]);
    return;
  }
  const infoFile = `${out}.modinfo.bin`;
  await writeFile(infoFile, modinfo.map((s) => `${s}\0`).join(''));
  await execa('objcopy', ['--add-section', `.modinfo=${infoFile}`, emptyObject, out]);
  await rm(infoFile);
}

async function moduleTree(name: string): Promise<string> {
  const root = path.join(workDir, name, 'lib/modules/6.1.0-test');
  await mkdir(root, { recursive: true });
  return root;
}

describe('indexModules', () => {
  test('indexes names, paths, sizes, modinfo and built-ins', async () => {
    const root = await moduleTree('good');
    await writeModule(root, 'kernel/drivers/net/foo-bar.ko', [
      'name=foo_bar',
      'depends=baz',
      'alias=pci:v0000ABCDd*',
      'firmware=foo/fw.bin',
    ]);
    await writeModule(root, 'kernel/lib/baz.ko', ['name=baz', 'depends=']);
    await writeModule(root, 'updates/dkms/baz.ko', ['name=baz', 'depends=', 'license=Dual MIT/GPL']);
    await writeFile(path.join(root, 'modules.builtin'), 'kernel/drivers/virtio/virtio.ko\n');
    await writeFile(path.join(root, 'modules.builtin.modinfo'), 'crc32c_generic.alias=crypto-crc32c\0virtio.license=GPL\0');
    await writeFile(path.join(root, 'README'), 'not a module');
    // Like /lib/modules/<kver>/build on a host: must not be walked.
    await symlink('/', path.join(root, 'build'));

    const index = await indexModules(root);
    assert.deepEqual([...index.modules.keys()], ['baz', 'foo_bar']);
    const foo = index.modules.get('foo_bar')!;
    assert.equal(foo.relPath, 'kernel/drivers/net/foo-bar.ko');
    assert.equal(foo.size, (await stat(path.join(root, foo.relPath))).size);
    assert.deepEqual(foo.info.depends, ['baz']);
    assert.deepEqual(foo.info.firmware, ['foo/fw.bin']);
    assert.equal(index.modules.get('baz')!.relPath, 'updates/dkms/baz.ko', 'updates/ wins, as with depmod');
    assert.deepEqual([...index.builtin], ['virtio']);

    const closure = moduleClosure(index, ['pci:v0000ABCDd00000001', 'virtio', 'crypto-crc32c']);
    assert.deepEqual(
      closure.order.map((m) => m.relPath),
      ['updates/dkms/baz.ko', 'kernel/drivers/net/foo-bar.ko'],
    );
    assert.deepEqual(closure.builtin, ['virtio', 'crypto-crc32c']);
    assert.deepEqual(closure.firmware, ['foo/fw.bin']);
  });

  const failures: Array<{ name: string; make: (root: string) => Promise<void>; want: (root: string) => RegExp }> = [
    {
      name: 'a .ko that is not ELF',
      make: (root) => writeFile(path.join(root, 'broken.ko'), 'garbage'),
      want: (root) => new RegExp(`^${path.join(root, 'broken.ko')} is not a valid ELF file: no ELF magic`),
    },
    {
      name: 'a .ko without .modinfo',
      make: (root) => writeModule(root, 'kernel/plain.ko', undefined),
      want: (root) => new RegExp(`^${path.join(root, 'kernel/plain.ko')} has no \\.modinfo section`),
    },
    {
      name: 'a damaged .ko.xz',
      make: async (root) => {
        await writeModule(root, 'kernel/ok.ko', ['name=ok']);
        await writeFile(path.join(root, 'kernel/x.ko.xz'), 'xz');
      },
      want: (root) => new RegExp(`^kernel module ${path.join(root, 'kernel/x.ko.xz')} cannot be decompressed: `),
    },
    {
      name: 'a damaged .ko.zst',
      make: (root) => writeFile(path.join(root, 'y.ko.zst'), 'not zstd'),
      want: (root) => new RegExp(`^kernel module ${path.join(root, 'y.ko.zst')} cannot be decompressed: `),
    },
  ];
  for (const failure of failures) {
    test(`fails clearly on ${failure.name}`, async () => {
      const root = await moduleTree(failure.name.replaceAll(' ', '-'));
      await failure.make(root);
      await assert.rejects(indexModules(root), { message: failure.want(root) });
    });
  }

  test('reads .ko.xz, .ko.zst and .ko.gz modules: records under their .ko path, plain bytes', async () => {
    const root = await moduleTree('compressed');
    await writeModule(root, 'kernel/fs/ext4.ko', ['name=ext4', 'depends=jbd2,mbcache', 'softdep=pre: crc32c']);
    await writeModule(root, 'kernel/fs/jbd2.ko', ['name=jbd2', 'depends=']);
    await writeModule(root, 'kernel/fs/mbcache.ko', ['name=mbcache', 'depends=']);
    await writeModule(root, 'kernel/crypto/crc32c_generic.ko', ['name=crc32c_generic', 'alias=crc32c', 'depends=']);
    const plain = await indexModules(root);
    const plainBytes = await readModuleFiles(root, [...plain.modules.values()]);

    // ext4 by xz (the CLI, as Debian compresses), jbd2 by zstd, mbcache by gzip; crc32c stays plain.
    await execa('xz', ['--check=crc32', path.join(root, 'kernel/fs/ext4.ko')]);
    await writeFile(path.join(root, 'kernel/fs/jbd2.ko.zst'), zstdCompressSync(await readFile(path.join(root, 'kernel/fs/jbd2.ko'))));
    await rm(path.join(root, 'kernel/fs/jbd2.ko'));
    await writeFile(path.join(root, 'kernel/fs/mbcache.ko.gz'), gzipSync(await readFile(path.join(root, 'kernel/fs/mbcache.ko'))));
    await rm(path.join(root, 'kernel/fs/mbcache.ko'));

    const index = await indexModules(root);
    assert.deepEqual([...index.modules.keys()], [...plain.modules.keys()]);
    assert.deepEqual(
      [...index.modules.values()].map((m) => [m.name, m.relPath, m.compression ?? 'none']),
      [
        ['crc32c_generic', 'kernel/crypto/crc32c_generic.ko', 'none'],
        ['ext4', 'kernel/fs/ext4.ko', 'xz'],
        ['jbd2', 'kernel/fs/jbd2.ko', 'zst'],
        ['mbcache', 'kernel/fs/mbcache.ko', 'gz'],
      ],
    );
    for (const record of index.modules.values()) {
      const before = plain.modules.get(record.name)!;
      assert.equal(record.size, before.size, `${record.name}: the size is the plain .ko's`);
      assert.deepEqual(record.info, before.info, `${record.name}: the same modinfo`);
    }
    const closure = moduleClosure(index, ['ext4']);
    assert.deepEqual(
      closure.order.map((m) => m.relPath),
      moduleClosure(plain, ['ext4']).order.map((m) => m.relPath),
    );
    const bytes = await readModuleFiles(root, [...index.modules.values()]);
    assert.deepEqual(bytes, plainBytes, 'decompressed bytes are the plain modules');
  });

  test('fails clearly when the tree does not exist', async () => {
    await assert.rejects(indexModules(path.join(workDir, 'nowhere')), /module tree .*nowhere does not exist/);
  });
});

describe('indexModulesKept', () => {
  const plain = (index: Awaited<ReturnType<typeof indexModules>>) =>
    JSON.stringify(index, (_key, value) => (value instanceof Map || value instanceof Set ? [...value] : value));

  test('the first run reads the tree and keeps the index; later runs take it from the file, equal to a fresh read', async () => {
    const root = await moduleTree('kept');
    await writeModule(root, 'kernel/drivers/net/foo-bar.ko', ['name=foo_bar', 'depends=baz', 'alias=pci:v0000ABCDd*']);
    await writeModule(root, 'kernel/lib/baz.ko', ['name=baz', 'depends=']);
    await writeFile(path.join(root, 'modules.builtin'), 'kernel/drivers/virtio/virtio.ko\n');
    const kept = path.join(workDir, 'kept', 'emb-module-index.json');

    const first = await indexModulesKept(root, kept);
    assert.equal(plain(first), plain(await indexModules(root)));
    assert.equal(JSON.parse(await readFile(kept, 'utf8')).format, KEPT_INDEX_FORMAT);
    // The kept file is what a later run reads: a module added to the tree after it is not seen.
    await writeModule(root, 'kernel/lib/added.ko', ['name=added', 'depends=']);
    const second = await indexModulesKept(root, kept);
    assert.equal(plain(second), plain(first));
    assert.ok(!second.modules.has('added'));
    // Without a kept file the tree is read each time.
    assert.ok((await indexModulesKept(root, undefined)).modules.has('added'));
  });

  test('a kept file of another format, or one that does not parse, is read again from the tree and replaced', async () => {
    const root = await moduleTree('kept-stale');
    await writeModule(root, 'kernel/lib/baz.ko', ['name=baz', 'depends=']);
    await writeFile(path.join(root, 'modules.builtin'), '');
    const kept = path.join(workDir, 'kept-stale', 'emb-module-index.json');
    for (const stale of ['{"format":"emb-module-index-0","records":[],"builtin":{"names":[],"aliases":[]}}', '{"format":', '']) {
      await writeFile(kept, stale);
      const index = await indexModulesKept(root, kept);
      assert.ok(index.modules.has('baz'), `read from the tree over ${JSON.stringify(stale)}`);
      assert.equal(JSON.parse(await readFile(kept, 'utf8')).format, KEPT_INDEX_FORMAT);
    }
  });

  test('a kept file that cannot be written costs only the read', async () => {
    const root = await moduleTree('kept-unwritable');
    await writeModule(root, 'kernel/lib/baz.ko', ['name=baz', 'depends=']);
    await writeFile(path.join(root, 'modules.builtin'), '');
    const notADir = path.join(workDir, 'kept-unwritable', 'file');
    await writeFile(notADir, 'a file where a folder would be\n');
    assert.ok((await indexModulesKept(root, path.join(notADir, 'emb-module-index.json'))).modules.has('baz'));
  });
});
