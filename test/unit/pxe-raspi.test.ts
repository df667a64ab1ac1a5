/**
 * The Raspberry Pi part of the PXE tree, without building or fetching: synthetic dist/
 * folders for rpi3 and rpi4 and a synthetic raspi-firmware folder. config.txt and
 * cmdline.txt per board, the layout (bootcode.bin at the root for the Pi 3 only, the
 * firmware pair once per board, one folder per node by serial or, for a Pi 4, by MAC,
 * start*.elf written last), hard links to the board's files, a second run writing
 * nothing, and the refusal of a Pi 3 node without a serial.
 */
import assert from 'node:assert/strict';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EmbError } from '../../src/errors.ts';
import type { Manifest } from '../../src/pack/manifest.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import type { Inventory } from '../../src/pxe/inventory.ts';
import { netbootFlowOf } from '../../src/pxe/netboot-flow.ts';
import { type BoardBuild, type PxeNode, planTree } from '../../src/pxe/plan-tree.ts';
import { raspiCmdlineTxt, raspiConfigTxt } from '../../src/pxe/raspi-config.ts';
import { socOfDtb } from '../../src/pxe/raspi-families.ts';
import type { RaspiFirmware } from '../../src/pxe/raspi-firmware.ts';
import { checkRaspiNodes } from '../../src/pxe/raspi-netboot.ts';
import { writeTree } from '../../src/pxe/write-tree.ts';
import { tempDir } from '../helpers/run-emb.ts';

const scratch: string[] = [];
async function scratchDir(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  scratch.push(dir);
  return dir;
}
after(() => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))));

async function fakeBuild(boardName: string, dtb: string): Promise<BoardBuild> {
  const { board } = await loadBoard(boardName);
  const distDir = await scratchDir(`pxe-dist-${boardName}`);
  await writeFile(join(distDir, 'Image'), `kernel of ${boardName}`);
  await writeFile(join(distDir, 'initramfs.zst'), `initramfs of ${boardName}`);
  await writeFile(join(distDir, dtb), `dtb of ${boardName}`);
  const manifest = {
    imageKey: `key-${boardName}`,
    kernel: { file: 'Image' },
    initramfs: { file: 'initramfs.zst' },
    dtb: { file: dtb, source: `broadcom/${dtb}` },
  } as unknown as Manifest;
  return { board, distDir, manifest };
}

async function fakeFirmware(): Promise<RaspiFirmware> {
  const dir = await scratchDir('raspi-firmware');
  for (const name of ['bootcode.bin', 'start.elf', 'fixup.dat', 'start4.elf', 'fixup4.dat', 'start_cd.elf'])
    await writeFile(join(dir, name), `firmware ${name}`);
  return { version: '1.20220830+ds-1', sha256: 'f'.repeat(64), dir };
}

const builds = new Map<string, BoardBuild>([
  ['rpi3', await fakeBuild('rpi3', 'bcm2837-rpi-3-b.dtb')],
  ['rpi4', await fakeBuild('rpi4', 'bcm2711-rpi-4-b.dtb')],
]);
const firmware = await fakeFirmware();
const nodes: PxeNode[] = [
  { mac: 'b8:27:eb:00:00:01', hostname: 'pi3a', board: 'rpi3', serial: '1a2b3c4d', args: 'uebo.hostname=pi3a' },
  { mac: 'dc:a6:32:00:00:02', hostname: 'pi4a', board: 'rpi4', serial: '5e6f7a8b', args: 'uebo.consul=10.0.0.2:8500 uebo.hostname=pi4a' },
  { mac: 'dc:a6:32:00:00:03', hostname: 'pi4b', board: 'rpi4', args: 'uebo.hostname=pi4b' },
];

