/**
 * Reproducible builds (issue 14): two builds of a board that share nothing but the
 * downloads give byte-identical initramfs.zst, kernel and DTB (and the same modes).
 * - qemu-aarch64: the host toolchain's build in the run's shared cache (umask 022, UTC,
 *   C.UTF-8) into a folder of its own, against the docker toolchain's in a private clean
 *   cache (the downloads hard-linked in) under umask 077, TZ=Pacific/Kiritimati and
 *   LC_ALL=tr_TR.UTF-8: every stage emb runs on the host (Debian imports, kernel,
 *   squashfs, pack) runs clean in the odd environment.
 * - orangepi-pc (armhf, with a DTB): `emb build --check-reproducible` as a user runs it,
 *   two clean builds: docker (umask 022, UTC, C.UTF-8), then host (077, UTC+14, Turkish),
 *   where the odd umask reaches the compilers and install steps too.
 * - the same command on a tiny board whose one recipe writes its build time: the first
 *   differing file must be named, down to the record.
 * Skipped without a Docker engine, failed under CI=true.
 */
import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cacheDir, projectRoot } from '../../src/paths.ts';
import { firstVariant, secondVariant } from '../../src/repro/build-variants.ts';
import { runVariantBuild } from '../../src/repro/check-reproducible.ts';
import { compareDists, formatComparison } from '../../src/repro/first-difference.ts';
import { seedDownloads } from '../../src/repro/seed-downloads.ts';
import { hasImage } from '../../src/toolchain/docker-engine.ts';
import { toolchainImageTag } from '../../src/toolchain/toolchain-image.ts';
import { ensureDockerEngine } from '../helpers/docker-engine.ts';
import { runEmb, scratchDirs } from '../helpers/run-emb.ts';
import { skipOrFail } from '../helpers/skip-or-fail.ts';

const minutes = 60_000;
const { scratch, removeAll } = scratchDirs();
after(removeAll);

let unavailable = await ensureDockerEngine();
/** qemu-aarch64's docker build's cache: a clean one, the downloads aside. */
let dockerCache = '';
let localeDir = '';

before(async () => {
  if (unavailable) return;
  // docker-toolchain.test.ts makes the image earlier in a full run; alone, this file makes it.
  if (!(await hasImage(await toolchainImageTag()))) {
    for (const step of ['base', 'build']) {
      const made = await runEmb(['toolchain', step], {}, 20 * minutes);
      if (made.exitCode !== 0) unavailable = `emb toolchain ${step} failed: ${made.stderr}`;
    }
  }
  dockerCache = await scratch('repro-docker-cache');
  localeDir = await scratch('repro-locale');
  await seedDownloads(cacheDir(), dockerCache);
});

/**
 * The board built both ways; returns the two dist/<board> folders. The host build uses
 * the run's cache (EMB_CACHE_DIR or ~/.cache/emb), as every other test does, so only
 * the docker build is a clean one: the cheap half of the check, within the suite's time.
 */
async function buildBothWays(board: string): Promise<{ host: string; docker: string }> {
  const hostOut = await scratch(`repro-host-${board}`);
  const dockerOut = await scratch(`repro-docker-${board}`);
  const logs = await scratch(`repro-logs-${board}`);
  const args = { board, buildArgs: [] };
  await runVariantBuild(firstVariant('host'), args, { cacheRoot: cacheDir(), outRoot: hostOut, logFile: join(logs, 'host.log') });
  const second = await secondVariant('docker', localeDir);
  assert.match(second.label, /umask 077, TZ=Pacific\/Kiritimati, LC_ALL=tr_TR\.UTF-8$/, 'the second build runs in a Turkish locale');
  await runVariantBuild(second, args, { cacheRoot: dockerCache, outRoot: dockerOut, logFile: join(logs, 'docker.log') });
  return { host: join(hostOut, board), docker: join(dockerOut, board) };
}

test('qemu-aarch64: a host build in the shared cache and a clean docker build under umask 077, UTC+14 and tr_TR are byte-identical', {
  timeout: 40 * minutes,
}, async (t) => {
  if (unavailable) return skipOrFail(t, unavailable);
  const { host, docker } = await buildBothWays('qemu-aarch64');
  assert.equal(formatComparison(await compareDists(host, docker)), 'reproducible: 2 files identical (initramfs.zst, Image)');
});

