/**
 * The real boards' profiles as data (no kernel needed): each loads, what QEMU is given
 * for the seed-board models, the fit rule, the console-driver tables and the ODROID's
 * boot.ini.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consoleTtyDrivers, uartDriverOf } from '../../src/boards/console-drivers.ts';
import { qemuLaunch, withHostForwards } from '../../src/boot/qemu-args.ts';
import { imageFitProblems, runtimeMarginBytes, unpackedLimitBytes } from '../../src/pack/image-fit.ts';
import { hardkernelBootIni } from '../../src/pack/legacy-images.ts';
import { listBoardNames, loadBoard } from '../../src/plan/load-board.ts';
import { boardSchema, consoleDevice } from '../../src/schema/board.ts';

const MiB = 1024 * 1024;

test('every board file loads, and the seed boards of the old distro are all there', async () => {
  const names = await listBoardNames();
  for (const name of [
    'sopine',
    'pine64',
    'rpi3',
    'rpi4',
    'orangepi-4',
    'h96-max',
    'tanix-tx6',
    'tinkerboard',
    'orangepi-pc',
    'odroid-c1',
  ]) {
    assert.ok(names.includes(name), `boards/${name}.ts exists`);
  }
  for (const name of names) {
    const { board } = await loadBoard(name);
    assert.ok(board.ramMiB >= 512, `${name} has a RAM size`);
    if (board.modules.includes('auto')) assert.ok(board.dtb, `${name}: auto modules need a DTB`);
    if (board.qemu?.dtb) assert.ok(board.dtb, `${name}: QEMU is given the board's DTB`);
  }
});

test('the stand-in DTBs and the disabled Ethernet are said in the boards', async () => {
  for (const name of ['orangepi-4', 'h96-max']) {
    const { board } = await loadBoard(name);
    assert.equal(board.dtb, 'rockchip/rk3399-orangepi.dtb');
    assert.match(board.notes.join(' '), /rk3399-orangepi\.dtb/);
  }
  assert.match((await loadBoard('tanix-tx6')).board.notes.join(' '), /disabled in the mainline DTB/);
});

test('QEMU gets the DTB of a seed-board model, and the Pi 3 console on the second UART', async () => {
  const opi = (await loadBoard('orangepi-pc')).board;
  const opiArgs = qemuLaunch(opi, '/o', 'zImage', {}).args;
  assert.deepEqual(opiArgs.slice(opiArgs.indexOf('-dtb'), opiArgs.indexOf('-dtb') + 2), ['-dtb', '/o/sun8i-h3-orangepi-pc.dtb']);
  assert.ok(opiArgs.includes('console=ttyS0,115200 panic=-1'));
  const rpi3 = (await loadBoard('rpi3')).board;
  const rpiArgs = qemuLaunch(rpi3, '/o', 'Image', {}).args;
  assert.deepEqual(rpiArgs.slice(rpiArgs.indexOf('-display')), [
    '-display',
    'none',
    '-serial',
    'null',
    '-serial',
    'stdio',
    '-monitor',
    'none',
  ]);
  assert.ok(!qemuLaunch((await loadBoard('qemu-aarch64')).board, '/o', 'Image', {}).args.includes('-dtb'), 'virt makes its own DTB');
});

test('host forwards go on -nic user as on -netdev user', () => {
  assert.deepEqual(withHostForwards(['-nic', 'user'], [{ hostPort: 2222, guestPort: 22 }]), [
    '-nic',
    'user,hostfwd=tcp:127.0.0.1:2222-:22',
  ]);
  assert.throws(() => withHostForwards(['-nic', 'tap'], [{ hostPort: 1, guestPort: 2 }]), /user-mode network device/);
});

test('an image fits in half the RAM less the margin, and under the bootloader limit', async () => {
  const { board } = await loadBoard('orangepi-pc');
  assert.equal(unpackedLimitBytes(board), 512 * MiB - runtimeMarginBytes);
  assert.deepEqual(imageFitProblems(board, { uncompressedBytes: 400 * MiB, compressedBytes: 99 * MiB }), []);
  const [unpacked] = imageFitProblems(board, { uncompressedBytes: 481 * MiB });
  assert.match(
    unpacked ?? '',
    /unpacks to 481\.0 MiB \(\+ 32\.0 MiB for the node's own files\), over half of ramMiB 1024: at most 480\.0 MiB fits/,
  );
  const [loaded] = imageFitProblems(board, { uncompressedBytes: 400 * MiB, compressedBytes: 101 * MiB });
  assert.match(loaded ?? '', /is 101\.0 MiB compressed \(400\.0 MiB unpacked\), over bootloader\.maxInitrdMiB 100 \(u-boot\)/);
});

test('console drivers: by tty name, and by the DTB console node compatible', () => {
  assert.deepEqual(consoleTtyDrivers('ttyS2'), ['8250']);
  assert.deepEqual(consoleTtyDrivers('ttyAML0'), ['meson_uart']);
  assert.equal(consoleTtyDrivers('ttyXYZ0'), undefined);
  assert.equal(consoleDevice('ttyS2,1500000'), 'ttyS2');
  assert.deepEqual(uartDriverOf(['rockchip,rk3399-uart', 'snps,dw-apb-uart']), { compatible: 'snps,dw-apb-uart', driver: '8250_dw' });
  assert.equal(uartDriverOf(['vendor,unknown-uart']), undefined);
});

test('the board schema refuses what would break a build, naming the field', () => {
  const base = {
    name: 'x',
    description: 'x',
    arch: 'aarch64',
    kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
    ramMiB: 1024,
    bootloader: { kind: 'u-boot', from: 'x', maxInitrdMiB: 128 },
    console: 'ttyS0',
    packages: ['busybox'],
  };
  const fieldOf = (change: Record<string, unknown>): string => {
    const parsed = boardSchema.safeParse({ ...base, ...change });
    assert.equal(parsed.success, false, JSON.stringify(change));
    return parsed.error?.issues.map((issue) => issue.path.join('.')).join(',') ?? '';
  };
  assert.equal(fieldOf({ modules: 'auto' }), 'modules');
  assert.equal(fieldOf({ dtb: '../etc/passwd.dtb' }), 'dtb');
  assert.equal(fieldOf({ console: 'ttyS0,fast' }), 'console');
  assert.equal(fieldOf({ bootloader: { kind: 'grub', from: 'x', maxInitrdMiB: 1 } }), 'bootloader.kind');
  assert.equal(fieldOf({ ramMiB: undefined }), 'ramMiB');
  assert.equal(fieldOf({ qemu: { binary: 'q', machine: 'm', cpu: 'cortex-a7', memoryMiB: 512, dtb: true } }), 'qemu.dtb');
});

test("boot.ini for Hardkernel's U-Boot loads the three files and bootm's them", async () => {
  const { board } = await loadBoard('odroid-c1');
  const legacy = board.bootloader.legacyImages;
  assert.ok(legacy);
  assert.equal(
    hardkernelBootIni(board, legacy, 'meson8b-odroidc1.dtb'),
    [
      'ODROIDC-UBOOT-CONFIG',
      '',
      '# Written by emb for board odroid-c1. Copy boot.ini, uImage, uInitrd and meson8b-odroidc1.dtb',
      '# to the first (FAT) partition of the SD card.',
      'setenv bootargs "console=ttyAML0,115200"',
      'fatload mmc 0:1 0x21000000 uImage',
      'fatload mmc 0:1 0x22000000 uInitrd',
      'fatload mmc 0:1 0x21800000 meson8b-odroidc1.dtb',
      'fdt addr 21800000',
      'bootm 0x21000000 0x22000000 0x21800000',
      '',
    ].join('\n'),
  );
});
