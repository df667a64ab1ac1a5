/**
 * The docker toolchain for real: make the base image with debootstrap and the
 * toolchain image from toolchain/Dockerfile through the CLI, then build busybox with
 * it and with the host toolchain. Both artifacts must hold the same files, and every
 * file the docker build leaves in its cache must belong to the user who ran emb.
 * Skipped when no Docker engine can be made to answer (see ensureDockerEngine; Debian
 * package docker.io), failed instead under CI=true.
 */
import assert from 'node:assert/strict';
import { chown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa, type Result } from 'execa';
import { projectRoot } from '../../src/paths.ts';
import { toolchainImageTag } from '../../src/toolchain/toolchain-image.ts';
import { ensureDockerEngine } from '../helpers/docker-engine.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';
import { skipOrFail } from '../helpers/skip-or-fail.ts';

const unavailable = await ensureDockerEngine();
const minutes = 60_000;

/**
 * As root, the docker build runs as nobody with only the docker group (setpriv), so
 * "owned by the invoking user" cannot pass by everything being root's.
 */
async function nonRootDockerUser(): Promise<{ uid: number; gid: number; dockerGid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const group = await execa('getent', ['group', 'docker'], { reject: false });
  const dockerGid = Number(group.stdout.split(':')[2]);
  return group.exitCode === 0 && Number.isInteger(dockerGid) ? { uid: 65534, gid: 65534, dockerGid } : undefined;
}

/** `emb package build busybox --arch aarch64` with its own cache; as `user` when given. */
async function buildBusybox(
  toolchain: 'docker' | 'host',
  cacheRoot: string,
  user?: { uid: number; gid: number; dockerGid: number },
): Promise<Result> {
  const args = ['package', 'build', 'busybox', '--arch', 'aarch64', '--toolchain', toolchain];
  if (!user) return runEmb(args, { EMB_CACHE_DIR: cacheRoot }, 30 * minutes);
  await chown(cacheRoot, user.uid, user.gid);
  const setpriv = [`--reuid=${user.uid}`, `--regid=${user.gid}`, `--groups=${user.dockerGid}`];
  return execa('setpriv', [...setpriv, process.execPath, join(projectRoot, 'bin', 'emb.js'), ...args], {
    cwd: projectRoot,
    env: { CI: 'true', HOME: '/tmp', EMB_CACHE_DIR: cacheRoot },
    reject: false,
    timeout: 30 * minutes,
  });
}

function artifactPath(result: Result): string {
  const line = String(result.stdout)
    .split('\n')
    .map((text) => text.trim())
    .find((text) => text.startsWith('artifact: '));
  assert.ok(line, `emb package build printed no "artifact: <path>" line:\n${result.stdout}\n${result.stderr}`);
  return line.slice('artifact: '.length);
}

async function filesInTar(path: string): Promise<string[]> {
  return (await execa('tar', ['-tf', path])).stdout.split('\n').filter(Boolean).sort();
}

/** Every entry under `dir` (folders too) whose owner is not `uid`. */
async function entriesNotOwnedBy(dir: string, uid: number): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const wrong: string[] = [];
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    const stats = await lstat(path);
    if (stats.uid !== uid) wrong.push(`${path.slice(dir.length + 1)} (uid ${stats.uid})`);
  }
  return wrong;
}

test('emb toolchain base, then emb toolchain build, give the tagged toolchain image', { timeout: 30 * minutes }, async (t) => {
  if (unavailable) return skipOrFail(t, unavailable);
  const cacheRoot = await tempDir('toolchain-cache');
  const base = await runEmb(['toolchain', 'base'], { EMB_CACHE_DIR: cacheRoot }, 10 * minutes);
  assert.equal(base.exitCode, 0, `emb toolchain base failed:\n${base.stdout}\n${base.stderr}`);
  assert.match(String(base.stdout), /^debian:bookworm (exists|imported)/m);
  const build = await runEmb(['toolchain', 'build'], { EMB_CACHE_DIR: cacheRoot }, 20 * minutes);
  assert.equal(build.exitCode, 0, `emb toolchain build failed:\n${build.stdout}\n${build.stderr}`);
  const tag = await toolchainImageTag();
  assert.match(
    String(build.stdout),
    new RegExp(`^toolchain image ${tag} \\(also emb-toolchain:latest\\): sha256:[0-9a-f]{64}, [\\d.]+ MiB`, 'm'),
  );
});

test('busybox built in docker has the files of busybox built on the host, all owned by the invoking user', {
  timeout: 60 * minutes,
}, async (t) => {
  if (unavailable) return skipOrFail(t, unavailable);
  const user = await nonRootDockerUser();
  const dockerCache = await tempDir('docker-cache');
  const docker = await buildBusybox('docker', dockerCache, user);
  assert.equal(docker.exitCode, 0, `docker build of busybox failed:\n${docker.stdout}\n${docker.stderr}`);
  const hostCache = await tempDir('host-cache');
  const host = await buildBusybox('host', hostCache);
  assert.equal(host.exitCode, 0, `host build of busybox failed:\n${host.stdout}\n${host.stderr}`);

  const dockerFiles = await filesInTar(artifactPath(docker));
  assert.ok(
    dockerFiles.some((file) => /(^|\/)bin\/busybox$/.test(file)),
    `the artifact holds bin/busybox:\n${dockerFiles.join('\n')}`,
  );
  assert.deepEqual(dockerFiles, await filesInTar(artifactPath(host)));

  const owner = user?.uid ?? process.getuid!();
  assert.deepEqual(await entriesNotOwnedBy(dockerCache, owner), [], `everything in the docker build's cache belongs to uid ${owner}`);
});
