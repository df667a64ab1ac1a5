/**
 * The `source` kernel provider: qemu-aarch64-lean and qemu-armhf-lean get kernels
 * built by emb from Debian's linux-source package with kernel-configs/ (common, the
 * arch's, the virt machine's fragments), and boot them to the ready line with no module
 * loaded at boot. A cold build of each is minutes (the suite's cache keeps it); a
 * setting Kconfig does not keep fails the build with its fragment's file and line, and
 * leaves no cache entry and no dist/ files.
 */
import assert from 'node:assert/strict';
import { cp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { bootAndCheck } from '../../src/boot/run-qemu.ts';
import type { Manifest } from '../../src/pack/manifest.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { cacheDir, kernelConfigsDir } from '../../src/paths.ts';
import { errorLines, filesUnder, runEmb, tempDir } from '../helpers/run-emb.ts';

const outRoot = await tempDir('source-kernel');
after(() => execa('rm', ['-rf', outRoot]));

const manifestOf = async (board: string, root = outRoot): Promise<Manifest> =>
  JSON.parse(await readFile(join(root, board, 'manifest.json'), 'utf8')) as Manifest;

for (const [board, kernelFile] of [
  ['qemu-aarch64-lean', 'Image'],
  ['qemu-armhf-lean', 'zImage'],
] as const) {
  test(`${board}: a kernel built from kernel-configs/ boots to the ready line, no module loaded at boot`, {
    timeout: 45 * 60_000,
  }, async () => {
    const built = await runEmb(['build', '--board', board, '--out', outRoot], {}, 40 * 60_000);
    assert.equal(built.exitCode, 0, `emb build --board ${board} failed:\n${built.stdout}\n${built.stderr}`);
    const manifest = await manifestOf(board);
    assert.match(manifest.kernel.package, /^linux-source-6\.1 \(common \+ (aarch64|armhf) \+ qemu-virt/);
    assert.match(manifest.kernel.release, /^6\.1\.\d+-emb$/);
    assert.equal(manifest.kernel.file, kernelFile);
    assert.deepEqual(manifest.modules.loadOrder, [], 'every boot driver is built in');
    assert.ok((await stat(join(outRoot, board, kernelFile))).size > 1_000_000, 'the kernel image is written');

    const { board: loaded } = await loadBoard(board);
    const result = await bootAndCheck({
      board: loaded,
      outDir: join(outRoot, board),
      kernelFile,
      timeoutSeconds: 300,
      append: `uebo.hostname=${board}-node`,
      logFile: join(outRoot, board, 'console.log'),
      bootModules: [],
      packageChecks: [
        // What allnoconfig leaves out unless kernel-configs/ asks for it, each seen missing once:
        // the 32-bit time calls (busybox's sleep returned at once), the RTC as the system clock, cgroup v2.
        {
          package: 'kernel',
          command: 's=$(cut -d. -f1 /proc/uptime); sleep 2; echo slept $(($(cut -d. -f1 /proc/uptime) - s))',
          expect: 'slept [23]\n',
        },
        { package: 'kernel', command: 'date +%Y', expect: '^20[2-9][0-9]\n$' },
        { package: 'kernel', command: 'cat /sys/fs/cgroup/cgroup.controllers', expect: 'memory' },
        { package: 'kernel', command: 'grep -c . /proc/modules || true', expect: '^0\n$' },
        // nfsv4 stays a module (=m in common.config): shipped for /init to load when asked (uebo.nfsdir, /storage/modules).
        { package: 'kernel', command: 'grep -c "^nfsv4 " /etc/emb/modules.optional', expect: '^1\n$' },
      ],
    });
    const failed = result.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}\n${check.output}`);
    assert.ok(result.ok, `boot failed: ${result.failure ?? failed.join('; ')}\n${result.consoleTail}`);
    assert.match(result.readyLine, new RegExp(`EMB-READY board=${board} hostname=${board}-node kernel=6\\.1\\.\\d+-emb uptime=`));
    assert.ok(result.poweredOff, 'powered off cleanly');
  });
}

test('a setting Kconfig drops fails the build with its fragment line, leaving no cache entry and no dist/ files', {
  timeout: 15 * 60_000,
}, async () => {
  const configs = await tempDir('kernel-configs');
  await cp(kernelConfigsDir, configs, { recursive: true });
  // virtio-gpu depends on DRM, which no fragment enables: Kconfig drops it silently.
  await writeFile(join(configs, 'boards', 'qemu-virt.config'), 'CONFIG_DRM_VIRTIO_GPU=y\n', { flag: 'a' });
  const entries = join(cacheDir(), 'source-kernels');
  const before = await readdir(entries).catch(() => []);
  const out = await tempDir('source-kernel-bad');
  const result = await runEmb(['build', '--board', 'qemu-aarch64-lean', '--out', out], { EMB_KERNEL_CONFIGS_DIR: configs });
  assert.notEqual(result.exitCode, 0);
  const lines = errorLines(result);
  assert.equal(lines.length, 1, `one error line:\n${result.stderr}`);
  assert.match(lines[0] ?? '', /Kconfig did not keep 1 setting: .*qemu-virt\.config:\d+: CONFIG_DRM_VIRTIO_GPU=y/);
  assert.deepEqual(await filesUnder(out), []);
  assert.deepEqual(await readdir(entries).catch(() => []), before, 'no cache entry was added');
  await execa('rm', ['-rf', configs, out]);
});
