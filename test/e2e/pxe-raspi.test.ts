/**
 * emb pxe for Raspberry Pi nodes as a user runs it: real builds of rpi3 and rpi4 and
 * Debian's real raspi-firmware, which the host's apt cannot see (it lists `main` only;
 * the package is in non-free-firmware) and emb fetches through its private apt
 * configuration in the cache. One rpi3 node (serial 1a2b3c4d), one rpi4 node by serial
 * and one rpi4 node by MAC (an EEPROM with TFTP_PREFIX=2):
 * - the tree has bootcode.bin at the root and each folder's start*.elf/fixup*.dat, byte
 *   for byte the files of the downloaded .deb, whose SHA256 is the signed index's;
 * - each folder's config.txt names the board's kernel, DTB and initramfs, its
 *   cmdline.txt is the node's command line with its hostname, and its big files are
 *   hard links to boards/<board>/;
 * - the host's /etc/apt is the same after the run; a second run, and an --offline one,
 *   write nothing.
 * There is no boot proof of this layout here: QEMU's raspi3b cannot boot from the
 * network (it has no model of the Pi 3's USB LAN9514 Ethernet; emb qemu boots it with
 * -kernel) and QEMU has no Raspberry Pi 4 model. The layout follows the Raspberry Pi
 * documentation (computers/raspberry-pi/boot-net.adoc, eeprom-bootloader.adoc
 * TFTP_PREFIX, config_txt/boot.adoc).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { downloadCachePath } from '../../src/fetch/download.ts';
import type { PrivateApt } from '../../src/fetch/private-apt.ts';
import { privateAptDir } from '../../src/fetch/private-apt.ts';
import { resolvePrivatePackage } from '../../src/fetch/private-apt-packages.ts';
import { sha256OfFile } from '../../src/fs/hash.ts';
import { cacheDir } from '../../src/paths.ts';
import { filesUnder, runEmb, scratchDirs } from '../helpers/run-emb.ts';

/** A cold package cache builds for minutes; a warm one in seconds. */
const buildTimeout = { timeout: 30 * 60_000 };
const { scratch, removeAll } = scratchDirs();
after(removeAll);

const work = await scratch('pxe-raspi');
const dist = join(work, 'dist');
const tree = join(work, 'tree');
const inventory = join(work, 'nodes.yaml');
await writeFile(
  inventory,
  [
    'nodes:',
    '  - { mac: "b8:27:eb:00:00:01", hostname: pi3a, board: rpi3, serial: "1A2B3C4D" }',
    '  - { mac: "dc:a6:32:00:00:02", hostname: pi4a, board: rpi4, serial: "5e6f7a8b", args: "uebo.consul=10.0.0.2:8500" }',
    '  - { mac: "DC:A6:32:00:00:03", hostname: pi4b, board: rpi4 }',
    '',
  ].join('\n'),
);

function pxe(...extra: string[]) {
  return runEmb(['pxe', '--inventory', inventory, '--out', tree, '--dist', dist, '--zstd-level', '3', ...extra]);
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** Every file under /etc/apt with its sha256 and mtime: "the host's apt configuration is only read". */
async function hostAptSnapshot(): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  for (const path of await filesUnder('/etc/apt')) {
    const full = join('/etc/apt', path);
    const info = await stat(full);
    entries[path] = info.isFile() ? `${info.mtimeMs} ${await sha256Of(full)}` : `${info.mtimeMs}`;
  }
  return entries;
}

const folders = [
  { dir: '1a2b3c4d', hostname: 'pi3a', board: 'rpi3', start: 'start.elf', fixup: 'fixup.dat', dtb: 'bcm2837-rpi-3-b.dtb', args: '' },
  {
    dir: '5e6f7a8b',
    hostname: 'pi4a',
    board: 'rpi4',
    start: 'start4.elf',
    fixup: 'fixup4.dat',
    dtb: 'bcm2711-rpi-4-b.dtb',
    args: ' uebo.consul=10.0.0.2:8500',
  },
  {
    dir: 'dc-a6-32-00-00-03',
    hostname: 'pi4b',
    board: 'rpi4',
    start: 'start4.elf',
    fixup: 'fixup4.dat',
    dtb: 'bcm2711-rpi-4-b.dtb',
    args: '',
  },
];

let firstRun = '';
let hostAptBefore: Record<string, string> = {};
before(async () => {
  hostAptBefore = await hostAptSnapshot();
  const result = await pxe();
  assert.equal(result.exitCode, 0, `emb pxe failed:\n${String(result.stderr)}`);
  firstRun = String(result.stdout);
}, buildTimeout);