test('config.txt per board: 64-bit, the UART, the kernel, DTB and initramfs by name in the folder', async () => {
  const rpi3 = builds.get('rpi3')!.board;
  assert.equal(
    raspiConfigTxt({
      hostname: 'pi3a',
      board: 'rpi3',
      arch: rpi3.arch,
      kernel: 'Image',
      initrd: 'initramfs.zst',
      dtb: 'bcm2837-rpi-3-b.dtb',
    }),
    [
      '# Written by emb pxe for pi3a (board rpi3): rewritten by every run, do not edit.',
      '# The firmware reads every file from this folder: names are relative to it.',
      'arm_64bit=1',
      'enable_uart=1',
      'upstream_kernel=1',
      'kernel=Image',
      'device_tree=bcm2837-rpi-3-b.dtb',
      'initramfs initramfs.zst followkernel',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(
    raspiConfigTxt({ hostname: 'p', board: 'b', arch: 'armhf', kernel: 'zImage', initrd: 'i.zst', dtb: 'd.dtb' }),
    /arm_64bit/,
    'a 32-bit kernel: the cores stay in 32-bit mode',
  );
  assert.throws(() => raspiConfigTxt({ hostname: 'p', board: 'b', arch: 'aarch64', kernel: 'a b', initrd: 'i', dtb: 'd' }), /internal/);
  assert.equal(raspiCmdlineTxt('console=ttyS1,115200 uebo.hostname=pi3a'), 'console=ttyS1,115200 uebo.hostname=pi3a\n');
  assert.throws(() => raspiCmdlineTxt('a\nb'), /internal/);
});

test('the Pi boards boot by their firmware; the SoC is read from the DTB name', async () => {
  assert.equal(netbootFlowOf(builds.get('rpi3')!.board), 'raspi-firmware');
  assert.equal(netbootFlowOf(builds.get('rpi4')!.board), 'raspi-firmware');
  const rows: [string, string | undefined][] = [
    ['broadcom/bcm2837-rpi-3-b.dtb', 'bcm2837'],
    ['bcm2711-rpi-4-b.dtb', 'bcm2711'],
    ['allwinner/sun8i-h3-orangepi-pc.dtb', undefined],
  ];
  for (const [dtb, want] of rows) assert.equal(socOfDtb(dtb), want, `socOfDtb(${dtb})`);
  const pi5 = { ...builds.get('rpi4')!.board, name: 'rpi5', dtb: 'broadcom/bcm2712-rpi-5-b.dtb' };
  assert.throws(() => netbootFlowOf(pi5), /^EmbError: board rpi5: emb pxe knows the Raspberry Pi network boot of bcm2837 and bcm2711 only/);
});

test('the layout: root, board and node files, start*.elf last in each folder', () => {
  const plan = planTree(nodes, builds, firmware);
  assert.deepEqual(
    plan.shared.map((file) => file.path),
    [
      'boards/rpi3/Image',
      'boards/rpi3/bcm2837-rpi-3-b.dtb',
      'boards/rpi3/initramfs.zst',
      'boards/rpi3/fixup.dat',
      'boards/rpi3/start.elf',
      'boards/rpi4/Image',
      'boards/rpi4/bcm2711-rpi-4-b.dtb',
      'boards/rpi4/initramfs.zst',
      'boards/rpi4/fixup4.dat',
      'boards/rpi4/start4.elf',
      'bootcode.bin',
    ],
  );
  const folder = (dir: string, start: string, fixup: string, dtb: string) =>
    ['Image', dtb, 'initramfs.zst', fixup, 'config.txt', 'cmdline.txt', start].map((name) => `${dir}/${name}`);
  assert.deepEqual(
    plan.node.map((file) => file.path),
    [
      ...folder('1a2b3c4d', 'start.elf', 'fixup.dat', 'bcm2837-rpi-3-b.dtb'),
      ...folder('5e6f7a8b', 'start4.elf', 'fixup4.dat', 'bcm2711-rpi-4-b.dtb'),
      ...folder('dc-a6-32-00-00-03', 'start4.elf', 'fixup4.dat', 'bcm2711-rpi-4-b.dtb'),
    ],
  );
  const pi4Only = planTree(
    nodes.filter((node) => node.board === 'rpi4'),
    new Map([['rpi4', builds.get('rpi4')!]]),
    firmware,
  );
  assert.ok(!pi4Only.shared.some((file) => file.path === 'bootcode.bin'), "a Pi 4's EEPROM needs no bootcode.bin");
});

test('the tree: the firmware and node files, folders of hard links, a second run writes nothing', async () => {
  const tree = await scratchDir('pxe-tree');
  await writeTree(tree, planTree(nodes, builds, firmware), { prune: false });
  assert.equal(await readFile(join(tree, 'bootcode.bin'), 'utf8'), 'firmware bootcode.bin');
  assert.equal(await readFile(join(tree, '1a2b3c4d/start.elf'), 'utf8'), 'firmware start.elf');
  assert.equal(await readFile(join(tree, 'dc-a6-32-00-00-03/fixup4.dat'), 'utf8'), 'firmware fixup4.dat');
  assert.equal(await readFile(join(tree, '1a2b3c4d/cmdline.txt'), 'utf8'), 'console=ttyS1,115200 uebo.hostname=pi3a\n');
  assert.equal(
    await readFile(join(tree, '5e6f7a8b/cmdline.txt'), 'utf8'),
    'console=ttyS1,115200 uebo.consul=10.0.0.2:8500 uebo.hostname=pi4a\n',
  );
  assert.match(await readFile(join(tree, 'dc-a6-32-00-00-03/config.txt'), 'utf8'), /^# Written by emb pxe for pi4b \(board rpi4\)/);
  const folders: [string, string][] = [
    ['1a2b3c4d', 'rpi3'],
    ['dc-a6-32-00-00-03', 'rpi4'],
  ];
  for (const [node, board] of folders) {
    for (const name of ['Image', 'initramfs.zst']) {
      const [linked, original] = [await stat(join(tree, node, name)), await stat(join(tree, 'boards', board, name))];
      assert.equal(linked.ino, original.ino, `${node}/${name} is a hard link of boards/${board}/${name}`);
    }
  }
  const again = await writeTree(tree, planTree(nodes, builds, firmware), { prune: false });
  assert.deepEqual(again.written, []);
  const changed = nodes.map((node) => (node.hostname === 'pi3a' ? { ...node, args: 'uebo.hostname=pi3a quiet' } : node));
  const third = await writeTree(tree, planTree(changed, builds, firmware), { prune: false });
  assert.deepEqual(third.written, ['1a2b3c4d/cmdline.txt']);
});

test('a new firmware version rewrites the firmware and relinks the folders', async () => {
  const tree = await scratchDir('pxe-tree');
  const pi3 = nodes.filter((node) => node.board === 'rpi3');
  const only3 = new Map([['rpi3', builds.get('rpi3')!]]);
  await writeTree(tree, planTree(pi3, only3, firmware), { prune: false });
  const newer = { ...(await fakeFirmware()), version: '1.20230405+ds-1', sha256: 'e'.repeat(64) };
  await writeFile(join(newer.dir, 'start.elf'), 'newer start.elf');
  const result = await writeTree(tree, planTree(pi3, only3, newer), { prune: false });
  assert.deepEqual(result.written.sort(), [
    '1a2b3c4d/fixup.dat',
    '1a2b3c4d/start.elf',
    'boards/rpi3/fixup.dat',
    'boards/rpi3/start.elf',
    'bootcode.bin',
  ]);
  assert.equal(await readFile(join(tree, '1a2b3c4d/start.elf'), 'utf8'), 'newer start.elf');
});

test('a Pi 3 node without a serial is refused by file, node and field, before anything is fetched', () => {
  const inventory: Inventory = {
    file: 'nodes.yaml',
    nodes: [
      { index: 1, mac: 'dc:a6:32:00:00:03', hostname: 'pi4b', board: 'rpi4', args: '' },
      { index: 2, mac: 'b8:27:eb:00:00:09', hostname: 'pi3z', board: 'rpi3', args: '' },
    ],
  };
  assert.throws(
    () => checkRaspiNodes(inventory, builds),
    (error: unknown) => {
      assert.ok(error instanceof EmbError);
      assert.equal(
        error.message,
        'nodes.yaml: nodes[2] (mac b8:27:eb:00:00:09, hostname pi3z): field "serial": a rpi3 node needs its Raspberry Pi\'s serial',
      );
      assert.match(
        error.hint ?? '',
        /^its firmware \(bootcode\.bin from the TFTP root\) asks for <serial>\/start\.elf and has no setting to look by MAC/,
      );
      return true;
    },
  );
  checkRaspiNodes({ ...inventory, nodes: inventory.nodes.slice(0, 1) }, builds);
  assert.throws(
    () => planTree([{ mac: 'b8:27:eb:00:00:09', hostname: 'pi3z', board: 'rpi3', args: '' }], builds, firmware),
    /node pi3z \(mac b8:27:eb:00:00:09\): field "serial"/,
  );
});

test('a Pi board without the firmware given is a bug in emb, not a tree without firmware', () => {
  assert.throws(
    () => planTree(nodes.slice(0, 1), builds),
    /^Error: internal: board rpi3 reached the tree without its Raspberry Pi firmware/,
  );
});
