/**
 * A board with each kind of mistake, checked against the real arm64 kernel (the
 * suite's shared cache has it): every message names the board file and the field,
 * `emb boards check` reports all of them in one run, and `emb build` refuses an image
 * over the board's budget without touching dist/.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { errorLines, filesUnder, runEmb, tempDir } from '../helpers/run-emb.ts';

const good = {
  description: 'a board made by the board-mistakes test',
  arch: 'aarch64',
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  dtb: 'allwinner/sun50i-a64-sopine-baseboard.dtb',
  ramMiB: 2048,
  bootloader: { kind: 'u-boot', from: 'a test', maxInitrdMiB: 128 },
  modules: ['auto'],
  console: 'ttyS0,115200',
  packages: ['busybox'],
  compressionLevel: 3,
};

const mistakes: Record<string, Record<string, unknown>> = {
  'unknown-module': { modules: ['auto', 'no_such_driver'] },
  'missing-dtb': { dtb: 'allwinner/sun50i-a64-sopine-baseboad.dtb' },
  'bad-console': { console: 'ttyXYZ0' },
  'console-unknown-to-the-kernel': { console: 'ttySAC0' },
  'over-ram': { ramMiB: 64 },
  'over-bootloader': { bootloader: { kind: 'u-boot', from: 'a test', maxInitrdMiB: 1 } },
};

const boardsDir = await tempDir('board-mistakes');
await writeFile(join(boardsDir, 'package.json'), '{"type":"module"}\n');
for (const [name, change] of Object.entries(mistakes)) {
  await writeFile(join(boardsDir, `${name}.ts`), `export default ${JSON.stringify({ ...good, name, ...change }, null, 2)};\n`);
}
const env = { EMB_BOARDS_DIR: boardsDir };

test('emb boards check names the file and field of every mistake, all in one run', { timeout: 10 * 60_000 }, async () => {
  const result = await runEmb(['boards', 'check'], env);
  const out = String(result.stdout);
  assert.equal(result.exitCode, 1, out);
  const problem = (board: string): string => out.split('\n').find((line) => line.includes(`${board}.ts:`) && line.includes('! ')) ?? '';
  assert.match(
    problem('unknown-module'),
    /unknown-module\.ts: field "modules": kernel module "no_such_driver" is not in linux-image-\S+ \S+ nor built in/,
  );
  assert.match(
    problem('missing-dtb'),
    /missing-dtb\.ts: field "dtb": allwinner\/sun50i-a64-sopine-baseboad\.dtb is not in linux-image-\S+/,
  );
  assert.match(problem('missing-dtb'), /its nearest DTBs: allwinner\/sun50i-a64-sopine-baseboard\.dtb/);
  assert.match(problem('bad-console'), /bad-console\.ts: field "console": emb does not know the driver of ttyXYZ0/);
  assert.match(
    problem('console-unknown-to-the-kernel'),
    /console-unknown-to-the-kernel\.ts: field "console": this kernel has no samsung_tty driver for ttySAC0/,
  );
  assert.match(out, /^ok {3}over-ram /m, 'nothing is built yet: the fit is checked by emb build');
  assert.match(errorLines(result).at(-1) ?? '', /^emb: 4 problems in the boards above/);
});

test('a schema mistake names the file and field', async () => {
  const dir = await tempDir('board-schema');
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  const { ramMiB: _dropped, ...noRam } = good;
  await writeFile(join(dir, 'no-ram.ts'), `export default ${JSON.stringify({ ...noRam, name: 'no-ram', dtb: '/abs.dtb' })};\n`);
  const result = await runEmb(['boards', 'check', 'no-ram'], { EMB_BOARDS_DIR: dir });
  assert.equal(result.exitCode, 1);
  assert.match(
    String(result.stdout),
    /FAIL emb: .*no-ram\.ts: field "dtb": a \.dtb path relative to the kernel's DTB folder.*field "ramMiB"/,
  );
});

for (const [board, field] of [
  ['over-ram', /over half of ramMiB 64: at most/],
  ['over-bootloader', /over bootloader\.maxInitrdMiB 1 \(u-boot\)/],
] as const) {
  test(`emb build refuses ${board}: both sizes and the limit, one line, dist/ untouched`, { timeout: 20 * 60_000 }, async () => {
    const outRoot = await tempDir('misfit');
    const result = await runEmb(['build', '--board', board, '--out', outRoot], env);
    assert.equal(result.exitCode, 1, String(result.stdout));
    const line = errorLines(result).at(-1) ?? '';
    assert.match(line, new RegExp(`^emb: .*${board}\\.ts: the `));
    assert.match(line, field);
    assert.match(line, /\d+\.\d MiB/);
    assert.doesNotMatch(String(result.stderr), /\n\s+at /, 'no stack trace');
    assert.deepEqual(await filesUnder(outRoot), [], 'nothing is written to dist/');
  });
}
