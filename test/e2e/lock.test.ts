/**
 * emb.lock for real: `emb package build libxcrypt` (libcrypt1 and libc6 imported from
 * Debian) with a private cache and a copy of the lock. A pinned version apt no longer
 * offers comes from a Debian mirror's pool (a loopback HTTP server standing in for a
 * snapshot mirror: none can be reached from here) or fails in one line; --locked
 * refuses a package the lock lacks and a plain build pins it; a damaged cached .deb is
 * hashed again and fetched again; a recipe whose version disagrees with its import is
 * refused; `emb lock --update` says what moved and `emb lock --check` proves the
 * committed lock complete for every board.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { cp, link, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256OfFile } from '../../src/fs/hash.ts';
import { cacheDir, lockFilePath, projectRoot } from '../../src/paths.ts';
import { errorLines, filesUnder, runEmb, scratchDirs } from '../helpers/run-emb.ts';

interface Pin {
  architecture: string;
  version: string;
  sha256: string;
  filename: string;
  depends: string;
  apt: 'host' | 'private';
}
type Lock = { lockVersion: 1; about?: string; packages: Record<string, Pin> };

const { scratch, removeAll } = scratchDirs();
const committed: Lock = JSON.parse(await readFile(lockFilePath({}), 'utf8'));
const libcrypt = committed.packages['libcrypt1:arm64']!;
const libc = committed.packages['libc6:arm64']!;
const sharedDownloads = join(cacheDir({}), 'downloads');

/** The .deb of a pin, from the shared cache (other tests and set-up fetched it), or apt once. */
async function debOf(pin: Pin): Promise<string> {
  return join(sharedDownloads, pin.sha256, pin.filename.split('/').pop()!);
}

