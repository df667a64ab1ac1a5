/**
 * The PXE tree from nodes and board builds, without building: synthetic dist/ folders
 * stand in for the builds (the QEMU network-boot tests use real ones). Per-node files,
 * shared files written once, unchanged files left alone, stale ones only pruned on ask.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Manifest } from '../../src/pack/manifest.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { ipxeChainScript } from '../../src/pxe/ipxe-scripts.ts';
import { planTree, type BoardBuild, type PxeNode } from '../../src/pxe/plan-tree.ts';
import { writeTree } from '../../src/pxe/write-tree.ts';
import { tempDir } from '../helpers/run-emb.ts';

async function fakeBuild(boardName: string, kernelFile: string, dtb?: string): Promise<BoardBuild> {
  const { board } = await loadBoard(boardName);
  const distDir = await tempDir(`pxe-dist-${boardName}`);
  await writeFile(join(distDir, kernelFile), `kernel of ${boardName}`);
  await writeFile(join(distDir, 'initramfs.zst'), `initramfs of ${boardName}`);
  if (dtb) await writeFile(join(distDir, dtb), `dtb of ${boardName}`);
  const manifest = {
    imageKey: `key-${boardName}`,
    kernel: { file: kernelFile },
    initramfs: { file: 'initramfs.zst' },
    dtb: dtb ? { file: dtb, source: dtb } : undefined,
  } as unknown as Manifest;
  return { board, distDir, manifest };
}

const builds = new Map<string, BoardBuild>([
  ['qemu-aarch64', await fakeBuild('qemu-aarch64', 'Image')],
  ['qemu-amd64', await fakeBuild('qemu-amd64', 'vmlinuz')],
  ['orangepi-pc', await fakeBuild('orangepi-pc', 'zImage', 'sun8i-h3-orangepi-pc.dtb')],
]);
const nodes: PxeNode[] = [
  { mac: '52:54:00:12:34:02', hostname: 'arm-two', board: 'qemu-aarch64', args: 'uebo.hostname=arm-two' },
  { mac: '52:54:00:12:34:01', hostname: 'arm-one', board: 'qemu-aarch64', args: 'uebo.hostname=arm-one' },
  { mac: '52:54:00:12:34:03', hostname: 'pc-one', board: 'qemu-amd64', args: 'uebo.consul=10.0.2.2:8500 uebo.hostname=pc-one' },
  { mac: '02:81:4a:58:bd:80', hostname: 'opi', board: 'orangepi-pc', args: 'uebo.hostname=opi' },
];

test('each node gets its bootloader config; each board its files once', async () => {
  const tree = await tempDir('pxe-tree');
  const result = await writeTree(tree, planTree(nodes, builds), { prune: false });
  assert.equal(result.unchanged, 0);
  assert.equal(
    await readFile(join(tree, 'pxelinux.cfg/01-02-81-4a-58-bd-80'), 'utf8'),
    [
      '# Written by emb pxe: rewritten by every run, do not edit.',
      'default emb',
      'label emb',
      '  menu label opi',
      '  kernel boards/orangepi-pc/zImage',
      '  fdt boards/orangepi-pc/sun8i-h3-orangepi-pc.dtb',
      '  initrd boards/orangepi-pc/initramfs.zst',
      '  append console=ttyS0,115200 uebo.hostname=opi',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(
    await readFile(join(tree, 'pxelinux.cfg/01-52-54-00-12-34-01'), 'utf8'),
    /fdt/,
    'QEMU virt: U-Boot passes its own DTB',
  );
  assert.equal(
    await readFile(join(tree, 'ipxe/52-54-00-12-34-03.ipxe'), 'utf8'),
    '#!ipxe\nkernel /boards/qemu-amd64/vmlinuz initrd=initramfs.zst console=ttyS0 uebo.consul=10.0.2.2:8500 uebo.hostname=pc-one\ninitrd /boards/qemu-amd64/initramfs.zst\nboot\n',
  );
  assert.equal(await readFile(join(tree, 'boot.ipxe'), 'utf8'), ipxeChainScript());
  assert.equal((await readFile(join(tree, 'boot.scr.uimg'))).readUInt32BE(0), 0x27051956, 'a U-Boot legacy image (script)');
  assert.equal(await readFile(join(tree, 'boards/orangepi-pc/sun8i-h3-orangepi-pc.dtb'), 'utf8'), 'dtb of orangepi-pc');
  assert.deepEqual((await readdir(join(tree, 'boards'))).sort(), ['orangepi-pc', 'qemu-aarch64', 'qemu-amd64']);
});

test('a second run writes nothing; a changed node rewrites only its file', async () => {
  const tree = await tempDir('pxe-tree');
  await writeTree(tree, planTree(nodes, builds), { prune: false });
  const before = await stat(join(tree, 'boards/qemu-aarch64/initramfs.zst'));
  const again = await writeTree(tree, planTree(nodes, builds), { prune: false });
  assert.deepEqual(again.written, []);
  const changed = nodes.map((node) =>
    node.hostname === 'arm-one' ? { ...node, args: 'uebo.hostname=arm-uno', hostname: 'arm-uno' } : node,
  );
  const third = await writeTree(tree, planTree(changed, builds), { prune: false });
  assert.deepEqual(third.written, ['pxelinux.cfg/01-52-54-00-12-34-01']);
  assert.equal((await stat(join(tree, 'boards/qemu-aarch64/initramfs.zst'))).mtimeMs, before.mtimeMs, 'the image was not copied again');
});

test('files no node uses are kept and listed, and removed only with prune', async () => {
  const tree = await tempDir('pxe-tree');
  await writeTree(tree, planTree(nodes, builds), { prune: false });
  const fewer = nodes.filter((node) => node.board === 'qemu-aarch64');
  const kept = await writeTree(tree, planTree(fewer, new Map([['qemu-aarch64', builds.get('qemu-aarch64')!]])), { prune: false });
  assert.deepEqual(kept.stale, [
    'boards/orangepi-pc/initramfs.zst',
    'boards/orangepi-pc/sun8i-h3-orangepi-pc.dtb',
    'boards/orangepi-pc/zImage',
    'boards/qemu-amd64/initramfs.zst',
    'boards/qemu-amd64/vmlinuz',
    'boot.ipxe',
    'ipxe/52-54-00-12-34-03.ipxe',
    'pxelinux.cfg/01-02-81-4a-58-bd-80',
  ]);
  await stat(join(tree, 'ipxe/52-54-00-12-34-03.ipxe'));
  const pruned = await writeTree(tree, planTree(fewer, new Map([['qemu-aarch64', builds.get('qemu-aarch64')!]])), { prune: true });
  assert.equal(pruned.stale.length, 8, 'the kept files are still known as stale');
  await assert.rejects(stat(join(tree, 'ipxe/52-54-00-12-34-03.ipxe')), /ENOENT/);
  await stat(join(tree, 'pxelinux.cfg/01-52-54-00-12-34-01'));
});

test('boards that cannot boot from the network are refused by name', async () => {
  const odroid = await fakeBuild('odroid-c1', 'zImage', 'meson8b-odroidc1.dtb');
  assert.throws(
    () => planTree([{ mac: '02:00:00:00:00:09', hostname: 'c1', board: 'odroid-c1', args: '' }], new Map([['odroid-c1', odroid]])),
    /board odroid-c1 cannot boot from the network/,
  );
  const tree = await tempDir('pxe-tree');
  await mkdir(join(tree, 'x'));
  assert.deepEqual(await readdir(tree), ['x'], 'nothing written');
});