test('orangepi-pc: emb build --check-reproducible, two clean builds (docker, then host under umask 077, UTC+14, tr_TR), says "reproducible"', {
  timeout: 40 * minutes,
}, async (t) => {
  if (unavailable) return skipOrFail(t, unavailable);
  // EMB_TOOLCHAIN=auto: runEmb's host would hold both builds to the host toolchain.
  const result = await runEmb(['build', '--board', 'orangepi-pc', '--check-reproducible'], { EMB_TOOLCHAIN: 'auto' }, 40 * minutes);
  assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
  const stdout = String(result.stdout);
  assert.match(stdout, /^ {2}first build: toolchain docker, umask 022, TZ=UTC, LC_ALL=C\.UTF-8, \d+ downloads seeded/m);
  assert.match(stdout, /^ {2}second build: toolchain host, umask 077, TZ=Pacific\/Kiritimati, LC_ALL=tr_TR\.UTF-8, \d+ downloads seeded/m);
  assert.match(stdout, /^reproducible: 3 files identical \(initramfs\.zst, zImage, sun8i-h3-orangepi-pc\.dtb\)$/m);
});

/**
 * A project with one tiny board (the armhf kernel, orangepi-pc's DTB, one package) whose
 * one recipe runs `command` to make /etc/stamp: cheap enough to build twice from clean
 * caches through the real CLI. Its source is zlib's Debian tarball, already downloaded.
 */
async function stampProject(command: string): Promise<Record<string, string>> {
  const root = await scratch('repro-project');
  await mkdir(join(root, 'boards'));
  await mkdir(join(root, 'packages', 'stamp'), { recursive: true });
  await symlink(join(projectRoot, 'src'), join(root, 'src'));
  await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
  await writeFile(
    join(root, 'boards', 'repro-stamp.ts'),
    `import { defineBoard } from '../src/define.ts';
export default defineBoard({
  name: 'repro-stamp',
  description: 'the reproducibility test: the armhf kernel, a DTB and one package',
  arch: 'armhf',
  kernel: { provider: 'debian', package: 'linux-image-armmp', image: '/boot/vmlinuz-{kver}' },
  dtb: 'sun8i-h3-orangepi-pc.dtb',
  ramMiB: 512,
  bootloader: { kind: 'qemu', from: 'QEMU direct boot (-kernel, -initrd)', maxInitrdMiB: 256 },
  modules: [],
  console: 'ttyAMA0',
  hostname: 'repro-stamp',
  compressionLevel: 3,
  packages: ['stamp'],
});
`,
  );
  await writeFile(
    join(root, 'packages', 'stamp', 'recipe.ts'),
    `import { defineRecipe } from '../../src/define.ts';
export default defineRecipe({
  name: 'stamp',
  version: '1',
  license: 'Zlib',
  description: 'the reproducibility test: makes /etc/stamp',
  arches: ['armhf'],
  sources: [
    {
      kind: 'debian-orig',
      package: 'zlib',
      file: 'zlib_1.2.13.dfsg.orig.tar.bz2',
      sha256: '71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1',
    },
  ],
  steps: () => [{ run: ['sh', '-c', ${JSON.stringify(`mkdir -p "$DESTDIR/etc" && ${command} > "$DESTDIR/etc/stamp"`)}] }],
});
`,
  );
  // EMB_TOOLCHAIN=auto: runEmb's host would hold both builds to the host toolchain.
  return { EMB_BOARDS_DIR: join(root, 'boards'), EMB_PACKAGES_DIR: join(root, 'packages'), EMB_TOOLCHAIN: 'auto' };
}

test('emb build --check-reproducible on a recipe that writes its build time: one line naming the file, layer and record, exit 1', {
  timeout: 20 * minutes,
}, async (t) => {
  if (unavailable) return skipOrFail(t, unavailable);
  const result = await runEmb(['build', '--board', 'repro-stamp', '--check-reproducible'], await stampProject('date +%s%N'), 20 * minutes);
  assert.equal(result.exitCode, 1, `${result.stdout}\n${result.stderr}`);
  const lines = String(result.stderr).split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line:\n${result.stderr}`);
  assert.match(
    lines[0] ?? '',
    /^emb: not reproducible: first differing file initramfs\.zst: layer stamp, member \d+ of \d+: etc\/stamp: content \d+ bytes each, first difference at byte \d+ .*\(both builds' dist\/ folders and logs are kept in (\/\S+)\)$/,
  );
  const kept = /kept in (\/\S+)\)$/.exec(lines[0] ?? '')?.[1] ?? '';
  await rm(kept, { recursive: true, force: true });
});
