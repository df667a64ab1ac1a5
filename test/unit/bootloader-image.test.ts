/**
 * The SD image emb bootloader writes: the files at their offsets in zeros, the size
 * asked for, checked before anything is written; and the boards it refuses.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { filesFromRecipe } from '../../src/bootloader/files-from-recipe.ts';
import { isPowerOfTwo, layOutImage, MiB } from '../../src/bootloader/image-layout.ts';
import { runBootloader } from '../../src/bootloader/run-bootloader.ts';
import { writeSdImage } from '../../src/bootloader/write-sd-image.ts';
import { EmbError } from '../../src/errors.ts';

const work = await mkdtemp(join(tmpdir(), 'emb-bootloader-image-'));
after(() => rm(work, { recursive: true, force: true }));

const spl = { path: '/spl.bin', offsetKiB: 8, data: Buffer.alloc(32 * 1024, 0x5a) };
const fit = { path: '/u-boot.itb', offsetKiB: 40, data: Buffer.from('FIT image bytes') };

/** An EmbError whose message matches `pattern`, for assert.throws/rejects. */
const embError =
  (pattern: RegExp) =>
  (error: unknown): boolean =>
    error instanceof EmbError && pattern.test(error.message);

test('isPowerOfTwo', () => {
  for (const [value, want] of [
    [1, true],
    [2, true],
    [64, true],
    [65536, true],
    [0, false],
    [48, false],
    [-64, false],
    [1.5, false],
  ] as const) {
    assert.equal(isPowerOfTwo(value), want, `isPowerOfTwo(${value}) = ${!want}, want ${want}`);
  }
});

test('layOutImage puts each file at its offset; a file that fits exactly before the next is fine', () => {
  const placements = layOutImage([spl, fit], MiB, 'boards/x.ts');
  assert.deepEqual(
    placements.map((placement) => [placement.path, placement.offset, placement.end]),
    [
      ['/spl.bin', 8192, 40960],
      ['/u-boot.itb', 40960, 40960 + fit.data.length],
    ],
  );
});

test('layOutImage refuses a file that runs into the next, naming the board file and field', () => {
  const long = { ...spl, data: Buffer.alloc(32 * 1024 + 1) };
  assert.throws(
    () => layOutImage([long, fit], MiB, 'boards/x.ts'),
    embError(/^boards\/x\.ts: field "bootloader\.image\.files\.0": \/spl\.bin \(32769 bytes at 8 KiB\) runs into \/u-boot\.itb at 40 KiB$/),
  );
});

test('layOutImage refuses an image too small for the files', () => {
  const big = { path: '/big.bin', offsetKiB: 8, data: Buffer.alloc(MiB) };
  assert.throws(() => layOutImage([big], MiB, 'boards/x.ts'), embError(/^a 1 MiB image cannot hold \/big\.bin: it ends 1056768 bytes in$/));
});

test('writeSdImage: zeros of the size asked for, each file at its offset, no temp left; a second write replaces the first', async () => {
  const out = join(work, 'images', 'sd.img');
  await writeSdImage(out, 2 * MiB, layOutImage([spl, fit], 2 * MiB, 'boards/x.ts'));
  const bytes = await readFile(out);
  assert.equal(bytes.length, 2 * MiB);
  assert.ok(
    bytes.subarray(0, 8192).every((byte) => byte === 0),
    'zeros before the SPL',
  );
  assert.deepEqual(bytes.subarray(8192, 40960), spl.data);
  assert.deepEqual(bytes.subarray(40960, 40960 + fit.data.length), fit.data);
  assert.ok(
    bytes.subarray(40960 + fit.data.length).every((byte) => byte === 0),
    'zeros after the last file',
  );
  assert.equal((await stat(out)).mode & 0o777, 0o644);
  await writeSdImage(out, MiB, layOutImage([fit], MiB, 'boards/x.ts'));
  const second = await readFile(out);
  assert.equal(second.length, MiB);
  assert.ok(
    second.subarray(8192, 40960).every((byte) => byte === 0),
    'nothing of the first image is left',
  );
  assert.deepEqual(await readdir(join(work, 'images')), ['sd.img']);
});

