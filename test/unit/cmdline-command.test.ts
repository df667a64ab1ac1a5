/** `emb cmdline`: the board's arguments first, the length against the arch's kernel limit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandLineLength } from '../../src/cmdline/command-line-size.ts';
import { runCmdline } from '../../src/commands/cmdline.ts';
import { EmbError } from '../../src/errors.ts';

const limitRows: { arch: 'aarch64' | 'armhf' | 'amd64'; bytes: number; fits: boolean }[] = [
  { arch: 'aarch64', bytes: 2047, fits: true },
  { arch: 'aarch64', bytes: 2048, fits: false },
  { arch: 'amd64', bytes: 2047, fits: true },
  { arch: 'armhf', bytes: 1023, fits: true },
  { arch: 'armhf', bytes: 1024, fits: false },
];

for (const row of limitRows) {
  test(`commandLineLength(${row.bytes} bytes, ${row.arch})`, () => {
    const got = commandLineLength('a'.repeat(row.bytes), row.arch).fits;
    assert.equal(got, row.fits, `fits(${row.bytes}, ${row.arch}) = ${got}, want ${row.fits}`);
  });
}

test('the length counts UTF-8 bytes, as the kernel does', () => {
  assert.equal(commandLineLength('é', 'aarch64').bytes, 2);
});

test("runCmdline prepends the board's cmdline and uses its arch", async () => {
  const report = await runCmdline({ cmdline: 'uebo.hostname=n1', board: 'qemu-aarch64' });
  assert.equal(report.length.arch, 'aarch64');
  assert.equal(report.known['uebo.hostname'], 'n1');
  assert.ok(report.cmdline.endsWith('uebo.hostname=n1'));
});

test('runCmdline refuses a line the kernel would cut, in one line', async () => {
  await assert.rejects(
    runCmdline({ cmdline: 'a'.repeat(1100), arch: 'armhf' }),
    (error: unknown) => error instanceof EmbError && /1100 bytes; the armhf kernel keeps 1023/.test(error.message),
  );
});

test('runCmdline refuses an --arch that contradicts the board', async () => {
  await assert.rejects(
    runCmdline({ cmdline: '', arch: 'amd64', board: 'qemu-aarch64' }),
    (error: unknown) => error instanceof EmbError && /contradicts board qemu-aarch64/.test(error.message),
  );
});

test('an invalid value is a warning, not an error', async () => {
  const report = await runCmdline({ cmdline: 'uebo.hostname=$(reboot)' });
  assert.deepEqual(
    report.warnings.map((warning) => warning.code),
    ['invalid'],
  );
  assert.deepEqual(report.known, {});
});
