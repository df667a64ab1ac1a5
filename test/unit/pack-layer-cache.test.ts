/**
 * Compressed layers in the cache: a repack after one layer changed compresses that
 * layer only and writes the same bytes as a pack from scratch; `emb cache gc` knows
 * the entries (old ones go, recent ones and those of a live run stay, dead temps go).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { collectGarbage } from '../../src/cache/collect-garbage.ts';
import type { Layer } from '../../src/assemble/layers.ts';
import type { TreeEntry } from '../../src/assemble/tree-types.ts';
import { planLayerArchives } from '../../src/pack/layer-archives.ts';
import { layerLevel, packLayerArchives } from '../../src/pack/pack-layers.ts';
import { packedLayerKey, packedLayersDir } from '../../src/pack/packed-layer-store.ts';
import { newcArchiveBuffer } from '../../src/pack/write-archive.ts';
import { initramfsMembers } from '../../src/repro/read-initramfs.ts';
import { sha256Hex } from '../../src/fs/hash.ts';
import { scratchDirs } from '../helpers/run-emb.ts';

const { scratch, removeAll } = scratchDirs();
after(removeAll);

const dir = (path: string): TreeEntry => ({ type: 'dir', path, mode: 0o755, uid: 0, gid: 0 });
const file = (path: string, text: string): TreeEntry => ({ type: 'file', path, mode: 0o644, uid: 0, gid: 0, data: Buffer.from(text) });

function imageWith(hostname: string): Layer[] {
  return [
    { name: 'base', entries: [dir('/etc'), dir('/usr')] },
    { name: 'busybox', entries: [dir('/usr/bin'), file('/usr/bin/busybox', 'busybox '.repeat(20_000))] },
    { name: 'rootfiles', entries: [file('/etc/hostname', hostname), file('/etc/motd', 'hello\n')] },
    { name: 'generated', entries: [file('/etc/emb-version', '1\n')] },
  ];
}

async function pack(
  layers: Layer[],
  cacheRoot: string | undefined,
  level = 5,
): Promise<{ image: Buffer; fromCache: Record<string, boolean> }> {
  const frames: Buffer[] = [];
  const packed = await packLayerArchives(planLayerArchives(layers, 0), { mtime: 0, level, cacheRoot, threads: 2 }, async (frame) => {
    frames.push(frame);
  });
  return { image: Buffer.concat(frames), fromCache: Object.fromEntries(packed.map((layer) => [layer.name, layer.fromCache])) };
}

test('one changed layer is the only one compressed again, and the image is what a pack from scratch writes', async () => {
  const cacheRoot = await scratch('layer-cache');
  const first = await pack(imageWith('a\n'), cacheRoot);
  assert.deepEqual(first.fromCache, { base: false, busybox: false, rootfiles: false, generated: false });
  assert.equal((await readdir(packedLayersDir(cacheRoot))).length, 4);

  const again = await pack(imageWith('a\n'), cacheRoot);
  assert.deepEqual(again.fromCache, { base: true, busybox: true, rootfiles: true, generated: true });
  assert.ok(again.image.equals(first.image));

  const changed = await pack(imageWith('b\n'), cacheRoot);
  assert.deepEqual(changed.fromCache, { base: true, busybox: true, rootfiles: false, generated: true });
  assert.ok(changed.image.equals((await pack(imageWith('b\n'), undefined)).image), 'the cached layers give the bytes of a fresh pack');
  assert.ok(!changed.image.equals(first.image));
  assert.equal((await readdir(packedLayersDir(cacheRoot))).length, 5, 'the changed rootfiles layer is a new entry');

  // Another level is another frame: nothing is reused across levels.
  const otherLevel = await pack(imageWith('b\n'), cacheRoot, 6);
  assert.deepEqual(otherLevel.fromCache, { base: false, busybox: false, rootfiles: false, generated: false });
});

test('a cache hit marks the entry used; gc removes entries unused for the given days and dead temps, keeps the rest', async () => {
  const cacheRoot = await scratch('layer-cache-gc');
  await pack(imageWith('a\n'), cacheRoot);
  const folder = packedLayersDir(cacheRoot);
  const now = new Date();
  const longAgo = new Date(now.getTime() - 40 * 86_400_000);
  for (const name of await readdir(folder)) await utimes(join(folder, name), longAgo, longAgo);
  // The rootfiles layer changes: its old entry is not used again; the others are hit and touched.
  await pack(imageWith('b\n'), cacheRoot);
  const names = await readdir(folder);
  const stale: string[] = [];
  for (const name of names) if ((await stat(join(folder, name))).mtime.getTime() < now.getTime() - 86_400_000) stale.push(name);
  assert.equal(stale.length, 1, 'only the replaced rootfiles layer stays unused');
  // pid 2^22 + 1 is above Linux's pid_max: never a live process.
  const deadTemp = join(folder, `.tmp-${2 ** 22 + 1}-0000-${'e'.repeat(64)}.zst`);
  const liveTemp = join(folder, `.tmp-${process.pid}-0000-${'f'.repeat(64)}.zst`);
  await writeFile(deadTemp, 'half');
  await writeFile(liveTemp, 'in progress');
  const result = await collectGarbage(cacheRoot, { olderThanDays: 30, dryRun: false, now });
  assert.deepEqual(result.removed.map((item) => item.path).sort(), [join(folder, stale[0] ?? ''), deadTemp].sort());
  assert.deepEqual((await readdir(folder)).sort(), [...names.filter((name) => name !== stale[0]), liveTemp.split('/').pop()].sort());
});

test('the read-only layer (a squashfs, compressed already) is framed at zstd-1 whatever the image level; every other layer at the image level', async () => {
  assert.equal(layerLevel('read-only', 19), 1);
  assert.equal(layerLevel('read-only', 1), 1);
  assert.equal(layerLevel('busybox', 19), 19);
  const cacheRoot = await scratch('layer-cache-ro');
  const squashfsLike = randomBytes(200_000);
  const layers: Layer[] = [
    ...imageWith('a\n'),
    {
      name: 'read-only',
      entries: [dir('/lib'), { type: 'file', path: '/lib/ro.squashfs', mode: 0o644, uid: 0, gid: 0, data: squashfsLike }],
    },
  ];
  const packed = await pack(layers, cacheRoot, 19);
  // Read back the kernel's way: the layer is whole, whatever level framed it.
  const members = initramfsMembers(packed.image);
  assert.equal(members.length, 5);
  assert.ok(members[4]?.records.find((record) => record.name === 'lib/ro.squashfs')?.body.equals(squashfsLike));
  // The cache names each frame by its archive and level: the read-only one by level 1, the others by 19.
  const archives = planLayerArchives(layers, 0);
  const expected = await Promise.all(
    archives.map(async (archive) => {
      const bytes = await newcArchiveBuffer(archive.entries, { mtime: 0, earlier: archive.earlier });
      return `${packedLayerKey(sha256Hex(bytes), archive.name === 'read-only' ? 1 : 19)}.zst`;
    }),
  );
  assert.deepEqual((await readdir(packedLayersDir(cacheRoot))).sort(), expected.sort());
});