// A Debian mirror on loopback: serves the pool paths it is given, 404 for the rest, and
// remembers what was asked.
const served = new Map<string, string>();
const asked: string[] = [];
let server: Server;
let mirror = '';
before(async () => {
  // The shared cache holds both .debs once any aarch64 build ran; fetch them if not.
  for (const pin of [libcrypt, libc]) {
    const have = await sha256OfFile(await debOf(pin)).catch(() => undefined);
    if (have !== pin.sha256) {
      const warm = await runEmb(['package', 'build', 'libxcrypt', '--arch', 'aarch64']);
      assert.equal(warm.exitCode, 0, String(warm.stderr));
    }
  }
  server = createServer((request, response) => {
    const path = decodeURIComponent(request.url ?? '').replace(/^\/debian\//, '');
    asked.push(path);
    const file = served.get(path);
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200);
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/debian`;
});
after(async () => {
  server?.close();
  await removeAll();
});

/** A copy of the committed lock with `edit` applied, as EMB_LOCK_FILE. */
async function lockWith(edit: (packages: Record<string, Pin>) => void): Promise<string> {
  const lock: Lock = structuredClone(committed);
  edit(lock.packages);
  const file = join(await scratch('lock'), 'emb.lock');
  await writeFile(file, `${JSON.stringify(lock, null, 2)}\n`);
  return file;
}

/** A private cache holding the given pins' .debs (hard links, or copies when a test will damage one). */
async function cacheWith(pins: readonly Pin[], how: 'link' | 'copy' = 'link'): Promise<string> {
  const cache = await scratch('cache');
  for (const pin of pins) {
    const from = await debOf(pin);
    const dir = join(cache, 'downloads', pin.sha256);
    await mkdir(dir, { recursive: true });
    const to = join(dir, from.split('/').pop()!);
    if (how === 'link') await link(from, to);
    else await cp(from, to);
  }
  return cache;
}

function buildLibxcrypt(env: Record<string, string>, extra: string[] = []) {
  return runEmb(['package', 'build', 'libxcrypt', '--arch', 'aarch64', ...extra], env);
}

test('a pinned version apt no longer offers is fetched by its pool path from a Debian mirror, and the pin stays', async () => {
  const pinned = '1:4.4.33-1~snapshot';
  const lock = await lockWith((packages) => {
    packages['libcrypt1:arm64'] = { ...libcrypt, version: pinned };
  });
  served.set(libcrypt.filename, await debOf(libcrypt));
  const cache = await cacheWith([libc]);
  const result = await buildLibxcrypt({ EMB_LOCK_FILE: lock, EMB_CACHE_DIR: cache, EMB_DEBIAN_MIRROR: mirror });
  assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
  assert.ok(asked.includes(libcrypt.filename), `the mirror was asked for the pool path: ${asked.join(', ')}`);
  assert.equal(await sha256OfFile(join(cache, 'downloads', libcrypt.sha256, libcrypt.filename.split('/').pop()!)), libcrypt.sha256);
  const after: Lock = JSON.parse(await readFile(lock, 'utf8'));
  assert.equal(after.packages['libcrypt1:arm64']?.version, pinned, 'a build never moves a pin');
  served.clear();
});

test('a pinned version no mirror has any more is one line naming emb lock --update and a snapshot mirror; nothing is kept', async () => {
  const gone = '1:4.4.33-0gone';
  const lock = await lockWith((packages) => {
    packages['libcrypt1:arm64'] = {
      ...libcrypt,
      version: gone,
      sha256: '0'.repeat(64),
      filename: 'pool/main/libx/libxcrypt/libcrypt1_4.4.33-0gone_arm64.deb',
    };
  });
  const cache = await cacheWith([libc]);
  const result = await buildLibxcrypt({ EMB_LOCK_FILE: lock, EMB_CACHE_DIR: cache, EMB_DEBIAN_MIRROR: mirror });
  assert.notEqual(result.exitCode, 0);
  const lines = errorLines(result);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(
    lines[0]!,
    /^emb: libxcrypt: libcrypt1:arm64 1:4\.4\.33-0gone \(as emb\.lock pins it\) cannot be downloaded: apt-get download: .*127\.0\.0\.1.*HTTP 404/,
  );
  assert.match(lines[0]!, /run `emb lock --update`.*snapshot mirror/);
  const left = await filesUnder(join(cache, 'downloads'));
  assert.ok(
    left.every((file) => file.startsWith(`${libc.sha256}/`)),
    `only the seeded .deb is in the cache:\n${left.join('\n')}`,
  );
  assert.deepEqual(await filesUnder(join(cache, 'artifacts')), []);
});

test('--locked refuses a package the lock lacks in one line; a plain build pins it', async () => {
  const lock = await lockWith((packages) => {
    delete packages['libcrypt1:arm64'];
  });
  const cache = await cacheWith([libc, libcrypt]);
  const refused = await buildLibxcrypt({ EMB_LOCK_FILE: lock, EMB_CACHE_DIR: cache }, ['--locked']);
  assert.notEqual(refused.exitCode, 0);
  assert.deepEqual(errorLines(refused).length, 1, String(refused.stderr));
  assert.match(errorLines(refused)[0]!, /^emb: libcrypt1:arm64 is not pinned in .*emb\.lock and the build is --locked \(run emb lock/);
  const pinned = await buildLibxcrypt({ EMB_LOCK_FILE: lock, EMB_CACHE_DIR: cache });
  assert.equal(pinned.exitCode, 0, String(pinned.stderr));
  const after: Lock = JSON.parse(await readFile(lock, 'utf8'));
  const added = after.packages['libcrypt1:arm64'];
  assert.ok(added, 'the plain build pinned libcrypt1:arm64');
  assert.match(added.version, /^1:4\.4\.33-/);
  assert.match(added.sha256, /^[0-9a-f]{64}$/);
  assert.match(added.filename, /^pool\/main\/libx\/libxcrypt\/libcrypt1_.*_arm64\.deb$/);
});

test('a cached .deb whose bytes changed on disk is hashed again before the build reads it, and fetched again', async () => {
  const cache = await cacheWith([libc, libcrypt], 'copy');
  const deb = join(cache, 'downloads', libcrypt.sha256, libcrypt.filename.split('/').pop()!);
  const bytes = await readFile(deb);
  bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
  await writeFile(deb, bytes);
  const result = await buildLibxcrypt({ EMB_CACHE_DIR: cache });
  assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
  assert.equal(await sha256OfFile(deb), libcrypt.sha256, 'the damaged file was replaced by the right bytes');
});

test("a recipe whose version is not the imported package's is refused before anything is built", async () => {
  // Recipes import ../../src/define.ts and are ES modules: mirror the project's layout.
  const root = await scratch('project');
  const packages = join(root, 'packages');
  await cp(join(projectRoot, 'packages'), packages, { recursive: true });
  await symlink(join(projectRoot, 'src'), join(root, 'src'));
  await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
  const recipe = join(packages, 'libxcrypt', 'recipe.ts');
  await writeFile(recipe, (await readFile(recipe, 'utf8')).replace("version: '4.4.33'", "version: '4.5.0'"));
  const cache = await cacheWith([libc, libcrypt]);
  const result = await buildLibxcrypt({ EMB_PACKAGES_DIR: packages, EMB_CACHE_DIR: cache });
  assert.notEqual(result.exitCode, 0);
  const lines = errorLines(result);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(
    lines[0]!,
    /libxcrypt\/recipe\.ts: declares version 4\.5\.0, but imports libcrypt1:arm64 1:4\.4\.33-\S+ \(upstream 4\.4\.33\) \(set version: '4\.4\.33'/,
  );
  assert.deepEqual(await filesUnder(join(cache, 'artifacts')), []);
});

test('emb lock --update prints what moved and writes it; emb lock --check passes on the committed lock', async () => {
  const lock = await lockWith((packages) => {
    packages['libcrypt1:arm64'] = { ...libcrypt, version: '1:4.4.33-1', sha256: 'f'.repeat(64) };
    packages['no-such-package:arm64'] = { ...libcrypt, version: '1.0-1' };
  });
  const update = await runEmb(['lock', '--update', '--board', 'qemu-aarch64'], { EMB_LOCK_FILE: lock });
  assert.equal(update.exitCode, 0, String(update.stderr));
  const lines = String(update.stdout).split('\n');
  assert.ok(lines.includes(`~ libcrypt1:arm64 1:4.4.33-1 → ${libcrypt.version}`), String(update.stdout));
  assert.ok(lines.includes('- no-such-package:arm64 1.0-1'), String(update.stdout));
  const after: Lock = JSON.parse(await readFile(lock, 'utf8'));
  assert.equal(after.packages['libcrypt1:arm64']?.sha256, libcrypt.sha256);
  assert.equal(after.packages['no-such-package:arm64'], undefined);

  const check = await runEmb(['lock', '--check']);
  assert.equal(check.exitCode, 0, `the committed emb.lock lacks a package a board imports:\n${check.stdout}\n${check.stderr}`);
  assert.match(String(check.stdout), /emb\.lock: complete, \d+ packages pinned for \d+ boards/);
});
