/**
 * Every board builds and passes `emb boards check` against its real Debian kernel.
 * Builds use --zstd-level 3 (the boards' own 19 would take half a minute each and
 * prove nothing more), and share the suite's package cache: the aarch64 boards differ
 * only in their kernel modules and DTB.
 */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import type { BoardSummary } from '../../src/boards/board-summary.ts';
import type { Manifest } from '../../src/pack/manifest.ts';
import { listBoardNames } from '../../src/plan/load-board.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';

const outRoot = await tempDir('boards');
const boards = await listBoardNames();
const manifestOf = async (board: string): Promise<Manifest> =>
  JSON.parse(await readFile(join(outRoot, board, 'manifest.json'), 'utf8')) as Manifest;

test('emb boards lists every board file, as a table and as JSON', async () => {
  const table = await runEmb(['boards']);
  assert.equal(table.exitCode, 0, String(table.stderr));
  for (const board of boards) assert.match(String(table.stdout), new RegExp(`^${board}\\s`, 'm'));
  const json = await runEmb(['boards', '--json']);
  const summaries = JSON.parse(String(json.stdout)) as BoardSummary[];
  assert.deepEqual(
    summaries.map((summary) => summary.name),
    boards,
  );
  const sopine = summaries.find((summary) => summary.name === 'sopine');
  assert.equal(sopine?.dtb, 'allwinner/sun50i-a64-sopine-baseboard.dtb');
  assert.equal(sopine?.bootloader, 'u-boot');
  assert.equal(sopine?.ramMiB, 2048);
});

for (const board of boards) {
  test(`emb build --board ${board} succeeds and writes what its bootloader needs`, { timeout: 30 * 60_000 }, async () => {
    const result = await runEmb(['build', '--board', board, '--out', outRoot, '--zstd-level', '3']);
    assert.equal(result.exitCode, 0, `emb build --board ${board} failed:\n${result.stdout}\n${result.stderr}`);
    const manifest = await manifestOf(board);
    for (const file of manifest.outputs) assert.ok((await stat(join(outRoot, board, file))).size > 0, `${file} is written`);
    if (manifest.dtb) {
      const dtb = await readFile(join(outRoot, board, manifest.dtb.file));
      assert.equal(dtb.readUInt32BE(0), 0xd00dfeed, `${manifest.dtb.file} is a flattened device tree`);
    }
    assert.ok(manifest.initramfs.uncompressedBytes < manifest.fit.unpackedLimitBytes, 'the image fits');
  });
}

test('the DTB-driven boards load their network and storage drivers at boot', async () => {
  const expected: Record<string, string[]> = {
    sopine: ['dwmac_sun8i', 'sunxi_mmc', 'axp20x_regulator', 'realtek'],
    pine64: ['dwmac_sun8i', 'sunxi_mmc'],
    'orangepi-pc': ['dwmac_sun8i', 'sunxi_mmc'],
    rpi3: ['dwc2', 'smsc95xx', 'usbnet', 'sdhci_iproc'],
    rpi4: ['genet', 'mdio_bcm_unimac', 'sdhci_iproc'],
    'orangepi-4': ['dwmac_rk', 'dw_mmc_rockchip'],
    'h96-max': ['dwmac_rk', 'dw_mmc_rockchip'],
    tinkerboard: ['dwmac_rk', 'dw_mmc_rockchip'],
    'odroid-c1': ['dwmac_meson8b', 'meson_mx_sdio'],
    'tanix-tx6': ['sunxi_mmc', 'r8152', 'asix'],
  };
  for (const [board, modules] of Object.entries(expected)) {
    const manifest = await manifestOf(board);
    const loaded = manifest.modules.loadOrder.map((path) => path.slice(path.lastIndexOf('/') + 1, -'.ko'.length).replaceAll('-', '_'));
    for (const name of modules) assert.ok(loaded.includes(name), `${board} loads ${name} at boot (loads: ${loaded.join(' ')})`);
    assert.ok((manifest.modules.auto ?? []).length > 0, `${board}: the DTB chose modules`);
    const chosen = (manifest.modules.auto ?? []).map((choice) => choice.module);
    for (const denied of ['lima', 'panfrost', 'vc4', 'sun4i_drm', 'rockchipdrm', 'meson_drm']) {
      assert.ok(!chosen.includes(denied), `${board}: ${denied} is denied`);
    }
  }
});

test('odroid-c1 gets uImage, uInitrd and a boot.ini for its vendor U-Boot', async () => {
  const dir = join(outRoot, 'odroid-c1');
  const kernel = await execa('dumpimage', ['-l', join(dir, 'uImage')]);
  assert.match(kernel.stdout, /Image Type:\s+ARM Linux Kernel Image \(uncompressed\)/);
  assert.match(kernel.stdout, /Load Address: 00208000/);
  const initrd = await execa('dumpimage', ['-l', join(dir, 'uInitrd')]);
  assert.match(initrd.stdout, /Image Type:\s+ARM Linux RAMDisk Image \(uncompressed\)/);
  const initramfs = await stat(join(dir, 'initramfs.zst'));
  assert.equal((await stat(join(dir, 'uInitrd'))).size, initramfs.size + 64, 'uInitrd is the initramfs behind a 64-byte header');
  const bootIni = await readFile(join(dir, 'boot.ini'), 'utf8');
  assert.match(bootIni, /^ODROIDC-UBOOT-CONFIG\n/);
  assert.match(bootIni, /setenv bootargs "console=ttyAML0,115200"/);
  assert.match(bootIni, /fatload mmc 0:1 0x21800000 meson8b-odroidc1\.dtb/);
  assert.match(bootIni, /bootm 0x21000000 0x22000000 0x21800000/);
});

test('emb boards check passes for every board, image fit included', { timeout: 10 * 60_000 }, async () => {
  const result = await runEmb(['boards', 'check', '--out', outRoot]);
  const stdout = String(result.stdout);
  assert.equal(result.exitCode, 0, `emb boards check failed:\n${stdout}\n${result.stderr}`);
  for (const board of boards) assert.match(stdout, new RegExp(`^ok {3}${board} `, 'm'));
  assert.equal(stdout.match(/image fits:/g)?.length, boards.length, 'every board was checked against its build');
  assert.match(stdout, new RegExp(`${boards.length} boards checked, no problems`));
  assert.match(stdout, /note: DTB: Debian 6\.1 has none for the Orange Pi 4/);
  assert.match(stdout, /note: Ethernet: the on-board port/);
});
