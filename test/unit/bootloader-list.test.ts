/**
 * `emb bootloader --list` for the real boards: where each board's bootloader comes from,
 * or what boots it instead; and the recipe the Orange Pi PC names.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootloaderListRows } from '../../src/bootloader/bootloader-list.ts';
import { bootloaderPlanOf } from '../../src/bootloader/bootloader-plan.ts';
import { listBoardNames, loadBoard } from '../../src/plan/load-board.ts';
import { loadRecipe } from '../../src/plan/load-recipe.ts';

const boards = await Promise.all((await listBoardNames()).map((name) => loadBoard(name)));
const rows = new Map(bootloaderListRows(boards).map((row) => [row.board, row]));

test('every board has one row, in name order', () => {
  assert.deepEqual(
    bootloaderListRows(boards).map((row) => row.board),
    boards.map((loaded) => loaded.board.name),
  );
});

test("the A64 boards take Debian's u-boot-sunxi: SPL at 8 KiB, FIT image at 40 KiB", () => {
  for (const [board, target] of [
    ['sopine', 'sopine_baseboard'],
    ['pine64', 'pine64_plus'],
  ]) {
    assert.deepEqual(rows.get(board ?? ''), {
      board,
      from: 'Debian u-boot-sunxi (arm64)',
      what: `/usr/lib/u-boot/${target}/: sunxi-spl.bin at 8 KiB, u-boot-sunxi-with-spl.fit.itb at 40 KiB`,
    });
  }
});

test('the Orange Pi PC takes a recipe, which builds armhf U-Boot from the u-boot source in the pool', async () => {
  assert.deepEqual(rows.get('orangepi-pc'), {
    board: 'orangepi-pc',
    from: 'recipe u-boot-orangepi-pc (armhf)',
    what: '/usr/lib/u-boot/orangepi_pc/: u-boot-sunxi-with-spl.bin at 8 KiB',
  });
  const { recipe } = await loadRecipe('u-boot-orangepi-pc');
  assert.deepEqual(recipe.arches, ['armhf']);
  assert.deepEqual(
    recipe.sources.map((source) => (source.kind === 'debian-orig' ? `${source.package}/${source.file}` : source.kind)),
    ['u-boot/u-boot_2023.01+dfsg.orig.tar.xz'],
  );
  const steps = recipe.steps?.({
    arch: 'armhf',
    crossCompile: 'arm-linux-gnueabihf-',
    triplet: 'arm-linux-gnueabihf',
    kernelArch: 'arm',
    jobs: 3,
  });
  assert.deepEqual(steps?.slice(0, 2), [
    { run: ['make', 'CROSS_COMPILE=arm-linux-gnueabihf-', 'orangepi_pc_defconfig'] },
    { run: ['make', 'CROSS_COMPILE=arm-linux-gnueabihf-', '-j3'] },
  ]);
  assert.ok(recipe.patches.length > 0 && recipe.patches.every((patch) => patch.startsWith('debian-patches/')), "Debian's patch series");
});

test("the Pi 3 takes bootcode.bin from Debian's raspi-firmware (non-free-firmware) into a FAT32 partition", () => {
  assert.deepEqual(rows.get('rpi3'), {
    board: 'rpi3',
    from: 'Debian raspi-firmware (non-free-firmware)',
    what: 'FAT32 partition from 1 MiB: /usr/lib/raspi-firmware/bootcode.bin',
  });
});

test('boards without one say what boots them instead', () => {
  const reasons: Record<string, RegExp> = {
    rpi4: /^its EEPROM bootloader netboots with no SD card, and Debian has no rpi-eeprom to write an EEPROM update card: on Raspberry Pi OS run sudo rpi-eeprom-config --edit, set BOOT_ORDER=0xf21 and TFTP_PREFIX=2 /,
    'odroid-c1': /^boots from SD with dist's boot\.ini: /,
    'qemu-aarch64': /^QEMU's own firmware \(-bios u-boot\.bin of Debian's u-boot-qemu, or -kernel\)$/,
    'qemu-armhf': /^QEMU's own firmware \(-bios/,
    'qemu-amd64': /^QEMU's own firmware \(SeaBIOS with its iPXE ROM, or -kernel\)$/,
    tinkerboard: /^vendor U-Boot: /,
  };
  for (const [board, reason] of Object.entries(reasons)) {
    const row = rows.get(board);
    assert.equal(row?.from, 'none', `${board} has no bootloader emb writes`);
    assert.match(row?.what ?? '', reason, board);
  }
});

test('a U-Boot board without an image says its board file has none', () => {
  const sopine = boards.find((loaded) => loaded.board.name === 'sopine')?.board;
  assert.ok(sopine);
  const { image: _image, ...bootloader } = sopine.bootloader;
  assert.deepEqual(bootloaderPlanOf({ ...sopine, bootloader }), {
    kind: 'none',
    reason: `no bootloader.image in the board file: ${sopine.bootloader.from}`,
  });
});
