/**
 * The layered packer: one whole cpio archive per layer, each in its own zstd frame,
 * written in layer order. Its bytes must not depend on how many threads compress them,
 * the file must read back the kernel's way (every member, later layers over earlier
 * ones), and a tree the kernel would unpack wrongly must be refused before packing.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { type Layer, mergeLayers } from '../../src/assemble/layers.ts';
import type { TreeEntry } from '../../src/assemble/tree-types.ts';
import { imageLayers, planLayerArchives } from '../../src/pack/layer-archives.ts';
import { type PackedLayer, packLayerArchives } from '../../src/pack/pack-layers.ts';
import { gnuCpioEachArchive, initramfsMembers, unpackedRecords } from '../helpers/initramfs-read.ts';
import { scratchDirs } from '../helpers/run-emb.ts';

const { scratch, removeAll } = scratchDirs();
after(removeAll);

const dir = (path: string, mode = 0o755): TreeEntry => ({ type: 'dir', path, mode, uid: 0, gid: 0 });
const file = (path: string, data: Buffer | string, mode = 0o644): TreeEntry => ({
  type: 'file',
  path,
  mode,
  uid: 0,
  gid: 0,
  data: Buffer.from(data),
});

/** Bytes that compress somewhat (a small alphabet from a fixed generator), so zstd has real work in every job. */
function noisyText(bytes: number, seed: number): Buffer {
  const out = Buffer.alloc(bytes);
  let state = seed >>> 0 || 1;
  for (let at = 0; at < bytes; at++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[at] = 97 + ((state >>> 0) % 23);
  }
  return out;
}

async function packToBuffer(
  layers: readonly Layer[],
  options: { threads: number; level: number; cacheRoot?: string },
): Promise<{ image: Buffer; packed: PackedLayer[] }> {
  const frames: Buffer[] = [];
  const packed = await packLayerArchives(planLayerArchives(layers, 0), { mtime: 0, ...options }, async (frame) => {
    frames.push(frame);
  });
  return { image: Buffer.concat(frames), packed };
}

// A layer over zstd's 8 MiB job size, so more than one thread really shares it.
const big = noisyText(9 << 20, 7);
const layers: Layer[] = [
  { name: 'base', entries: [dir('/etc'), dir('/usr'), dir('/usr/bin')] },
  { name: 'boinc', entries: [file('/usr/bin/boinc', big, 0o755), file('/usr/bin/small', 'small\n'), dir('/opt'), dir('/opt/boinc')] },
  { name: 'rootfiles', entries: [file('/etc/hostname', 'node\n'), file('/opt/boinc/cc_config.xml', '<cc_config/>\n')] },
];

test('the image is the same bytes with 1, 2 or 4 threads, and one zstd frame per layer', { timeout: 120_000 }, async () => {
  const one = await packToBuffer(layers, { threads: 1, level: 3 });
  for (const threads of [2, 4]) {
    const other = await packToBuffer(layers, { threads, level: 3 });
    assert.ok(other.image.equals(one.image), `${threads} threads wrote other bytes than 1 thread`);
  }
  const members = initramfsMembers(one.image);
  assert.deepEqual(
    members.map((member) => member.length),
    one.packed.map((layer) => layer.compressedBytes),
  );
  assert.deepEqual(
    one.packed.map((layer) => [layer.name, layer.entries]),
    [
      ['base', 3],
      ['boinc', 4],
      ['rootfiles', 2],
    ],
  );
  // The zstd CLI reads the frames one after the other: the archives laid end to end.
  const { stdout } = await execa('zstd', ['-dc'], { input: one.image, encoding: 'buffer', stripFinalNewline: false });
  assert.ok(Buffer.from(stdout).equals(Buffer.concat(members.map((member) => member.archive))));
});