test('the host apt does not list raspi-firmware; the run left /etc/apt as it was', async () => {
  const host = await execa('apt-cache', ['show', '--no-all-versions', 'raspi-firmware'], { reject: false, env: { LC_ALL: 'C' } });
  assert.notEqual(host.exitCode, 0, 'the host apt knows raspi-firmware: this test proves less than it says');
  assert.deepEqual(await hostAptSnapshot(), hostAptBefore);
  assert.match(firstRun, /^3 nodes on 2 boards \(rpi3, rpi4\) -> /m);
});

test('the tree: bootcode.bin at the root, the boards once, one folder per node', async () => {
  const perFolder = (folder: (typeof folders)[number]) =>
    ['Image', folder.dtb, 'cmdline.txt', 'config.txt', folder.fixup, 'initramfs.zst', folder.start]
      .map((name) => `${folder.dir}/${name}`)
      .sort();
  assert.deepEqual(
    (await filesUnder(tree)).filter((path) => path !== '.emb-pxe.json'),
    [
      ...perFolder(folders[0]!),
      ...perFolder(folders[1]!),
      'boards/rpi3/Image',
      'boards/rpi3/bcm2837-rpi-3-b.dtb',
      'boards/rpi3/fixup.dat',
      'boards/rpi3/initramfs.zst',
      'boards/rpi3/start.elf',
      'boards/rpi4/Image',
      'boards/rpi4/bcm2711-rpi-4-b.dtb',
      'boards/rpi4/fixup4.dat',
      'boards/rpi4/initramfs.zst',
      'boards/rpi4/start4.elf',
      'bootcode.bin',
      ...perFolder(folders[2]!),
    ].sort(),
  );
});

test("the firmware files are the downloaded .deb's, and the .deb is the signed index's", async () => {
  const dir = privateAptDir(cacheDir());
  const configFile = join(dir, 'apt.conf');
  const apt: PrivateApt = { dir, configFile, env: { APT_CONFIG: configFile, LC_ALL: 'C' } };
  const shown = await execa('apt-cache', ['show', '--no-all-versions', 'raspi-firmware:all'], { env: apt.env });
  assert.match(shown.stdout, /^Filename: pool\/non-free-firmware\/r\/raspi-firmware\//m);
  const pkg = await resolvePrivatePackage(apt, 'raspi-firmware', 'arm64');
  const deb = downloadCachePath(cacheDir(), pkg.sha256, pkg.fileName);
  assert.equal(await sha256OfFile(deb), pkg.sha256);
  const unpacked = await scratch('raspi-deb');
  await execa('dpkg-deb', ['-x', deb, unpacked]);
  const fromDeb = (name: string) => readFile(join(unpacked, 'usr/lib/raspi-firmware', name));
  assert.deepEqual(await readFile(join(tree, 'bootcode.bin')), await fromDeb('bootcode.bin'));
  for (const folder of folders) {
    for (const name of [folder.start, folder.fixup]) {
      assert.deepEqual(await readFile(join(tree, folder.dir, name)), await fromDeb(name), `${folder.dir}/${name}`);
    }
  }
  assert.deepEqual(
    (await readdir(join(unpacked, 'usr/lib/raspi-firmware'))).filter((name) => /config|cmdline/.test(name)),
    [],
    'the package ships no config.txt or cmdline.txt',
  );
});

test("each folder: config.txt names the board's files, cmdline.txt the node's command line, hard links to boards/", async () => {
  for (const folder of folders) {
    assert.equal(
      await readFile(join(tree, folder.dir, 'config.txt'), 'utf8'),
      [
        `# Written by emb pxe for ${folder.hostname} (board ${folder.board}): rewritten by every run, do not edit.`,
        '# The firmware reads every file from this folder: names are relative to it.',
        'arm_64bit=1',
        'enable_uart=1',
        'upstream_kernel=1',
        'kernel=Image',
        `device_tree=${folder.dtb}`,
        'initramfs initramfs.zst followkernel',
        '',
      ].join('\n'),
    );
    assert.equal(
      await readFile(join(tree, folder.dir, 'cmdline.txt'), 'utf8'),
      `console=ttyS1,115200${folder.args} uebo.hostname=${folder.hostname}\n`,
    );
    for (const name of ['Image', 'initramfs.zst', folder.dtb, folder.start]) {
      const [linked, original] = [await stat(join(tree, folder.dir, name)), await stat(join(tree, 'boards', folder.board, name))];
      assert.equal(linked.ino, original.ino, `${folder.dir}/${name} is a hard link of boards/${folder.board}/${name}`);
    }
  }
});

test('a second run, and an --offline one, write nothing', buildTimeout, async () => {
  for (const extra of [[], ['--offline']]) {
    const result = await pxe(...extra);
    assert.equal(result.exitCode, 0, `emb pxe ${extra.join(' ')} failed:\n${String(result.stderr)}`);
    assert.match(String(result.stdout), /^ {2}files +0 written \(0 bytes\), 32 unchanged$/m, extra.join(' '));
  }
});
