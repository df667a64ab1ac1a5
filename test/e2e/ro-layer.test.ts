/**
 * The default board's read-only layer (boards/qemu-aarch64.ts, readOnlyLayer): booted,
 * /init has the squashfs mounted on /usr/lib/emb-ro before the services start, and
 * node_exporter and BOINC's programs are links that resolve through it and run. With a
 * squashfs that is not one (an uncompressed newc segment appended to a copy of the
 * image replaces /lib/emb/ro.squashfs, later entries winning), the console says so in
 * one line, the node still reaches its ready line and its shell and SSH server, and
 * only the services in the layer are missing.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readOnlyImagePath, readOnlyMountPoint } from '../../src/assemble/read-only-split.ts';
import type { TreeEntry } from '../../src/assemble/tree-types.ts';
import { writeNewcArchive } from '../../src/pack/write-archive.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { startQemuSession } from '../helpers/qemu-session.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';
import { waitFor } from '../helpers/wait-for.ts';

const boardName = 'qemu-aarch64';
const outRoot = await tempDir('ro-layer');
const outDir = join(outRoot, boardName);
const { board } = await loadBoard(boardName);
after(() => rm(outRoot, { recursive: true, force: true }));

const exporter = '/usr/bin/prometheus-node-exporter';

before(async () => {
  const built = await runEmb(['build', '--board', boardName, '--out', outRoot]);
  assert.equal(built.exitCode, 0, `emb build failed:\n${built.stdout}\n${built.stderr}`);
});

/** Boot the image in `dir` until its shell answers, run `body`, and stop QEMU whatever happens. */
async function withBootedNode(
  dir: string,
  kernelFile: string,
  body: (run: (command: string) => Promise<string>, transcript: () => string) => Promise<void>,
): Promise<void> {
  const session = startQemuSession({ board, outDir: dir, kernelFile, logFile: join(dir, 'console.log') });
  try {
    const { serial } = session;
    await serial.waitFor(/EMB-READY [^\n]*\n/, 240_000);
    // The console shell starts just after the ready line: ask until it answers.
    await waitFor('the console shell answers', 60, async () => ((await serial.run('true', 5_000)).status === 0 ? true : undefined));
    await body(
      async (command) => (await serial.run(command, 30_000)).output,
      () => serial.transcript,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- console tail ---\n${session.serial.tail(60)}`);
  } finally {
    await session.stop();
  }
}

test('the squashfs is mounted before the services, and node_exporter and BOINC run through it', { timeout: 15 * 60_000 }, async () => {
  const manifest = await readManifest(outDir);
  assert.ok(manifest?.readOnlyLayer, 'the manifest records the read-only layer');
  assert.deepEqual(manifest.readOnlyLayer.packages, board.readOnlyLayer?.packages);
  assert.ok(manifest.readOnlyLayer.files > 0 && manifest.readOnlyLayer.squashfsBytes < manifest.readOnlyLayer.fileBytes);
  assert.deepEqual(
    manifest.files.find((file) => file.path === exporter),
    { path: exporter, type: 'symlink', layer: 'node-exporter', size: `${readOnlyMountPoint}${exporter}`.length, mode: '0777' },
  );

  await withBootedNode(outDir, manifest.kernel.file, async (run, transcript) => {
    assert.doesNotMatch(transcript(), /emb-ro-layer:/, 'no complaint about the layer');
    assert.match(await run('grep " /usr/lib/emb-ro " /proc/mounts'), /^\/dev\/loop\d+ \/usr\/lib\/emb-ro squashfs ro[,\s]/m);
    assert.match(
      await run(`readlink -f ${exporter}; [ -L ${exporter} ] && echo is-a-link`),
      new RegExp(`^${readOnlyMountPoint}${exporter}\\r?\\nis-a-link`, 'm'),
    );
    // node_exporter started from the layer and answers; BOINC's programs load their libraries through it.
    const answered = await waitFor('node_exporter answers on :9100', 60, async () => {
      const output = await run('wget -q -O - http://127.0.0.1:9100/metrics | grep -m 1 "^node_boot_time_seconds" && echo answered');
      return output.includes('answered') ? output : undefined;
    });
    assert.match(answered, /node_boot_time_seconds/);
    assert.match(await run('boinc --version'), /^7\.20\.5/m);
    assert.match(
      await run('readlink -f /usr/lib/aarch64-linux-gnu/libcurl.so.4'),
      /^\/usr\/lib\/emb-ro\/usr\/lib\/aarch64-linux-gnu\/libcurl\.so\.4\./m,
    );
  });
});

test('a broken squashfs is one line on the console; the node still reaches ready and runs what is not in the layer', {
  timeout: 15 * 60_000,
}, async (t) => {
  const manifest = await readManifest(outDir);
  assert.ok(manifest);
  const broken = join(outRoot, 'broken');
  await mkdir(broken, { recursive: true });
  await symlink(join(outDir, manifest.kernel.file), join(broken, manifest.kernel.file));
  const original = await readFile(join(outDir, 'initramfs.zst'));
  const padding = Buffer.alloc((4 - (original.length % 4)) % 4);
  const root = { uid: 0, gid: 0 };
  const entries: TreeEntry[] = [
    { type: 'dir', path: '/lib', mode: 0o755, ...root },
    { type: 'dir', path: '/lib/emb', mode: 0o755, ...root },
    { type: 'file', path: readOnlyImagePath, mode: 0o444, data: Buffer.alloc(65536, 'not a squashfs '), ...root },
  ];
  await writeFile(join(broken, 'initramfs.zst'), Buffer.concat([original, padding, writeNewcArchive(entries, { mtime: 0 })]));

  await withBootedNode(broken, manifest.kernel.file, async (run, transcript) => {
    const lines = transcript().match(/^emb-ro-layer: [^\n]*$/gm) ?? [];
    assert.equal(lines.length, 1, `one line about the layer, got:\n${lines.join('\n')}`);
    t.diagnostic(`console: ${lines[0]}`);
    assert.match(lines[0] ?? '', /mounting \/lib\/emb\/ro\.squashfs on \/usr\/lib\/emb-ro failed \(.+\): the services in it will not run/);
    assert.doesNotMatch(await run('grep -c " /usr/lib/emb-ro " /proc/mounts || true'), /^[1-9]/m);
    // What is not in the layer runs: runit's services (SSH among them) and the shell.
    await waitFor('dropbear runs', 60, async () =>
      (await run('pidof dropbear || pidof dropbearmulti')).match(/^\d+/m) ? true : undefined,
    );
    assert.match(await run(`[ -e ${exporter} ] || echo exporter-missing`), /^exporter-missing/m);
  });
});