test('layers read back the kernel way: every member, later layers over earlier ones, parents from earlier layers', {
  timeout: 60_000,
}, async () => {
  const merged = mergeLayers([
    ...layers,
    // A later layer replaces a file and a directory's mode, and adds a file in a folder an earlier layer made.
    { name: 'generated', entries: [file('/usr/bin/small', 'replaced\n'), dir('/opt/boinc', 0o700), file('/opt/boinc/account.xml', 'x')] },
  ]);
  assert.deepEqual(merged.layerOrder, ['base', 'boinc', 'rootfiles', 'generated']);
  const { image, packed } = await packToBuffer(imageLayers(merged), { threads: 2, level: 1 });
  const members = initramfsMembers(image);
  assert.equal(members.length, 4);
  for (const member of members) {
    assert.ok(member.compressed, 'each member is compressed');
    assert.equal(member.records.at(-1)?.name, 'TRAILER!!!', 'each member ends with its own trailer');
  }
  // Each path is in exactly one archive: the kernel never has to resolve an overlap.
  const names = members.flatMap((member) => member.records.map((record) => record.name)).filter((name) => name !== 'TRAILER!!!');
  assert.equal(new Set(names).size, names.length, `a path is in two archives: ${names.join(' ')}`);
  const unpacked = unpackedRecords(image);
  assert.deepEqual([...unpacked.keys()].sort(), [...merged.entries.keys()].map((path) => path.slice(1)).sort());
  assert.equal(unpacked.get('usr/bin/small')?.body.toString(), 'replaced\n');
  assert.ok(unpacked.get('usr/bin/boinc')?.body.equals(big));
  assert.equal((unpacked.get('opt/boinc')?.mode ?? 0) & 0o7777, 0o700, 'the later mode of a directory is packed');
  // Every record's parent was made by an earlier record, in its archive or an earlier one.
  const made = new Set<string>();
  for (const name of names) {
    const parent = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
    assert.ok(parent === '' || made.has(parent), `${name} comes before its parent ${parent}`);
    made.add(name);
  }
  assert.deepEqual(
    packed.map((layer) => layer.name),
    ['base', 'boinc', 'rootfiles', 'generated'],
  );
  // GNU cpio stops at the first trailer: read once per archive, it sees them all.
  const path = join(await scratch('pack-layers'), 'initramfs.zst');
  await writeFile(path, image);
  const listed = (await gnuCpioEachArchive(path, ['-t', '--quiet'])).toString().split('\n').filter(Boolean);
  assert.deepEqual(listed, names);
  const firstOnly = await execa('sh', ['-c', 'zstd -dc "$1" | cpio -t --quiet', 'sh', path]);
  assert.ok(firstOnly.stdout.split('\n').length < listed.length, 'GNU cpio in one pass stops at the first trailer');
});

test('a path in two layers, or a parent only in a later layer, is refused before anything is read', () => {
  assert.throws(
    () =>
      planLayerArchives(
        [
          { name: 'a', entries: [dir('/etc'), file('/etc/x', '1')] },
          { name: 'b', entries: [file('/etc/x', '2')] },
        ],
        0,
      ),
    /layer "b": image path "\/etc\/x" is in two layers' archives/,
  );
  assert.throws(
    () =>
      planLayerArchives(
        [
          { name: 'a', entries: [file('/opt/x', '1')] },
          { name: 'b', entries: [dir('/opt')] },
        ],
        0,
      ),
    /layer "a": image path "\/opt\/x": its parent directory "\/opt" is not in the tree/,
  );
  assert.doesNotThrow(() =>
    planLayerArchives(
      [
        { name: 'a', entries: [dir('/opt')] },
        { name: 'b', entries: [file('/opt/x', '1')] },
      ],
      0,
    ),
  );
});

test('a layer whose every path a later layer won gets no archive', () => {
  const merged = mergeLayers([
    { name: 'a', entries: [dir('/etc'), file('/etc/x', '1')] },
    { name: 'b', entries: [file('/etc/x', '2')] },
    { name: 'c', entries: [file('/etc/x', '3')] },
  ]);
  assert.deepEqual(
    imageLayers(merged).map((layer) => [layer.name, layer.entries.map((entry) => entry.path)]),
    [
      ['a', ['/etc']],
      ['c', ['/etc/x']],
    ],
  );
});

test('the archive read from slices of a file on disk is the archive of the same bytes in memory', async () => {
  const dirPath = await scratch('pack-slices');
  const tar = join(dirPath, 'blob');
  await writeFile(tar, Buffer.concat([Buffer.from('header!'), big.subarray(0, 100_003), Buffer.from('tail')]));
  const slice: TreeEntry = { type: 'file', path: '/a/f', mode: 0o644, uid: 0, gid: 0, data: { path: tar, offset: 7, size: 100_003 } };
  const sliced: Layer = { name: 'p', entries: [dir('/a'), slice] };
  const inMemory: Layer = { name: 'p', entries: [dir('/a'), file('/a/f', big.subarray(0, 100_003))] };
  const a = await packToBuffer([sliced], { threads: 1, level: 1 });
  const b = await packToBuffer([inMemory], { threads: 1, level: 1 });
  assert.ok(a.image.equals(b.image));
  await writeFile(tar, (await readFile(tar)).subarray(0, 50_000));
  await assert.rejects(packToBuffer([sliced], { threads: 1, level: 1 }), /ended \d+ bytes early/);
});