test('boards emb writes no bootloader for are refused in one line naming what they have instead; nothing is written', async () => {
  const out = join(work, 'refused.img');
  const refusals: Record<string, RegExp> = {
    rpi4: /^board rpi4 has no bootloader emb writes: its EEPROM bootloader netboots with no SD card, and Debian has no rpi-eeprom .*BOOT_ORDER=0xf21 and TFTP_PREFIX=2 /,
    'odroid-c1': /^board odroid-c1 has no bootloader emb writes: boots from SD with dist's boot\.ini: /,
    'qemu-aarch64': /^board qemu-aarch64 has no bootloader emb writes: QEMU's own firmware \(-bios /,
    'qemu-amd64': /^board qemu-amd64 has no bootloader emb writes: QEMU's own firmware \(SeaBIOS /,
  };
  for (const [board, message] of Object.entries(refusals)) {
    await assert.rejects(runBootloader({ board, out, sizeMiB: 64, cacheRoot: join(work, 'cache') }), (error: unknown) => {
      assert.ok(error instanceof EmbError, String(error));
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
  }
  await assert.rejects(stat(out), 'no image was written');
});

test('an SD size QEMU cannot take and an --out that is a folder are refused before anything is fetched', async () => {
  const cacheRoot = join(work, 'empty-cache');
  await assert.rejects(
    runBootloader({ board: 'orangepi-pc', out: join(work, 'x.img'), sizeMiB: 48, cacheRoot }),
    embError(/^--size-mib 48 is not a power of two$/),
  );
  await mkdir(join(work, 'folder.img'));
  await assert.rejects(runBootloader({ board: 'sopine', out: join(work, 'folder.img'), sizeMiB: 64, cacheRoot }), embError(/is a folder$/));
  await assert.rejects(
    runBootloader({ board: 'rpi3', out: join(work, 'x.img'), sizeMiB: 32, cacheRoot }),
    embError(/^--size-mib 32 is too small for the board's FAT32 partition /),
  );
  await assert.rejects(stat(cacheRoot), 'nothing was fetched');
});

test("a recipe that is missing or not built for the board's arch is named in the board's terms, before any build", async () => {
  const packagesRoot = join(work, 'packages');
  await mkdir(join(packagesRoot, 'u-boot-arm64-only'), { recursive: true });
  await writeFile(join(packagesRoot, 'package.json'), '{"type":"module"}\n');
  const recipe = {
    name: 'u-boot-arm64-only',
    version: '1',
    license: 'GPL-2.0-or-later',
    description: 'made by the bootloader-image test',
    arches: ['aarch64'],
    sources: [{ kind: 'tarball', url: 'https://example.invalid/u-boot.tar.xz', sha256: '0'.repeat(64) }],
  };
  await writeFile(join(packagesRoot, 'u-boot-arm64-only', 'recipe.ts'), `export default ${JSON.stringify(recipe)};\n`);
  const context = { boardFile: 'boards/x.ts', cacheRoot: join(work, 'recipe-cache'), offline: true, packagesRoot };
  const files = [{ path: '/usr/lib/u-boot/x/u-boot-sunxi-with-spl.bin', offsetKiB: 8 }];
  await assert.rejects(
    filesFromRecipe({ from: 'recipe', recipe: 'u-boot-none', files }, 'armhf', context),
    embError(/^boards\/x\.ts: field "bootloader\.image\.recipe": there is no recipe u-boot-none /),
  );
  await assert.rejects(
    filesFromRecipe({ from: 'recipe', recipe: 'u-boot-arm64-only', files }, 'armhf', context),
    embError(/^boards\/x\.ts: field "bootloader\.image\.recipe": u-boot-arm64-only builds for aarch64, not the board's armhf$/),
  );
});
