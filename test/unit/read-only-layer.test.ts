/**
 * A board's read-only layer (board.readOnlyLayer): which files leave the cpio for the
 * squashfs and what takes their places; the squashfs is the same bytes twice (two
 * caches, one build each), holds the files with their modes, root's and at the
 * build's mtime, and is taken from the cache the second time; loop and squashfs
 * become boot modules; `emb cache gc` knows the folder.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { mergeLayers, type Layer } from '../../src/assemble/layers.ts';
import { withReadOnlyLayer } from '../../src/assemble/read-only-layer.ts';
import { readOnlyImagePath, readOnlyLayerName, splitReadOnly } from '../../src/assemble/read-only-split.ts';
import type { FileEntry, TreeEntry } from '../../src/assemble/tree-types.ts';
import { collectGarbage } from '../../src/cache/collect-garbage.ts';
import { EmbError } from '../../src/errors.ts';
import { boardBootModules } from '../../src/kernel/board-modules.ts';
import { moduleIndexOf } from '../../src/kernel/modules/index.ts';
import { imageLayers, planLayerArchives } from '../../src/pack/layer-archives.ts';
import { readOnlyLayersDir, squashfsImage } from '../../src/pack/squashfs-image.ts';
import { boardSchema } from '../../src/schema/board.ts';
import { scratchDirs } from '../helpers/run-emb.ts';

const { scratch, removeAll } = scratchDirs();
after(removeAll);

const dir = (path: string): TreeEntry => ({ type: 'dir', path, mode: 0o755, uid: 0, gid: 0 });
const file = (path: string, text: string, mode = 0o644, uid = 0): FileEntry => ({
  type: 'file',
  path,
  mode,
  uid,
  gid: uid,
  data: Buffer.from(text),
});
const link = (path: string, target: string): TreeEntry => ({ type: 'symlink', path, mode: 0o777, uid: 0, gid: 0, target });

const layers: Layer[] = [
  { name: 'base', entries: [dir('/usr'), dir('/usr/bin'), dir('/etc'), dir('/lib')] },
  { name: 'busybox', entries: [file('/bin/busybox', 'busybox', 0o755)] },
  {
    name: 'boinc-client',
    entries: [
      file('/usr/bin/boinc', 'boinc '.repeat(5000), 0o755),
      dir('/usr/lib/aarch64-linux-gnu'),
      file('/usr/lib/aarch64-linux-gnu/libboinc.so.7.20.5', 'lib '.repeat(3000)),
      link('/usr/lib/aarch64-linux-gnu/libboinc.so.7', 'libboinc.so.7.20.5'),
      file('/etc/boinc-client/cc_config.xml', '<cc_config/>\n'),
      file('/usr/share/boinc/owned-by-boinc', 'x', 0o644, 123),
    ],
  },
  { name: 'node-exporter', entries: [file('/usr/bin/prometheus-node-exporter', 'exporter '.repeat(4000), 0o755)] },
  { name: 'rootfiles', entries: [dir('/lib/emb'), file('/lib/emb/ro-layer.sh', '# sh\n')] },
];

const board = boardSchema.parse({
  name: 'b',
  description: 'b',
  arch: 'aarch64',
  console: 'ttyAMA0',
  packages: ['busybox', 'boinc-client', 'node-exporter'],
  ramMiB: 512,
  bootloader: { kind: 'qemu', from: 'QEMU', maxInitrdMiB: 256 },
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  modules: ['virtio_net'],
  readOnlyLayer: { packages: ['boinc-client', 'node-exporter'] },
});

test('splitReadOnly moves the packages’ root-owned regular files outside /etc and leaves links in their places', () => {
  const { image, moved } = splitReadOnly(mergeLayers(layers), ['boinc-client', 'node-exporter'], 'b');
  assert.deepEqual(
    moved.map((file) => `${file.layer} ${file.entry.path}`),
    [
      'boinc-client /usr/bin/boinc',
      'node-exporter /usr/bin/prometheus-node-exporter',
      'boinc-client /usr/lib/aarch64-linux-gnu/libboinc.so.7.20.5',
    ],
  );
  const at = (path: string) => image.entries.get(path);
  assert.deepEqual(at('/usr/bin/boinc'), {
    layer: 'boinc-client',
    entry: { type: 'symlink', path: '/usr/bin/boinc', mode: 0o777, uid: 0, gid: 0, target: '/usr/lib/emb-ro/usr/bin/boinc' },
  });
  // Links, /etc configuration, files owned by another user and other packages stay as they were.
  assert.deepEqual(
    at('/usr/lib/aarch64-linux-gnu/libboinc.so.7')?.entry,
    link('/usr/lib/aarch64-linux-gnu/libboinc.so.7', 'libboinc.so.7.20.5'),
  );
  assert.equal(at('/etc/boinc-client/cc_config.xml')?.entry.type, 'file');
  assert.equal(at('/usr/share/boinc/owned-by-boinc')?.entry.type, 'file');
  assert.equal(at('/bin/busybox')?.entry.type, 'file');
  assert.equal(image.entries.size, mergeLayers(layers).entries.size);
});

test('splitReadOnly refuses, in one line, a package /init needs before the mount and one the image lacks', () => {
  const merged = mergeLayers(layers);
  assert.throws(
    () => splitReadOnly(merged, ['busybox'], 'b'),
    (error: unknown) => error instanceof EmbError && /readOnlyLayer\.packages names busybox, which \/init runs before/.test(error.message),
  );
  assert.throws(
    () => splitReadOnly(merged, ['curl'], 'b'),
    (error: unknown) =>
      error instanceof EmbError && /names curl, which is not in the image/.test(error.message) && !error.message.includes('\n'),
  );
});

test('the squashfs is byte-identical from two caches, holds the files as they were, and is a cache hit the second time', async () => {
  // One file's bytes are a slice of another file, as package files are slices of an artifact's tar.
  const source = join(await scratch('emb-ro-src-'), 'artifact.tar');
  await writeFile(source, Buffer.concat([Buffer.from('head'), Buffer.from('slice bytes\n'), Buffer.from('tail')]));
  const files: FileEntry[] = [
    file('/usr/bin/boinc', 'boinc '.repeat(5000), 0o755),
    { ...file('/usr/lib/libx.so.1', ''), data: { path: source, offset: 4, size: 12 } },
    file('/usr/share/doc/setuid-not', 'y', 0o600),
  ];
  const [first, second] = await Promise.all([scratch('emb-ro-a-'), scratch('emb-ro-b-')]);
  const a = await squashfsImage(files, { cacheRoot: first, mtime: 1_700_000_000 });
  const b = await squashfsImage(files, { cacheRoot: second, mtime: 1_700_000_000 });
  assert.equal(a.fromCache || b.fromCache, false);
  assert.equal(a.key, b.key);
  const bytesA = await readFile(a.data.path);
  assert.ok(bytesA.equals(await readFile(b.data.path)), 'two builds of the same files are the same bytes');
  assert.equal(a.data.size, bytesA.length);

  const again = await squashfsImage(files, { cacheRoot: first, mtime: 1_700_000_000 });
  assert.deepEqual({ fromCache: again.fromCache, path: again.data.path }, { fromCache: true, path: a.data.path });
  // Another mode or mtime is another image.
  const chmodded = await squashfsImage([{ ...files[0], mode: 0o700 } as FileEntry, ...files.slice(1)], {
    cacheRoot: first,
    mtime: 1_700_000_000,
  });
  assert.notEqual(chmodded.key, a.key);

  const { stdout } = await execa('unsquashfs', ['-lln', '-UTC', a.data.path]);
  const rows = stdout
    .split('\n')
    .filter((line) => line.includes('squashfs-root'))
    .map((line) => line.split(/\s+/))
    .map((cols) => `${cols[0]} ${cols[1]} ${cols[3]} ${cols[5]}`);
  assert.deepEqual(rows, [
    'drwxr-xr-x 0/0 2023-11-14 squashfs-root',
    'drwxr-xr-x 0/0 2023-11-14 squashfs-root/usr',
    'drwxr-xr-x 0/0 2023-11-14 squashfs-root/usr/bin',
    '-rwxr-xr-x 0/0 2023-11-14 squashfs-root/usr/bin/boinc',
    'drwxr-xr-x 0/0 2023-11-14 squashfs-root/usr/lib',
    '-rw-r--r-- 0/0 2023-11-14 squashfs-root/usr/lib/libx.so.1',
    'drwxr-xr-x 0/0 2023-11-14 squashfs-root/usr/share',
    'drwxr-xr-x 0/0 2023-11-14 squashfs-root/usr/share/doc',
    '-rw------- 0/0 2023-11-14 squashfs-root/usr/share/doc/setuid-not',
  ]);
  const { stdout: slice } = await execa('unsquashfs', ['-cat', a.data.path, 'usr/lib/libx.so.1']);
  assert.equal(slice, 'slice bytes');
});

test('withReadOnlyLayer puts the squashfs in a last layer of its own that packs after the rest', async () => {
  const cacheRoot = await scratch('emb-ro-layer-');
  const { image, readOnly } = await withReadOnlyLayer(mergeLayers(layers), board, { cacheRoot, mtime: 0 });
  assert.equal(image.layerOrder.at(-1), readOnlyLayerName);
  const squashfs = image.entries.get(readOnlyImagePath);
  assert.equal(squashfs?.layer, readOnlyLayerName);
  assert.equal(image.entries.get('/usr/lib/emb-ro')?.entry.type, 'dir');
  assert.ok(readOnly);
  assert.deepEqual(
    { files: readOnly.files, fileBytes: readOnly.fileBytes, packages: readOnly.packages },
    { files: 3, fileBytes: 30_000 + 12_000 + 36_000, packages: ['boinc-client', 'node-exporter'] },
  );
  const data = squashfs?.entry.type === 'file' ? squashfs.entry.data : undefined;
  assert.ok(data !== undefined && !Buffer.isBuffer(data), 'the squashfs is streamed from the cache, not held in memory');
  assert.deepEqual(
    { dir: data.path.startsWith(readOnlyLayersDir(cacheRoot)), size: data.size },
    { dir: true, size: readOnly.squashfsBytes },
  );
  // Every parent is in an earlier archive or its own: the packer plans it without complaint.
  const archives = planLayerArchives(imageLayers(image), 0);
  assert.equal(archives.at(-1)?.name, readOnlyLayerName);

  // A board without the field keeps its tree as it is.
  const plain = await withReadOnlyLayer(mergeLayers(layers), { ...board, readOnlyLayer: undefined }, { cacheRoot, mtime: 0 });
  assert.equal(plain.readOnly, undefined);
  assert.equal(plain.image.entries.get('/usr/bin/boinc')?.entry.type, 'file');
});

test('a read-only layer makes loop and squashfs boot modules, once', () => {
  const index = moduleIndexOf('/lib/modules/test', []);
  assert.deepEqual(boardBootModules(board, index).boot, ['virtio_net', 'loop', 'squashfs']);
  assert.deepEqual(boardBootModules({ ...board, modules: ['loop'] }, index).boot, ['loop', 'squashfs']);
  assert.deepEqual(boardBootModules({ ...board, readOnlyLayer: undefined }, index).boot, ['virtio_net']);
});

test('emb cache gc removes an old squashfs and a dead run’s staging folder, and keeps a recent one', async () => {
  const cacheRoot = await scratch('emb-ro-gc-');
  const made = await squashfsImage([file('/usr/bin/x', 'x', 0o755)], { cacheRoot, mtime: 0 });
  const old = join(readOnlyLayersDir(cacheRoot), `${'0'.repeat(64)}.squashfs`);
  await writeFile(old, 'old');
  const longAgo = new Date(Date.now() - 60 * 86_400_000);
  await utimes(old, longAgo, longAgo);
  const deadTemp = join(readOnlyLayersDir(cacheRoot), '.tmp-999999999-stage-abc');
  await writeFile(deadTemp, '');
  const result = await collectGarbage(cacheRoot, { olderThanDays: 30, dryRun: false });
  assert.deepEqual(result.removed.map((item) => item.path).sort(), [deadTemp, old].sort());
  assert.deepEqual(await readdir(readOnlyLayersDir(cacheRoot)), [made.data.path.split('/').at(-1)]);
});

test('with SOURCE_DATE_EPOCH exported, as reproducible-build setups do, the squashfs is made all the same, with the same bytes', async () => {
  const files = [file('/usr/bin/x', 'x', 0o755)];
  const without = await squashfsImage(files, { cacheRoot: await scratch('emb-ro-sde-a-'), mtime: 1_700_000_000 });
  const saved = process.env.SOURCE_DATE_EPOCH;
  // mksquashfs 4.5+ reads it too, and refuses it beside -mkfs-time/-all-time ("can't be used at the same time").
  process.env.SOURCE_DATE_EPOCH = '1700000000';
  try {
    const withIt = await squashfsImage(files, { cacheRoot: await scratch('emb-ro-sde-b-'), mtime: 1_700_000_000 });
    assert.ok((await readFile(withIt.data.path)).equals(await readFile(without.data.path)));
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  }
});
