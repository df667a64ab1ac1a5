/**
 * The two kernel command line parsers must agree on every input: the TypeScript one
 * (src/cmdline/, build time) and the busybox sh one (rootfiles/lib/emb/cmdline.sh, run
 * time, with the known-keys table generated from src/cmdline/known-args.ts). Both
 * print the same canonical dump (bootargs lines, warnings, pass-through and init
 * words, all single-quoted), compared byte for byte. The shell runs under the
 * host's busybox (Debian's package, toolchain/packages/test.list); the boot test runs
 * the corpus once more under the image's own busybox.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { bootargsLines } from '../../src/cmdline/bootargs.ts';
import { bootargsVariable, knownKeys } from '../../src/cmdline/known-args.ts';
import { parseCmdlineBytes } from '../../src/cmdline/parse-cmdline.ts';
import { corpusSeed, generatedCmdlines } from '../fixtures/cmdline/generated.ts';
import { handWrittenCmdlines } from '../fixtures/cmdline/hand-written.ts';
import { hostBusybox, mismatchesOn, shellLibrary } from '../fixtures/cmdline/shell-parser.ts';
import { tempDir } from '../helpers/run-emb.ts';

const corpus = [...handWrittenCmdlines, ...generatedCmdlines(400)];

test('the host has busybox for the shell parser', async () => {
  const result = await execa('busybox', ['true'], { reject: false });
  assert.equal(result.exitCode, 0, 'busybox is missing: apt-get install busybox (it is in toolchain/packages/test.list)');
});

test(`the corpus has at least 300 lines (seed ${corpusSeed})`, () => {
  assert.ok(corpus.length >= 300, `only ${corpus.length} lines`);
  assert.ok(
    corpus.some((line) => line.length > 3000),
    'some lines are very long',
  );
  assert.ok(new Set(corpus).size > corpus.length * 0.95, 'the lines are mostly distinct');
});

test('busybox sh and the TypeScript parser agree on every line', { timeout: 10 * 60_000 }, async () => {
  const mismatches = await mismatchesOn(hostBusybox, corpus);
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${corpus.length} lines differ:\n${mismatches.slice(0, 5).join('\n')}`);
});

// The kernel hands unknown name=value words without a dot to init's environment, so a
// command line can pre-set any variable the parser uses, and LANG.
test("they still agree when the environment holds the parser's own variable names", { timeout: 10 * 60_000 }, async () => {
  const hostile = {
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    emb_cl_n1: '2',
    emb_cl_h1: '1',
    emb_cl_v1: 'evil',
    emb_cl_ok1: '1',
    emb_cl_ok3: '1',
    emb_cl_v3: 'x',
    emb_cl_warnings: 'warn x',
    emb_cl_pass: "pass 'x'",
    emb_cmdline_quiet: '0',
    IFS: '.',
  };
  const mismatches = await mismatchesOn(hostBusybox, handWrittenCmdlines, hostile);
  assert.equal(mismatches.length, 0, `${mismatches.length} lines differ:\n${mismatches.slice(0, 5).join('\n')}`);
});

test('sourcing the bootargs of every line runs nothing and sets exactly the accepted values', { timeout: 5 * 60_000 }, async () => {
  const dir = await tempDir('bootargs');
  const canary = '/tmp/emb-pwned';
  await rm(canary, { force: true });
  const withValues = corpus.map((line) => parseCmdlineBytes(line)).filter((parsed) => Object.keys(parsed.accepted).length > 0);
  assert.ok(
    withValues.some((parsed) => /[`$;'|]/.test(parsed.accepted['uebo.boinc.password'] ?? '')),
    'some accepted passwords hold shell metacharacters',
  );
  await mkdir(dir, { recursive: true });
  await Promise.all(
    withValues.map((parsed, index) => writeFile(join(dir, `${String(index).padStart(4, '0')}.bootargs`), bootargsLines(parsed), 'latin1')),
  );
  // One subshell per file; each prints its variables NUL-separated, so any byte can be compared.
  const variables = knownKeys.map(bootargsVariable);
  const script = `for f in "$1"/*.bootargs; do (unset ${variables.join(' ')}; . "$f"; printf '%s\\0' ${variables.map((name) => `"\${${name}-<unset>}"`).join(' ')}); done`;
  const result = await execa('busybox', ['sh', '-c', script, 'sh', dir], { encoding: 'buffer', reject: false });
  assert.equal(Buffer.from(result.stderr).toString(), '', 'sourcing printed errors: something was run');
  assert.equal(result.exitCode, 0);
  const want = withValues.flatMap((parsed) => knownKeys.map((key) => parsed.accepted[key] ?? '<unset>'));
  assert.deepEqual(Buffer.from(result.stdout).toString('latin1').split('\0').slice(0, -1), want);
  assert.equal(existsSync(canary), false, `${canary} exists: a value ran as a command`);
  await rm(dir, { recursive: true, force: true });
});

test('the shell writes /run/emb/bootargs for root only, by a temp file and rename', async () => {
  const dir = await tempDir('bootargs-file');
  const file = join(dir, 'bootargs');
  const script =
    '. "$1"; . "$2"; . "$3"; emb_cmdline_quiet=1; emb_cmdline_parse "$4"; umask 022; emb_cmdline_write_bootargs "$5"; stat -c %a "$5"; ls "$5.tmp" 2>/dev/null; cat "$5"';
  const result = await execa('busybox', ['sh', '-c', script, 'sh', ...shellLibrary, "uebo.boinc.password=it's uebo.x=1", file]);
  const [mode, ...lines] = result.stdout.split('\n');
  assert.equal(mode, '600', 'readable by root alone: it may hold the password');
  assert.deepEqual(
    lines.filter((line) => !line.startsWith('#')),
    ["uebo_boinc_password='it'\\''s'"],
  );
  await rm(dir, { recursive: true, force: true });
});
