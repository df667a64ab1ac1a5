/**
 * /init's fallback when runit cannot be started. A failed `exec` ends the shell that
 * runs /init, which is PID 1, and the kernel panics: /init must look before it execs.
 * The test makes such an image without a new build: the kernel unpacks initramfs
 * segments one after the other, later entries winning (mode included), so an
 * uncompressed newc segment holding /sbin/runit with mode 0644 is appended to a copy
 * of the default board's initramfs.zst. The console must then reach the fallback
 * shell, which runs commands, comes back when it exits, and can power the node off.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TreeEntry } from '../../src/assemble/tree-types.ts';
import { writeNewcArchive } from '../../src/pack/write-archive.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { startQemuSession, type QemuSession } from '../helpers/qemu-session.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';
import { waitFor } from '../helpers/wait-for.ts';

const boardName = 'qemu-aarch64';
const outRoot = await tempDir('init-fallback');
const { board } = await loadBoard(boardName);
after(() => rm(outRoot, { recursive: true, force: true }));

/** The newc segment that takes the exec bits off /sbin/runit. */
function unrunnableRunitSegment(): Buffer {
  const root = { uid: 0, gid: 0 };
  const entries: TreeEntry[] = [
    { type: 'dir', path: '/sbin', mode: 0o755, ...root },
    { type: 'file', path: '/sbin/runit', mode: 0o644, data: Buffer.from('not a program: the init fallback test\n'), ...root },
  ];
  return writeNewcArchive(entries, { mtime: 0 });
}

test('a /sbin/runit that cannot run leaves a working root shell on the console, not a kernel panic', {
  timeout: 25 * 60_000,
}, async (t) => {
  const built = await runEmb(['build', '--board', boardName, '--out', outRoot]);
  assert.equal(built.exitCode, 0, `emb build failed:\n${built.stdout}\n${built.stderr}`);
  const outDir = join(outRoot, boardName);
  const manifest = await readManifest(outDir);
  assert.ok(manifest, 'the build wrote a manifest');

  // The broken image: the build's kernel, its initramfs with the segment appended. A
  // segment starts on a 4-byte boundary; the kernel skips the zero bytes before it.
  const broken = join(outRoot, 'broken');
  await mkdir(broken, { recursive: true });
  await symlink(join(outDir, manifest.kernel.file), join(broken, manifest.kernel.file));
  const original = await readFile(join(outDir, 'initramfs.zst'));
  const padding = Buffer.alloc((4 - (original.length % 4)) % 4);
  await writeFile(join(broken, 'initramfs.zst'), Buffer.concat([original, padding, unrunnableRunitSegment()]));

  const logFile = join(broken, 'console.log');
  const session: QemuSession = startQemuSession({ board, outDir: broken, kernelFile: manifest.kernel.file, logFile });
  try {
    const { serial } = session;
    await serial.waitFor(/emb-init: \/sbin\/runit cannot be started[^\n]*: a root shell on the console instead/, 240_000);
    // The shell starts just after the line: poll until it answers.
    await waitFor('the fallback shell answers', 60, async () => ((await serial.run('true', 5_000)).status === 0 ? true : undefined));

    const probe = await serial.run('echo "fallback-$((6 * 7))"; cat /proc/1/comm; [ -x /sbin/runit ] || echo runit-not-executable', 30_000);
    assert.equal(probe.status, 0, probe.output);
    assert.match(probe.output, /^fallback-42$/m, 'the shell ran a command');
    assert.match(probe.output, /^init$/m, 'PID 1 is still /init (runit never started)');
    assert.match(probe.output, /^runit-not-executable$/m, 'the appended segment took the exec bits off /sbin/runit');

    // A shell that exits is started again: PID 1 never ends.
    const before = serial.transcript.length;
    serial.type('exit');
    await serial.waitFor(/emb-init: the console shell ended: starting another/, 30_000, before);
    await waitFor('the next fallback shell answers', 60, async () => ((await serial.run('true', 5_000)).status === 0 ? true : undefined));

    // The operator can still power the node off (no runit: busybox's own poweroff -f).
    serial.type('busybox poweroff -f');
    const exitCode = await session.waitForExit(60_000);
    assert.equal(exitCode, 0, 'QEMU exited after the poweroff');
    assert.doesNotMatch(serial.transcript, /Kernel panic/, 'no kernel panic');
    t.diagnostic(`console: ${logFile}`);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- console tail ---\n${session.serial.tail(60)}`);
  } finally {
    await session.stop();
  }
});
