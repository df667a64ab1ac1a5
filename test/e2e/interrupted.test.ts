/**
 * A build killed with SIGKILL (1) in the middle of compiling busybox and (2) in the
 * middle of writing a cache entry leaves nothing a later build trusts: the next build
 * completes and its image is byte-identical to an uninterrupted build's.
 * The whole process group is killed, as a lost terminal or an OOM kill of the group
 * would: make and the compilers die with emb.
 */
import assert from 'node:assert/strict';
import { cp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import { cacheDir, projectRoot } from '../../src/paths.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';
import { waitFor } from '../helpers/wait-for.ts';

const board = 'qemu-aarch64';

function startBuild(cache: string, out: string, extraEnv: Record<string, string> = {}): ResultPromise {
  return execa(process.execPath, [join(projectRoot, 'bin', 'emb.js'), 'build', '--board', board, '--out', out], {
    cwd: projectRoot,
    env: { CI: 'true', EMB_TOOLCHAIN: 'host', EMB_CACHE_DIR: cache, ...extraEnv },
    reject: false,
    detached: true,
    timeout: 20 * 60_000,
  });
}

/** SIGKILLs the build's process group and waits (bounded) until no process of it is left. */
async function killGroup(child: ResultPromise): Promise<void> {
  process.kill(-child.pid!, 'SIGKILL');
  await child;
  await waitFor("the killed build's processes to be gone", 30, async () => (groupAlive(child.pid!) ? undefined : true), 100);
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function lineCount(file: string): Promise<number> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').length;
}

async function imageOf(out: string): Promise<Buffer> {
  return readFile(join(out, board, 'initramfs.zst'));
}

test('killed mid-compile and mid-cache-write, the next builds give the same image', { timeout: 30 * 60_000 }, async () => {
  // The uninterrupted reference, from the shared cache the other tests filled.
  const referenceOut = await tempDir('dist');
  const reference = await runEmb(['build', '--board', board, '--out', referenceOut]);
  assert.equal(reference.exitCode, 0, String(reference.stderr));

  // A private cache with the downloads only: every package is built again.
  const cache = await tempDir('cache-kill');
  await cp(join(cacheDir(), 'downloads'), join(cache, 'downloads'), { recursive: true });
  await cp(join(cacheDir(), 'apt-index'), join(cache, 'apt-index'), { recursive: true });

  // (1) SIGKILL while make compiles busybox.
  const busyboxLog = join(cache, 'logs', 'busybox-aarch64.log');
  const first = startBuild(cache, await tempDir('dist'));
  await waitFor('busybox to be half compiled', 600, async () => ((await lineCount(busyboxLog)) > 150 ? true : undefined), 200);
  await killGroup(first);
  const artifacts: string[] = await readdir(join(cache, 'artifacts')).catch(() => []);
  const complete = artifacts.filter((name) => /^[0-9a-f]{64}\.tar$/.test(name));
  for (const name of complete) assert.ok(artifacts.includes(name.replace('.tar', '.json')), `${name} has its metadata`);

  const resumedOut = await tempDir('dist');
  const resumed = await runEmb(['build', '--board', board, '--out', resumedOut], { EMB_CACHE_DIR: cache });
  assert.equal(resumed.exitCode, 0, `build after the kill failed:\n${resumed.stdout}\n${resumed.stderr}`);
  assert.match(String(resumed.stdout), /aarch64\/busybox/, 'busybox was built again');
  assert.ok((await imageOf(resumedOut)).equals(await imageOf(referenceOut)), 'image after a kill mid-compile equals the uninterrupted one');

  // (2) SIGKILL while a cache entry is being written: drop glibc's entry so it is
  // written again, and freeze emb half-way through writing its runtime tar.
  const glibcKey = (
    JSON.parse(await readFile(join(resumedOut, board, 'manifest.json'), 'utf8')) as { sources: Record<string, { key: string }> }
  ).sources.glibc!.key;
  for (const suffix of ['.tar', '.dev.tar', '.json']) await rm(join(cache, 'artifacts', `${glibcKey}${suffix}`));
  const second = startBuild(cache, await tempDir('dist'), { EMB_FAULT_PAUSE: 'artifact-write' });
  let stderr = '';
  second.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor('the cache write to pause', 300, async () => (stderr.includes('EMB-FAULT-PAUSED artifact-write') ? true : undefined), 200);
  const during = await readdir(join(cache, 'artifacts'));
  assert.ok(
    during.some((name) => name.startsWith('.tmp-') && name.endsWith(`${glibcKey}.tar`)),
    `a temp file is being written: ${during.join(' ')}`,
  );
  await killGroup(second);
  const after = await readdir(join(cache, 'artifacts'));
  assert.ok(!after.includes(`${glibcKey}.tar`), 'the half-written entry never got its final name');
  for (const name of after.filter((entry) => entry.startsWith('.tmp-'))) assert.ok((await stat(join(cache, 'artifacts', name))).isFile());

  const finalOut = await tempDir('dist');
  const final = await runEmb(['build', '--board', board, '--out', finalOut], { EMB_CACHE_DIR: cache });
  assert.equal(final.exitCode, 0, `build after the second kill failed:\n${final.stdout}\n${final.stderr}`);
  assert.match(String(final.stdout), /built now: aarch64\/glibc$/m);
  assert.ok((await imageOf(finalOut)).equals(await imageOf(referenceOut)), 'image after a kill mid-write equals the uninterrupted one');

  const gc = await runEmb(['cache', 'gc'], { EMB_CACHE_DIR: cache });
  assert.equal(gc.exitCode, 0, String(gc.stderr));
  assert.match(String(gc.stdout), /\.tmp-.*left by a killed run/, 'gc removes what the killed runs left');
  assert.ok(!(await readdir(join(cache, 'artifacts'))).some((name) => name.startsWith('.tmp-')));
  const listed = await runEmb(['cache', 'ls'], { EMB_CACHE_DIR: cache });
  assert.match(String(listed.stdout), /^busybox +1\.37\.0 +aarch64 +[0-9a-f]{12} /m, 'cache ls shows the busybox build');
  assert.match(String(listed.stdout), /^glibc +2\.36 +armhf /m);
  await rm(cache, { recursive: true, force: true });
});
