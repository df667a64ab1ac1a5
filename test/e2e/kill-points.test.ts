/**
 * Crash safety (issue 14): `emb build` and `emb pxe` are SIGKILLed at named points
 * (src/fs/fault-point.ts: EMB_FAULT_PAUSE=<name> freezes emb there and it prints
 * "EMB-FAULT-PAUSED <name>"; a point never reached within its bound fails the test).
 * The whole process group is killed, as a lost terminal or an OOM kill of the group
 * would: make, apt-get and the compressors die with emb. After each kill:
 * - dist/<board> (or the PXE tree) holds wholly the old set of files or wholly the new
 *   one, checked before anything runs again (every file's sha256; the manifest by its
 *   image key, since it also records which packages came from the cache);
 * - a plain rerun succeeds and gives files byte-identical to an uninterrupted run.
 * "Old" and "new" are the same board with two authorized_keys files, so each kill is
 * a build of the other image over the one in dist/. The kills use a private cache made
 * of hard links to the shared one; before a kill, the entries its point needs rebuilt
 * are removed from it (zlib, the cheapest source build; runit, a small Debian import;
 * the unpacked kernel; the read-only squashfs; the packed layers). The board is sopine:
 * a DTB, a read-only layer and U-Boot network boot.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import { isProcessAlive } from '../../src/fs/process-alive.ts';
import { cacheDir, projectRoot } from '../../src/paths.ts';
import { runEmb, scratchDirs } from '../helpers/run-emb.ts';
import { waitFor } from '../helpers/wait-for.ts';

const board = 'sopine';
const { scratch, removeAll } = scratchDirs();
after(removeAll);

/** Every run's environment: mkimage's boot.scr.uimg then has the same bytes in every tree (0 is emb's own archive mtime). */
const env = { CI: 'true', EMB_TOOLCHAIN: 'host', SOURCE_DATE_EPOCH: '0' };
const keys = {
  old: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKillPointsOldKeyOldKeyOldKeyOldKeyOldKey01 kill-points-old',
  new: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKillPointsNewKeyNewKeyNewKeyNewKeyNewKey02 kill-points-new',
};
type Variant = keyof typeof keys;
const other = (variant: Variant): Variant => (variant === 'old' ? 'new' : 'old');

/** A folder's files (through a link at its root) as path -> sha256; manifest.json by its image key. Undefined when absent. */
async function viewOf(dir: string): Promise<Record<string, string> | undefined> {
  if ((await lstat(dir).catch(() => undefined)) === undefined) return undefined;
  const view: Record<string, string> = {};
  for (const path of (await readdir(dir, { recursive: true })).sort()) {
    const full = join(dir, path);
    const info = await lstat(full);
    if (info.isDirectory()) continue;
    const data = await readFile(full);
    view[path] =
      path === 'manifest.json'
        ? `imageKey ${(JSON.parse(data.toString('utf8')) as { imageKey: string }).imageKey}`
        : `${info.isSymbolicLink() ? 'link ' : ''}${createHash('sha256').update(data).digest('hex')}`;
  }
  return view;
}

/** A run of emb that a test freezes at `point` and kills: its process group, stderr as it comes. */
interface PausedRun {
  child: ResultPromise;
  stderr: () => string;
}

