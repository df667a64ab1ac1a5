/**
 * qemu-console.log holds the whole serial transcript: it is private (0600) from its
 * creation, a world-readable log left by an earlier run does not keep its mode, and a
 * uebo.boinc.password the kernel prints with its command line is written as <secret>.
 */
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runEmb, tempDir } from '../helpers/run-emb.ts';

test('qemu-console.log is 0600 and holds the command line with the password redacted', { timeout: 20 * 60_000 }, async () => {
  const outRoot = await tempDir('dist');
  const build = await runEmb(['build', '--out', outRoot]);
  assert.equal(build.exitCode, 0, `build failed:\n${String(build.stdout)}\n${String(build.stderr)}`);
  const log = join(outRoot, 'qemu-aarch64', 'qemu-console.log');
  await writeFile(log, 'a transcript from an earlier boot\n', { mode: 0o644 });

  const boot = await runEmb(['qemu', '--out', outRoot, '--timeout', '300', '--append', 'uebo.boinc.password=console-log-test-secret']);
  // The boot's own checks are other tests' business: this one is about the log file.
  assert.equal((await stat(log)).mode & 0o777, 0o600, `qemu-console.log mode (emb qemu exited ${boot.exitCode})`);
  const transcript = await readFile(log, 'utf8');
  assert.match(
    transcript,
    /uebo\.boinc\.password=<secret>/,
    'the kernel prints its command line to the console; the log holds it with the secret cut out',
  );
  assert.doesNotMatch(transcript, /console-log-test-secret/);
  assert.doesNotMatch(transcript, /a transcript from an earlier boot/);
});
