/**
 * bootloader.image in the board schema: what a board file may say about the SD image
 * `emb bootloader` writes, and how a mistake is reported (the file and the field).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EmbError } from '../../src/errors.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { boardSchema } from '../../src/schema/board.ts';

const base = {
  name: 'x',
  description: 'x',
  arch: 'armhf',
  kernel: { provider: 'debian', package: 'linux-image-armmp', image: '/boot/vmlinuz-{kver}' },
  ramMiB: 1024,
  console: 'ttyS0',
  packages: ['busybox'],
};
const spl = { path: '/usr/lib/u-boot/x/sunxi-spl.bin', offsetKiB: 8 };
const fit = { path: '/usr/lib/u-boot/x/u-boot-sunxi-with-spl.fit.itb', offsetKiB: 40 };

function parseImage(image: unknown) {
  return boardSchema.safeParse({ ...base, bootloader: { kind: 'u-boot', from: 'x', maxInitrdMiB: 100, image } });
}

test('a Debian package or a recipe, with files at offsets', () => {
  const debian = parseImage({ from: 'debian', package: 'u-boot-sunxi', files: [spl, fit] });
  assert.equal(debian.success, true, JSON.stringify(debian.error?.issues));
  assert.deepEqual(debian.data?.bootloader.image, { from: 'debian', package: 'u-boot-sunxi', files: [spl, fit] });
  const recipe = parseImage({
    from: 'recipe',
    recipe: 'u-boot-x',
    files: [{ path: '/usr/lib/u-boot/x/u-boot-sunxi-with-spl.bin', offsetKiB: 8 }],
  });
  assert.equal(recipe.success, true, JSON.stringify(recipe.error?.issues));
  assert.equal(
    boardSchema.safeParse({ ...base, bootloader: { kind: 'u-boot', from: 'x', maxInitrdMiB: 100 } }).data?.bootloader.image,
    undefined,
  );
});

const bootcode = { path: '/usr/lib/raspi-firmware/bootcode.bin', name: 'bootcode.bin' };

test('a Debian package into a FAT partition, files by name; the component defaults to main', () => {
  const fat = parseImage({ from: 'debian-fat', package: 'raspi-firmware', component: 'non-free-firmware', files: [bootcode] });
  assert.equal(fat.success, true, JSON.stringify(fat.error?.issues));
  assert.deepEqual(fat.data?.bootloader.image, {
    from: 'debian-fat',
    package: 'raspi-firmware',
    component: 'non-free-firmware',
    files: [bootcode],
  });
  const main = parseImage({ from: 'debian-fat', package: 'u-boot-rpi', files: [bootcode] });
  assert.equal(main.success, true, JSON.stringify(main.error?.issues));
  assert.equal(main.data?.bootloader.image?.from === 'debian-fat' ? main.data.bootloader.image.component : 'x', undefined);
});

test('each mistake names its field', () => {
  const rows: { image: unknown; field: string; message?: RegExp }[] = [
    { image: { from: 'github', package: 'u-boot-sunxi', files: [spl] }, field: 'bootloader.image.from', message: /from: 'debian'/ },
    { image: { from: 'debian', package: 'u-boot-sunxi', files: [] }, field: 'bootloader.image.files' },
    { image: { from: 'debian', package: 'u-boot-sunxi' }, field: 'bootloader.image.files' },
    { image: { from: 'debian', files: [spl] }, field: 'bootloader.image.package' },
    { image: { from: 'debian', package: 'U-Boot', files: [spl] }, field: 'bootloader.image.package', message: /Debian package name/ },
    { image: { from: 'recipe', package: 'u-boot-sunxi', files: [spl] }, field: 'bootloader.image.recipe' },
    {
      image: { from: 'debian', package: 'u-boot-sunxi', files: [{ ...spl, path: 'usr/lib/x.bin' }] },
      field: 'bootloader.image.files.0.path',
    },
    {
      image: { from: 'debian', package: 'u-boot-sunxi', files: [{ ...spl, path: '/usr/../etc/shadow' }] },
      field: 'bootloader.image.files.0.path',
    },
    { image: { from: 'debian', package: 'u-boot-sunxi', files: [{ ...spl, offsetKiB: -8 }] }, field: 'bootloader.image.files.0.offsetKiB' },
    {
      image: { from: 'debian', package: 'u-boot-sunxi', files: [{ ...spl, offsetKiB: 7.5 }] },
      field: 'bootloader.image.files.0.offsetKiB',
    },
    {
      image: { from: 'debian', package: 'u-boot-sunxi', files: [fit, spl] },
      field: 'bootloader.image.files.1.offsetKiB',
      message: /past the file before it \(at 40 KiB\)/,
    },
    {
      image: { from: 'debian', package: 'u-boot-sunxi', files: [spl, { ...fit, offsetKiB: 8 }] },
      field: 'bootloader.image.files.1.offsetKiB',
    },
    { image: { from: 'debian', package: 'u-boot-sunxi', files: [{ ...spl, offset: 8 }] }, field: 'bootloader.image.files.0' },
    { image: { from: 'debian-fat', package: 'raspi-firmware', files: [] }, field: 'bootloader.image.files' },
    { image: { from: 'debian-fat', package: 'raspi-firmware', files: [spl] }, field: 'bootloader.image.files.0.name' },
    {
      image: { from: 'debian-fat', package: 'raspi-firmware', files: [{ ...bootcode, name: 'boot/code.bin' }] },
      field: 'bootloader.image.files.0.name',
    },
    {
      image: { from: 'debian-fat', package: 'raspi-firmware', files: [{ ...bootcode, path: 'bootcode.bin' }] },
      field: 'bootloader.image.files.0.path',
    },
    {
      image: { from: 'debian-fat', package: 'raspi-firmware', files: [bootcode, { ...bootcode, name: 'BOOTCODE.BIN' }] },
      field: 'bootloader.image.files.1.name',
      message: /is files\.0\.name already \(FAT ignores case\)/,
    },
    {
      image: { from: 'debian-fat', package: 'raspi-firmware', component: 'non-free-firmwares', files: [bootcode] },
      field: 'bootloader.image.component',
    },
    { image: { from: 'debian-fat', package: 'raspi-firmware', files: [{ ...bootcode, offsetKiB: 8 }] }, field: 'bootloader.image.files.0' },
  ];
  for (const row of rows) {
    const parsed = parseImage(row.image);
    assert.equal(parsed.success, false, `parse(${JSON.stringify(row.image)}) succeeded, want an error at ${row.field}`);
    const fields = parsed.error?.issues.map((issue) => issue.path.join('.')) ?? [];
    assert.ok(fields.includes(row.field), `parse(${JSON.stringify(row.image)}) = errors at ${fields.join(', ')}, want ${row.field}`);
    if (row.message) assert.match(parsed.error?.issues.map((issue) => issue.message).join('; ') ?? '', row.message);
  }
});

test('loading a board with a wrong image names the file and the field', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'emb-bootloader-schema-'));
  const board = {
    ...base,
    name: 'bad-image',
    bootloader: { kind: 'u-boot', from: 'x', maxInitrdMiB: 100, image: { from: 'debian', package: 'u-boot-sunxi', files: [fit, spl] } },
  };
  await writeFile(join(dir, 'bad-image.ts'), `export default ${JSON.stringify(board)};\n`);
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(
    loadBoard('bad-image', dir),
    (error: unknown) =>
      error instanceof EmbError &&
      /bad-image\.ts: field "bootloader\.image\.files\.1\.offsetKiB": must be past the file before it \(at 40 KiB\)$/.test(error.message),
  );
});