function startPaused(args: readonly string[], cache: string, point: string): PausedRun {
  const child = execa(process.execPath, [join(projectRoot, 'bin', 'emb.js'), ...args], {
    cwd: projectRoot,
    env: { ...env, EMB_CACHE_DIR: cache, EMB_FAULT_PAUSE: point },
    reject: false,
    detached: true,
    timeout: 20 * 60_000,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { child, stderr: () => stderr };
}

/** Waits (bounded) for emb to freeze at `point`, then SIGKILLs its process group and waits until none of it is left. */
async function killAt(run: PausedRun, point: string, seconds: number): Promise<void> {
  const pid = run.child.pid;
  if (pid === undefined) throw new Error('emb did not start');
  let killing = false;
  const ended = run.child.then(() => {
    if (!killing) throw new Error(`emb ended without reaching fault point ${point}:\n${run.stderr().slice(-3000)}`);
  });
  try {
    await Promise.race([
      ended,
      waitFor(
        `emb to pause at fault point ${point}`,
        seconds,
        async () => (run.stderr().includes(`EMB-FAULT-PAUSED ${point}\n`) ? true : undefined),
        100,
      ),
    ]);
  } finally {
    // Paused or not (a point never reached fails the test), nothing of the run outlives it.
    killing = true;
    if (isProcessAlive(-pid)) process.kill(-pid, 'SIGKILL');
    await ended;
    await waitFor(`the killed run's processes (group ${pid}) to be gone`, 30, async () => (isProcessAlive(-pid) ? undefined : true), 100);
  }
}

interface Setup {
  cache: string;
  keyFiles: Record<Variant, string>;
  /** The uninterrupted builds' files. */
  dist: Record<Variant, Record<string, string>>;
  distDirs: Record<Variant, string>;
  manifest: {
    sources: Record<string, { key: string; identity: string }>;
    kernel: { sha256: string };
  };
  inventories: Record<Variant, string>;
  trees: Record<Variant, Record<string, string>>;
}

let setup: Setup;

before(
  async () => {
    const work = await scratch('kill-points');
    const keyFiles = { old: join(work, 'old.pub'), new: join(work, 'new.pub') };
    for (const variant of ['old', 'new'] as const) await writeFile(keyFiles[variant], `${keys[variant]}\n`);
    // The uninterrupted references, built with the shared cache (which warms it for the board).
    const distDirs = { old: await scratch('kill-ref-old'), new: await scratch('kill-ref-new') };
    const dist = {} as Record<Variant, Record<string, string>>;
    for (const variant of ['old', 'new'] as const) {
      const result = await runEmb(buildArgs(distDirs[variant], keyFiles[variant]), env);
      assert.equal(result.exitCode, 0, `reference build (${variant}) failed:\n${result.stdout}\n${result.stderr}`);
      const view = await viewOf(join(distDirs[variant], board));
      assert.ok(view !== undefined);
      dist[variant] = view;
    }
    assert.notDeepEqual(dist.old, dist.new, 'the two keys make two images');
    const manifest = JSON.parse(await readFile(join(distDirs.old, board, 'manifest.json'), 'utf8')) as Setup['manifest'];

    // The private cache: hard links to the shared one (emb replaces cache files by rename, never writes into one).
    const cache = join(work, 'cache');
    await mkdir(cache);
    // What a sopine build reads: package builds, downloads, its unpacked kernel, the layers.
    await mkdir(join(cache, 'kernels'));
    for (const part of ['apt-index', 'artifacts', 'downloads', join('kernels', manifest.kernel.sha256), 'packed-layers', 'ro-layers']) {
      if (await lstat(join(cacheDir(), part)).catch(() => undefined)) await execa('cp', ['-al', join(cacheDir(), part), join(cache, part)]);
    }

    // Two inventories: the same MACs, other host names, so every node's file differs too.
    const inventories = { old: join(work, 'old.yaml'), new: join(work, 'new.yaml') };
    const trees = {} as Record<Variant, Record<string, string>>;
    for (const variant of ['old', 'new'] as const) {
      await writeFile(
        inventories[variant],
        [
          'nodes:',
          `  - { mac: "52:54:00:4b:00:01", hostname: ${variant}-one, board: ${board} }`,
          `  - { mac: "52:54:00:4b:00:02", hostname: ${variant}-two, board: ${board} }`,
          '',
        ].join('\n'),
      );
      const tree = join(await scratch('kill-tree-ref'), 'tree');
      const result = await runEmb(pxeArgs(inventories[variant], tree, distDirs[variant], keyFiles[variant]), {
        ...env,
        EMB_CACHE_DIR: cache,
      });
      assert.equal(result.exitCode, 0, `reference emb pxe (${variant}) failed:\n${result.stdout}\n${result.stderr}`);
      const view = await viewOf(tree);
      assert.ok(view !== undefined);
      trees[variant] = view;
    }
    assert.notDeepEqual(trees.old, trees.new);
    setup = { cache, keyFiles, dist, distDirs, manifest, inventories, trees };
  },
  { timeout: 30 * 60_000 },
);

function buildArgs(out: string, keyFile: string): string[] {
  return ['build', '--board', board, '--out', out, '--zstd-level', '1', '--authorized-keys', keyFile];
}

function pxeArgs(inventory: string, tree: string, dist: string, keyFile: string): string[] {
  return ['pxe', '--inventory', inventory, '--out', tree, '--dist', dist, '--zstd-level', '1', '--authorized-keys', keyFile];
}

/** A package's cache entry (its three files) goes, so the next build makes it again. */
async function dropArtifact(cache: string, name: string): Promise<void> {
  const key = setup.manifest.sources[name]?.key;
  assert.ok(key, `the manifest names ${name}'s cache key`);
  for (const suffix of ['.tar', '.dev.tar', '.json']) await rm(join(cache, 'artifacts', `${key}${suffix}`), { force: true });
}

/** The download a package came from: "debian:runit:arm64=…@<sha256>" or "tarball:<sha256>". */
async function dropDownload(cache: string, name: string): Promise<void> {
  const sha256 = /([0-9a-f]{64})$/.exec(setup.manifest.sources[name]?.identity ?? '')?.[1];
  assert.ok(sha256, `the manifest names ${name}'s download`);
  await rm(join(cache, 'downloads', sha256), { recursive: true, force: true });
}

async function emptyFolder(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  await mkdir(path, { recursive: true });
}

/**
 * A point to kill at: what must be removed from the cache first for the build to reach
 * it, how long it may take to get there, and which set dist/ (or the tree) holds after
 * the kill: the old one, except past the switch. 'aside': a folder an older emb wrote
 * (a real folder, not a link) is being replaced; between the two renames the path is
 * missing and the aside folder holds the whole old set, which the next run puts back.
 */
interface KillPoint {
  name: string;
  prepare?: (cache: string, out: string) => Promise<void>;
  seconds?: number;
  holds?: 'old' | 'new' | 'aside';
  /** What the kill left in the cache, checked before the rerun. */
  leftInCache?: (cache: string) => Promise<void>;
}

/** A package's cache entry was being written: its runtime tar has no final name, only a temp one may be there. */
async function entryIncomplete(cache: string, name: string): Promise<void> {
  const key = setup.manifest.sources[name]?.key ?? '';
  const files = await readdir(join(cache, 'artifacts'));
  assert.ok(!files.includes(`${key}.tar`), `${name}'s half-made entry never got its final name`);
  for (const file of files.filter((entry) => entry.includes(key))) assert.match(file, /^(\.tmp-.*|[0-9a-f]{64}\.(dev\.tar|json))$/);
}

/** A real folder with the files the link points at: dist/<board> or a tree as an emb before generations left it. */
async function unlinkedCopy(path: string): Promise<void> {
  const target = join(dirname(path), await readlink(path));
  await rm(path);
  await cp(target, path, { recursive: true });
}

const buildPoints: KillPoint[] = [
  {
    name: 'download-stream',
    prepare: async (cache) => {
      await dropArtifact(cache, 'zlib');
      await dropDownload(cache, 'zlib');
    },
    seconds: 300,
  },
  {
    name: 'package-compile',
    prepare: (cache) => dropArtifact(cache, 'zlib'),
    seconds: 300,
    leftInCache: async (cache) => {
      assert.match(await readFile(join(cache, 'logs', 'zlib-aarch64.log'), 'utf8'), /^\$ make /m, 'killed once make had started');
      await entryIncomplete(cache, 'zlib');
    },
  },
  {
    name: 'apt-download',
    prepare: async (cache) => {
      await dropArtifact(cache, 'runit');
      await dropDownload(cache, 'runit');
    },
    seconds: 300,
  },
  { name: 'deb-extract', prepare: (cache) => dropArtifact(cache, 'runit') },
  {
    name: 'artifact-write',
    prepare: (cache) => dropArtifact(cache, 'runit'),
    leftInCache: async (cache) => {
      await entryIncomplete(cache, 'runit');
      const key = setup.manifest.sources.runit?.key ?? '';
      assert.ok(
        (await readdir(join(cache, 'artifacts'))).some((file) => file.startsWith('.tmp-') && file.includes(key)),
        'a temp tar was being written',
      );
    },
  },
  { name: 'artifact-meta', prepare: (cache) => dropArtifact(cache, 'runit'), leftInCache: (cache) => entryIncomplete(cache, 'runit') },
  {
    name: 'kernel-extract',
    prepare: (cache) => rm(join(cache, 'kernels', setup.manifest.kernel.sha256), { recursive: true, force: true }),
    seconds: 300,
  },
  { name: 'kernel' },
  { name: 'dtb' },
  { name: 'modules' },
  { name: 'assemble' },
  { name: 'squashfs', prepare: (cache) => emptyFolder(join(cache, 'ro-layers')) },
  { name: 'packed-layer-write', prepare: (cache) => emptyFolder(join(cache, 'packed-layers')) },
  { name: 'pack' },
  { name: 'pack-frame' },
  { name: 'dist-file' },
  { name: 'manifest' },
  { name: 'dist-swap' },
  { name: 'dist-swapped', holds: 'new' },
  { name: 'dist-aside', prepare: (_cache, out) => unlinkedCopy(join(out, board)), holds: 'aside' },
];

const pxePoints: KillPoint[] = [
  { name: 'pxe-tree-file' },
  { name: 'pxe-tree-state' },
  { name: 'pxe-tree-swap' },
  { name: 'pxe-tree-swapped', holds: 'new' },
  { name: 'pxe-tree-aside', prepare: (_cache, tree) => unlinkedCopy(tree), holds: 'aside' },
];

/** What a killed run left at `path`: the set it holds, or for 'aside' the set in the folder moved aside. */
async function viewAfterKill(path: string, holds: KillPoint['holds']): Promise<Record<string, string> | undefined> {
  if (holds !== 'aside') return viewOf(path);
  assert.equal(await lstat(path).catch(() => undefined), undefined, `${path} is missing between the two renames`);
  const parent = dirname(path);
  const name = path.slice(parent.length + 1);
  const aside = (await readdir(parent)).filter((entry) => entry.startsWith(`.${name}.old-`));
  assert.equal(aside.length, 1, `one aside folder beside ${path}: ${aside.join(' ')}`);
  return viewOf(join(parent, aside[0] ?? ''));
}

test('emb build killed at each point leaves dist/ old or new, and a plain rebuild gives the uninterrupted image', {
  timeout: 40 * 60_000,
}, async () => {
  const { cache, keyFiles, dist } = setup;
  const out = await scratch('kill-dist');
  let holds: Variant = 'old';
  const first = await runEmb(buildArgs(out, keyFiles.old), { ...env, EMB_CACHE_DIR: cache });
  assert.equal(first.exitCode, 0, String(first.stderr));
  assert.deepEqual(await viewOf(join(out, board)), dist.old);
  for (const point of buildPoints) {
    const next: Variant = other(holds);
    await point.prepare?.(cache, out);
    const run = startPaused(buildArgs(out, keyFiles[next]), cache, point.name);
    await killAt(run, point.name, point.seconds ?? 120);
    await point.leftInCache?.(cache);
    const expected: Variant = point.holds === 'new' ? next : holds;
    assert.deepEqual(
      await viewAfterKill(join(out, board), point.holds),
      dist[expected],
      `killed at ${point.name}: dist/${board} holds wholly the ${expected === holds ? 'old' : 'new'} image`,
    );
    const rebuilt = await runEmb(buildArgs(out, keyFiles[next]), { ...env, EMB_CACHE_DIR: cache });
    assert.equal(rebuilt.exitCode, 0, `the build after a kill at ${point.name} failed:\n${rebuilt.stdout}\n${rebuilt.stderr}`);
    assert.deepEqual(
      await viewOf(join(out, board)),
      dist[next],
      `after a kill at ${point.name}, the rebuild equals the uninterrupted build`,
    );
    const left = (await readdir(out)).filter((entry) => entry !== board);
    assert.deepEqual(
      left,
      [(await readlink(join(out, board))).toString()],
      `after a kill at ${point.name} and a rebuild, only the current generation is left in ${out}: ${left.join(' ')}`,
    );
    holds = next;
  }
  // What the killed package builds left in the cache (temp files) is for `emb cache gc`.
  const gc = await runEmb(['cache', 'gc'], { ...env, EMB_CACHE_DIR: cache });
  assert.equal(gc.exitCode, 0, String(gc.stderr));
  assert.match(String(gc.stdout), /\.tmp-.*left by a killed run/);
});

test('emb pxe killed at each point leaves the tree old or new, and a plain rerun gives the uninterrupted tree', {
  timeout: 20 * 60_000,
}, async () => {
  const { cache, keyFiles, distDirs, inventories, trees } = setup;
  const tree = join(await scratch('kill-tree'), 'tree');
  const args = (variant: Variant): string[] => pxeArgs(inventories[variant], tree, distDirs[variant], keyFiles[variant]);
  let holds: Variant = 'old';
  const first = await runEmb(args('old'), { ...env, EMB_CACHE_DIR: cache });
  assert.equal(first.exitCode, 0, String(first.stderr));
  assert.deepEqual(await viewOf(tree), trees.old);
  for (const point of pxePoints) {
    const next: Variant = other(holds);
    await point.prepare?.(cache, tree);
    const run = startPaused(args(next), cache, point.name);
    await killAt(run, point.name, point.seconds ?? 120);
    const expected: Variant = point.holds === 'new' ? next : holds;
    assert.deepEqual(
      await viewAfterKill(tree, point.holds),
      trees[expected],
      `killed at ${point.name}: the tree holds wholly the ${expected === holds ? 'old' : 'new'} set`,
    );
    const rerun = await runEmb(args(next), { ...env, EMB_CACHE_DIR: cache });
    assert.equal(rerun.exitCode, 0, `emb pxe after a kill at ${point.name} failed:\n${rerun.stdout}\n${rerun.stderr}`);
    assert.deepEqual(await viewOf(tree), trees[next], `after a kill at ${point.name}, the rerun equals the uninterrupted tree`);
    holds = next;
  }
  assert.ok((await lstat(tree)).isSymbolicLink(), 'the tree is a link to its current generation');
  const left = (await readdir(dirname(tree))).filter((entry) => entry !== 'tree');
  assert.deepEqual(left, [(await readlink(tree)).toString()], `only the current generation is left beside the tree: ${left.join(' ')}`);
});
