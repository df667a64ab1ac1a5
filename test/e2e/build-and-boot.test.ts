/**
 * The walking skeleton end to end: build the default board with the real host
 * toolchain and Debian's real kernel, check each layer's archive with GNU cpio, boot it in
 * QEMU (cortex-a53) and run the smoke checks from inside the guest.
 * Uses the shared cache (~/.cache/emb or EMB_CACHE_DIR) so the suite builds busybox once.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Manifest } from '../../src/pack/manifest.ts';
import { gnuCpioEachArchive, initramfsMembers } from '../helpers/initramfs-read.ts';
import { errorLines, runEmb, tempDir } from '../helpers/run-emb.ts';

const board = 'qemu-aarch64';
const outRoot = await tempDir('dist');
const outDir = join(outRoot, board);

async function manifestOf(): Promise<Manifest> {
  return JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as Manifest;
}

test('emb build writes kernel, initramfs.zst and manifest.json', { timeout: 20 * 60_000 }, async () => {
  const result = await runEmb(['build', '--board', board, '--out', outRoot]);
  assert.equal(result.exitCode, 0, `emb build failed:\n${result.stdout}\n${result.stderr}`);
  assert.match(String(result.stdout), /modules\s+kept \d+\/\d+/);
  const manifest = await manifestOf();
  assert.equal(manifest.board, board);
  assert.ok(manifest.modules.kept >= 3 && manifest.modules.kept < 50, `kept ${manifest.modules.kept} modules`);
  assert.ok(manifest.modules.total > 1000, 'the Debian kernel ships thousands of modules');
  for (const name of ['virtio_net', 'virtio_blk', 'virtio_pci']) {
    assert.ok(
      manifest.modules.loadOrder.some((path) => path.endsWith(`/${name}.ko`)),
      `${name} is in the load order`,
    );
  }
  assert.ok(['tarball', 'debian-orig'].includes(manifest.sources.busybox?.kind ?? ''), 'busybox is built from a source tarball');
  assert.ok(manifest.sources.runit, 'runit came from some source');
});

test('the archive, listed by GNU cpio one layer at a time, equals the manifest', async () => {
  const manifest = await manifestOf();
  const image = join(outDir, 'initramfs.zst');
  // One whole archive per layer, each read as the kernel reads it (its own zstd frame, its own trailer).
  const members = initramfsMembers(await readFile(image));
  assert.deepEqual(
    members.map((member) => ({ compressed: member.compressed, records: member.records.length - 1 })),
    manifest.initramfs.layers.map((layer) => ({ compressed: true, records: layer.entries })),
  );
  assert.equal(
    members.reduce((total, member) => total + member.length, 0),
    manifest.initramfs.compressedBytes,
  );
  const listed = (await gnuCpioEachArchive(image, ['-t', '--quiet']))
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((name) => `/${name}`);
  assert.deepEqual(
    [...listed].sort(),
    manifest.files.map((file) => file.path),
  );
  assert.equal(new Set(listed).size, listed.length, 'no path is in two layers');
  const verbose = (
    await gnuCpioEachArchive(image, ['-tv', '--quiet', '--numeric-uid-gid', 'dev/console', 'dev/null', 'init'], {
      env: { LC_ALL: 'C', TZ: 'UTC' },
    })
  ).toString();
  assert.match(verbose, /^crw------- +1 0 +0 +5, +1 .* dev\/console$/m);
  assert.match(verbose, /^crw-rw-rw- +1 0 +0 +1, +3 .* dev\/null$/m);
  assert.match(verbose, /^-rwxr-xr-x +1 0 +0 .* init$/m);
});

test('a second build with nothing changed rebuilds nothing', { timeout: 60_000 }, async () => {
  const before = await readFile(join(outDir, 'initramfs.zst'));
  const result = await runEmb(['build', '--board', board, '--out', outRoot]);
  assert.equal(result.exitCode, 0, String(result.stderr));
  assert.match(String(result.stdout), /built now: none/);
  assert.match(String(result.stdout), /up to date, nothing rebuilt/);
  assert.deepEqual(await readFile(join(outDir, 'initramfs.zst')), before);
});

test('emb qemu boots it, runs the smoke checks and powers off', { timeout: 5 * 60_000 }, async () => {
  const result = await runEmb(['qemu', '--board', board, '--out', outRoot, '--append', 'uebo.hostname=skeleton-node']);
  const stdout = String(result.stdout);
  assert.equal(result.exitCode, 0, `emb qemu failed:\n${stdout}\n${result.stderr}`);
  assert.match(stdout, /EMB-READY board=qemu-aarch64 hostname=skeleton-node kernel=\S+ uptime=/);
  // Where the boot's time went, by the guest's clock: each share positive, /init's split into its steps.
  const path =
    /boot path \(guest clock\): kernel to \/init (\d+\.\d\d) s, \/init to runit (\d+\.\d\d) s \(([^)]*)\), runit to ready (\d+\.\d\d) s/.exec(
      stdout,
    );
  assert.ok(path, `emb qemu reports the boot path:\n${stdout}`);
  assert.ok([path[1], path[2], path[4]].every((share) => Number(share) >= 0) && Number(path[1]) > 0, path[0]);
  assert.match(path[3] ?? '', /^modules \d+\.\d\d s, .*storage \d+\.\d\d s$/, path[0]);
  // And when node_exporter first answered, asked from the host through a port forward.
  assert.match(stdout, /node_exporter answered on :9100 \d+\.\d s after QEMU started/);
  assert.match(stdout, /load average/);
  assert.match(stdout, /Mem:\s+\d+/);
  assert.match(stdout, /ok {3}hostname/);
  assert.match(stdout, /ok {3}board modules loaded/);
  assert.match(stdout, /powered off cleanly/);
  assert.doesNotMatch(stdout, /FAIL/);
});

test('emb qemu that times out exits non-zero with the console tail', { timeout: 2 * 60_000 }, async () => {
  const result = await runEmb(['qemu', '--board', board, '--out', outRoot, '--timeout', '1']);
  assert.notEqual(result.exitCode, 0);
  assert.match(String(result.stderr), /--- console tail/);
  assert.match(errorLines(result).at(-1) ?? '', /^emb: boot of qemu-aarch64 failed: timed out after 1 s waiting for/);
});
