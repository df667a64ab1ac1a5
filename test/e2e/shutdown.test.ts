/**
 * Shutdown by ctrl-alt-del (the kernel sends SIGINT to runit, PID 1; the test sends
 * it the same way from the node's console) and by the reboot command runs stage 3: services stopped, clock saved
 * and /storage unmounted, checked on the disk from the host. The dropbear host key is
 * kept on /storage: the second boot serves the same key as the first.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import type { PackageCheck } from '../../src/boot/smoke-checks.ts';
import { bootAndCheck, type BootResult } from '../../src/boot/run-qemu.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';

const fingerprint = {
  package: 'ssh',
  command: 'dropbearkey -y -f /storage/dropbear/dropbear_ed25519_host_key | grep Fingerprint',
  expect: 'Fingerprint: SHA256:',
};

test('ctrl-alt-del runs stage 3; the SSH host key survives a reboot on /storage', { timeout: 10 * 60_000 }, async () => {
  const work = await tempDir('shutdown');
  const outRoot = join(work, 'dist');
  const built = await runEmb(['build', '--out', outRoot]);
  assert.equal(built.exitCode, 0, `${built.stdout}\n${built.stderr}`);
  const outDir = join(outRoot, 'qemu-aarch64');
  const manifest = (await readManifest(outDir))!;
  const { board } = await loadBoard('qemu-aarch64');
  const disk = join(work, 'storage.img');
  await execa('truncate', ['-s', '64M', disk]);
  await execa('mkfs.ext4', ['-q', '-F', '-L', 'storage', disk]);
  const qemuArgs = ['-drive', `file=${disk},if=none,format=raw,id=d0`, '-device', 'virtio-blk-pci,drive=d0'];
  const boot = async (log: string, extra: PackageCheck[]): Promise<BootResult> => {
    const result = await bootAndCheck({
      board,
      outDir,
      kernelFile: manifest.kernel.file,
      timeoutSeconds: 300,
      qemuArgs,
      logFile: join(work, log),
      packageChecks: [fingerprint, ...extra],
    });
    assert.ok(
      result.ok,
      `boot failed: ${
        result.failure ??
        result.checks
          .filter((check) => !check.ok)
          .map((check) => `${check.name}: ${check.detail}`)
          .join('; ')
      }\n${result.consoleTail}`,
    );
    return result;
  };
  const keyOf = (result: BootResult): string =>
    /Fingerprint: (SHA256:\S+)/.exec(result.checks.find((check) => check.name.startsWith('ssh'))!.output)![1]!;

  // Boot 1 ends by ctrl-alt-del instead of poweroff: runit reboots, which -no-reboot turns into QEMU's exit.
  const first = await boot('console-1.log', [{ package: 'ctrl-alt-del', command: 'kill -INT 1; echo sent', expect: 'sent' }]);
  const console1 = await readFile(join(work, 'console-1.log'), 'utf8');
  assert.match(console1, /emb: ctrl-alt-del: rebooting/);
  assert.match(console1, /emb: stopping services/);
  assert.match(console1, /\/storage unmounted/);
  assert.match(console1, /EMB-HALT/);
  const saved = (await execa('debugfs', ['-R', 'cat /lastdate', disk], { stderr: 'ignore' })).stdout;
  assert.match(saved, /^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d$/, 'stage 3 saved the clock on /storage');
  const check = await execa('e2fsck', ['-fn', disk], { reject: false });
  assert.equal(check.exitCode, 0, `the disk was unmounted cleanly:\n${check.stdout}`);

  // Boot 2 ends by the reboot command: stage 3 again, and the same host key as boot 1.
  const second = await boot('console-2.log', [{ package: 'reboot', command: 'reboot; echo sent', expect: 'sent' }]);
  assert.equal(keyOf(second), keyOf(first), 'the host key on /storage is the same after the reboot');
  const console2 = await readFile(join(work, 'console-2.log'), 'utf8');
  assert.match(console2, /emb: stopping services/);
  assert.match(console2, /\/storage unmounted/);
  assert.match(console2, /EMB-HALT/);
  const checkAfterReboot = await execa('e2fsck', ['-fn', disk], { reject: false });
  assert.equal(checkAfterReboot.exitCode, 0, `the disk was unmounted cleanly by reboot:\n${checkAfterReboot.stdout}`);
  await rm(work, { recursive: true, force: true });
});
