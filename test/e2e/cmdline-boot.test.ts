/**
 * Issue 4, QEMU scenarios 1 and 9: the node's own parser at work. The default board is
 * built (shared cache: about a minute when warm) and booted with kernel arguments;
 * checks run in the guest over the serial console, and the host compares what it
 * finds with the TypeScript parser's verdict on the same command line.
 */
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import type { PackageCheck } from '../../src/boot/smoke-checks.ts';
import { bootAndCheck, expectedHostname, type BootResult } from '../../src/boot/run-qemu.ts';
import { qemuKernelCmdline } from '../../src/boot/qemu-args.ts';
import { bootargsLines } from '../../src/cmdline/bootargs.ts';
import { parseCmdline } from '../../src/cmdline/parse-cmdline.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { generatedCmdlines } from '../fixtures/cmdline/generated.ts';
import { handWrittenCmdlines } from '../fixtures/cmdline/hand-written.ts';
import { mismatchesOn } from '../fixtures/cmdline/shell-parser.ts';
import { gnuCpioEachArchive } from '../helpers/initramfs-read.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';

const boardName = 'qemu-aarch64';
const outRoot = await tempDir('cmdline-dist');
const outDir = join(outRoot, boardName);
const { board } = await loadBoard(boardName);
// A kernel and an initramfs per run: not worth keeping in /tmp.
after(() => rm(outRoot, { recursive: true, force: true }));

/** Checks for the guest's shell, in the packageChecks shape: command, and a regex its output must match. */
const bootargsChecks = (want: string) => [
  { package: 'cmdline', command: "grep -v '^#' /run/emb/bootargs", expect: `^${want.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}$` },
  // Root only: it may hold the BOINC password, and /proc/cmdline is the one world-readable copy.
  { package: 'cmdline', command: 'stat -c %a /run/emb/bootargs', expect: '^600\\n$' },
];

async function boot(append: string, extraChecks: PackageCheck[], log: string): Promise<BootResult> {
  const manifest = await readManifest(outDir);
  assert.ok(manifest, 'the build wrote a manifest');
  const result = await bootAndCheck({
    board,
    outDir,
    kernelFile: manifest.kernel.file,
    append,
    timeoutSeconds: 240,
    logFile: join(outDir, log),
    packageChecks: extraChecks,
  });
  const failed = result.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
  assert.ok(result.ok, `boot failed: ${result.failure ?? failed.join('; ')}\n${result.consoleTail}`);
  return result;
}

test('emb build writes the default board', { timeout: 20 * 60_000 }, async () => {
  const result = await runEmb(['build', '--board', boardName, '--out', outRoot]);
  assert.equal(result.exitCode, 0, `emb build failed:\n${result.stdout}\n${result.stderr}`);
});

test('scenario 1: uebo.hostname=node-17 names the node node-17', { timeout: 5 * 60_000 }, async () => {
  const append = 'uebo.hostname=node-17';
  assert.equal(expectedHostname(board, append), 'node-17');
  const result = await boot(append, bootargsChecks("uebo_hostname='node-17'\n"), 'console-hostname.log');
  assert.match(result.readyLine, /hostname=node-17 /);
  assert.ok(
    result.checks.some((check) => check.name === 'hostname' && check.ok),
    'the smoke check compared the hostname',
  );
});

const hostile = [
  "uebo.hostname='$(reboot)'",
  'uebo.consul="x;poweroff"',
  'uebo.boinc.password="`id`"',
  'uebo.boinc.remote_hosts=$(touch${IFS}/tmp/pwned-hosts)',
  'uebo.nfsdir="nas:/`touch /tmp/pwned-nfs`"',
  // No dot and a '=': the kernel puts these in /init's environment, the parser's own variable names.
  'emb_cl_ok1=1 emb_cl_v1=evil-host emb_cmdline_quiet=1',
  'uebo.hostnme=typo',
].join(' ');

test('scenario 9: a hostile command line changes nothing but the text of values', { timeout: 5 * 60_000 }, async () => {
  // The host's verdict: every value is invalid but the password, which is kept as text.
  const verdict = parseCmdline(qemuKernelCmdline(board, hostile));
  assert.equal(expectedHostname(board, hostile), board.hostname, 'the invalid host name is dropped: the board default stays');
  assert.equal(bootargsLines(verdict), "uebo_boinc_password='`id`'\n");
  const result = await boot(
    hostile,
    [
      ...bootargsChecks(bootargsLines(verdict)),
      // Sourcing the file assigns the text and runs nothing.
      { package: 'cmdline', command: '(. /run/emb/bootargs; printf "<%s>" "$uebo_boinc_password")', expect: '^<`id`>$' },
      {
        package: 'cmdline',
        command: 'for f in /tmp/pwned-hosts /tmp/pwned-nfs; do [ -e "$f" ] && echo "RAN $f"; done; echo checked',
        expect: '^checked\\n$',
      },
    ],
    'console-hostile.log',
  );
  assert.match(result.readyLine, new RegExp(`hostname=${board.hostname} `));
  const console = await readFile(join(outDir, 'console-hostile.log'), 'utf8');
  // Each problem is said on the console, by key, without the value (one may be a password).
  for (const key of ['uebo.hostname', 'uebo.consul', 'uebo.boinc.remote_hosts', 'uebo.nfsdir'])
    assert.match(console, new RegExp(`emb-cmdline: '${key.replaceAll('.', '\\.')}': .*dropped`));
  assert.match(console, /emb-cmdline: 'uebo\.hostnme': unknown key/);
  assert.match(console, /emb-cmdline: 'uebo\.boinc\.password': \/proc\/cmdline is world-readable/);
});

test("the image's own busybox agrees with the TypeScript parser on the corpus", { timeout: 20 * 60_000 }, async () => {
  const qemuUser = await execa('qemu-aarch64-static', ['--version'], { reject: false }).catch(() => undefined);
  assert.equal(
    qemuUser?.exitCode,
    0,
    'qemu-aarch64-static is missing: apt-get install qemu-user-static (it is in toolchain/packages/test.list)',
  );
  const busybox = join(outRoot, 'busybox-aarch64');
  // GNU cpio stops at a trailer: it reads each layer's archive in turn.
  await writeFile(busybox, await gnuCpioEachArchive(join(outDir, 'initramfs.zst'), ['-i', '--quiet', '--to-stdout', 'bin/busybox']), {
    mode: 0o755,
  });
  const corpus = [...handWrittenCmdlines, ...generatedCmdlines(400)];
  const mismatches = await mismatchesOn(['qemu-aarch64-static', busybox, 'sh'], corpus);
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${corpus.length} lines differ:\n${mismatches.slice(0, 5).join('\n')}`);
});
