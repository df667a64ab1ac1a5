/**
 * Mistakes a user can make: each ends in one line on stderr naming what and where,
 * a non-zero exit, and nothing written to the output dir or left half-written in
 * the cache. Runs the real CLI with a private cache and output dir.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveDebianPackage } from '../../src/fetch/debian-packages.ts';
import { downloadCachePath } from '../../src/fetch/download.ts';
import { errorLines, filesUnder, runEmb, tempDir } from '../helpers/run-emb.ts';

const validBoard = {
  name: 'test-board',
  description: 'a board made by the bad-input test',
  arch: 'aarch64',
  ramMiB: 512,
  bootloader: { kind: 'qemu', from: 'QEMU', maxInitrdMiB: 256 },
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  modules: ['virtio_net'],
  console: 'ttyAMA0',
  packages: ['busybox'],
};

async function boardsDirWith(board: Record<string, unknown>, name = 'test-board'): Promise<string> {
  const dir = await tempDir('boards');
  // As in the project, data files are ES modules.
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  await writeFile(join(dir, `${name}.ts`), `export default ${JSON.stringify(board, null, 2)};\n`);
  return dir;
}

/** Nothing in the output root, and nothing but finished entries in the cache. */
async function assertNothingHalfWritten(outRoot: string, cacheRoot: string): Promise<void> {
  assert.deepEqual(await filesUnder(outRoot), [], 'the output dir stays empty');
  const leftovers = (await filesUnder(cacheRoot)).filter(
    (file) => file.includes('.tmp-') || file.startsWith('downloads/') || file.startsWith('artifacts/'),
  );
  assert.deepEqual(leftovers, [], 'no temp files, downloads or artifacts are left in the cache');
}

function assertOneLineError(result: { exitCode?: number; stderr: unknown }, pattern: RegExp): void {
  assert.notEqual(result.exitCode, 0);
  const lines = errorLines(result as never);
  assert.equal(lines.length, 1, `one line on stderr, got:\n${lines.join('\n')}`);
  assert.match(lines[0]!, pattern);
}

test('an unknown board name lists the known boards', async () => {
  const outRoot = await tempDir('out');
  const cacheRoot = await tempDir('cache');
  const result = await runEmb(['build', '--board', 'no-such-board', '--out', outRoot], { EMB_CACHE_DIR: cacheRoot });
  assertOneLineError(result, /^emb: unknown board "no-such-board" \(known boards: .*qemu-aarch64.*\)$/);
  await assertNothingHalfWritten(outRoot, cacheRoot);
});

test('a board file with a wrong field type names the file and the field', async () => {
  const boards = await boardsDirWith({
    ...validBoard,
    modules: 'virtio_net',
    qemu: { binary: 'qemu-system-aarch64', machine: 'virt', cpu: 'max', memoryMiB: 512 },
  });
  const outRoot = await tempDir('out');
  const cacheRoot = await tempDir('cache');
  const result = await runEmb(['build', '--board', 'test-board', '--out', outRoot], { EMB_BOARDS_DIR: boards, EMB_CACHE_DIR: cacheRoot });
  assertOneLineError(result, /test-board\.ts: field "modules": .*array.*field "qemu\.cpu": use a real model/);
  await assertNothingHalfWritten(outRoot, cacheRoot);
});

test('a root password given as text instead of a hash is refused in one line', async () => {
  const outRoot = await tempDir('out');
  const cacheRoot = await tempDir('cache');
  const file = join(await tempDir('secret'), 'root-password');
  await writeFile(file, 'hunter2\n');
  const result = await runEmb(['build', '--out', outRoot, '--root-password-hash', file], { EMB_CACHE_DIR: cacheRoot });
  assertOneLineError(
    result,
    /^emb: --root-password-hash: .*root-password does not hold a yescrypt, SHA-512, SHA-256 or bcrypt hash \(give a file holding one crypt\(3\) hash/,
  );
  assert.doesNotMatch(String(result.stderr), /hunter2/, 'the text is not echoed back');
  await assertNothingHalfWritten(outRoot, cacheRoot);
});

test('a board that allows SSH password logins needs a root password hash', async () => {
  const boards = await boardsDirWith({ ...validBoard, ssh: { passwordLogin: true } });
  const outRoot = await tempDir('out');
  const cacheRoot = await tempDir('cache');
  const result = await runEmb(['build', '--board', 'test-board', '--out', outRoot], { EMB_BOARDS_DIR: boards, EMB_CACHE_DIR: cacheRoot });
  assertOneLineError(
    result,
    /^emb: board test-board allows SSH password logins \(ssh\.passwordLogin\) but the build has no root password \(add --root-password-hash FILE/,
  );
  await assertNothingHalfWritten(outRoot, cacheRoot);
});

test('a recipe whose source hash does not match: the download is not kept', { timeout: 120_000 }, async () => {
  const served = Buffer.from('these are not the bytes the recipe pinned\n');
  const server = createServer((_request, response) => response.end(served));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const packages = await tempDir('packages');
    await writeFile(join(packages, 'package.json'), '{"type":"module"}\n');
    await mkdir(join(packages, 'badhash'));
    const pinned = createHash('sha256').update('the real bytes').digest('hex');
    await writeFile(
      join(packages, 'badhash', 'recipe.ts'),
      `export default ${JSON.stringify({
        name: 'badhash',
        version: '1.0',
        license: 'MIT',
        description: 'a recipe with a wrong hash',
        arches: ['aarch64'],
        sources: [{ kind: 'tarball', url: `http://127.0.0.1:${port}/badhash-1.0.tar.gz`, sha256: pinned }],
      })};\n`,
    );
    const boards = await boardsDirWith({ ...validBoard, packages: ['badhash'] });
    const outRoot = await tempDir('out');
    const cacheRoot = await tempDir('cache');
    const result = await runEmb(['build', '--board', 'test-board', '--out', outRoot], {
      EMB_BOARDS_DIR: boards,
      EMB_PACKAGES_DIR: packages,
      EMB_CACHE_DIR: cacheRoot,
    });
    assertOneLineError(result, /^emb: badhash: .*badhash-1\.0\.tar\.gz: sha256 mismatch \(got [0-9a-f]{64}\)/);
    await assertNothingHalfWritten(outRoot, cacheRoot);
  } finally {
    server.close();
  }
});

test('a missing host tool names the Debian package to install', async () => {
  // A PATH with node and nothing else: the cross compiler, make, apt… are all missing.
  const bin = await tempDir('bin');
  await symlink(process.execPath, join(bin, 'node'));
  const outRoot = await tempDir('out');
  const cacheRoot = await tempDir('cache');
  const result = await runEmb(['build', '--out', outRoot], { PATH: bin, EMB_CACHE_DIR: cacheRoot });
  assertOneLineError(
    result,
    /^emb: missing host tools: .*aarch64-linux-gnu-gcc \(Debian package gcc-aarch64-linux-gnu\).*install with: apt-get install .*gcc-aarch64-linux-gnu/,
  );
  await assertNothingHalfWritten(outRoot, cacheRoot);
});

test('emb packages lists every recipe, as a table and as JSON', async () => {
  const table = await runEmb(['packages']);
  assert.equal(table.exitCode, 0, String(table.stderr));
  assert.match(String(table.stdout), /^NAME +VERSION +LICENSE +SOURCES +ARCHES$/m);
  assert.match(String(table.stdout), /^busybox +1\.37\.0 +GPL-2\.0-only +tarball,debian-orig +aarch64,armhf,amd64$/m);
  assert.match(String(table.stdout), /^runit +2\.1\.2 +BSD-3-Clause +tarball,debian-binary /m);
  const json = await runEmb(['packages', '--json']);
  const parsed = JSON.parse(String(json.stdout)) as { name: string; sources: string[] }[];
  assert.deepEqual(
    parsed.map((p) => p.name),
    [
      'boinc-client',
      'busybox',
      'curl',
      'dropbear',
      'e2fsprogs',
      'glibc',
      'libgcc',
      'libxcrypt',
      'node-exporter',
      'openssl',
      'openssl-headers',
      'runit',
      'u-boot-orangepi-pc',
      'zlib',
    ],
  );
  assert.deepEqual(parsed.find((p) => p.name === 'runit')?.sources, ['tarball', 'debian-binary']);
});

/** A packages/ folder holding the given recipes (plain objects; steps as JS source when given). */
async function packagesDirWith(recipes: { recipe: Record<string, unknown>; steps?: string }[]): Promise<string> {
  const dir = await tempDir('packages');
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  for (const { recipe, steps } of recipes) {
    await mkdir(join(dir, String(recipe.name)));
    const body = JSON.stringify({
      version: '1.0',
      license: 'MIT',
      description: 'made by the bad-input test',
      arches: ['aarch64'],
      ...recipe,
    });
    await writeFile(join(dir, String(recipe.name), 'recipe.ts'), `export default { ...${body}${steps ? `, steps: ${steps}` : ''} };\n`);
  }
  return dir;
}

const noSource = [{ kind: 'tarball', url: 'http://127.0.0.1:9/none.tar.gz', sha256: '0'.repeat(64) }];

test('a dependency cycle is an error naming the chain', async () => {
  const packages = await packagesDirWith([
    { recipe: { name: 'alpha', dependencies: ['beta'], sources: noSource } },
    { recipe: { name: 'beta', dependencies: ['alpha'], sources: noSource } },
  ]);
  const cacheRoot = await tempDir('cache');
  const result = await runEmb(['package', 'build', 'alpha', '--arch', 'aarch64'], { EMB_PACKAGES_DIR: packages, EMB_CACHE_DIR: cacheRoot });
  assertOneLineError(result, /^emb: dependency cycle: alpha -> beta -> alpha \(remove one of these dependencies\)$/);
  await assertNothingHalfWritten(await tempDir('out'), cacheRoot);
});

test('an unknown dependency is an error naming who needs it', async () => {
  const packages = await packagesDirWith([{ recipe: { name: 'gamma', dependencies: ['no-such-lib'], sources: noSource } }]);
  const cacheRoot = await tempDir('cache');
  const result = await runEmb(['package', 'build', 'gamma', '--arch', 'aarch64'], { EMB_PACKAGES_DIR: packages, EMB_CACHE_DIR: cacheRoot });
  assertOneLineError(result, /^emb: unknown package "no-such-lib" \(needed by gamma\)/);
  await assertNothingHalfWritten(await tempDir('out'), cacheRoot);
});

test('a source missing on every mirror: the error lists every place tried', { timeout: 120_000 }, async () => {
  const server = createServer((_request, response) => {
    response.statusCode = 404;
    response.end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const sha256 = createHash('sha256').update('anything').digest('hex');
    const packages = await packagesDirWith([
      {
        recipe: {
          name: 'nowhere',
          sources: [
            { kind: 'tarball', url: `${base}/upstream/nowhere-1.0.tar.gz`, sha256 },
            { kind: 'debian-orig', package: 'nowhere', file: 'nowhere_1.0.orig.tar.gz', sha256 },
          ],
        },
        steps: '() => []',
      },
    ]);
    const cacheRoot = await tempDir('cache');
    const env = {
      EMB_PACKAGES_DIR: packages,
      EMB_CACHE_DIR: cacheRoot,
      EMB_SOURCE_MIRRORS: `${base}/mirror-a,${base}/mirror-b`,
      EMB_DEBIAN_MIRROR: `${base}/debian`,
    };
    const result = await runEmb(['package', 'build', 'nowhere', '--arch', 'aarch64'], env);
    assertOneLineError(result, /^emb: nowhere: no source could be had: /);
    const line = errorLines(result)[0]!;
    for (const url of [
      `${base}/mirror-a/nowhere-1.0.tar.gz`,
      `${base}/mirror-b/nowhere-1.0.tar.gz`,
      `${base}/upstream/nowhere-1.0.tar.gz`,
      `${base}/debian/pool/main/n/nowhere/nowhere_1.0.orig.tar.gz`,
    ]) {
      assert.ok(line.includes(`${url}: HTTP 404`), `the error names ${url}:\n${line}`);
    }
    await assertNothingHalfWritten(await tempDir('out'), cacheRoot);
  } finally {
    server.close();
  }
});

test('a failing step: exit code, the last 50 lines of its log and the log path', { timeout: 120_000 }, async () => {
  const source = await tempDir('source');
  await mkdir(join(source, 'failing-1.0'));
  await writeFile(join(source, 'failing-1.0', 'README'), 'a source tree\n');
  await execa('tar', ['-czf', join(source, 'failing-1.0.tar.gz'), '-C', source, 'failing-1.0']);
  const tarball = await readFile(join(source, 'failing-1.0.tar.gz'));
  const server = createServer((_request, response) => response.end(tarball));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const packages = await packagesDirWith([
      {
        recipe: {
          name: 'failing',
          sources: [
            {
              kind: 'tarball',
              url: `http://127.0.0.1:${port}/failing-1.0.tar.gz`,
              sha256: createHash('sha256').update(tarball).digest('hex'),
            },
          ],
        },
        steps: `() => [{ run: ['sh', '-c', 'for i in $(seq 1 80); do echo "line $i"; done; exit 3'] }]`,
      },
    ]);
    const cacheRoot = await tempDir('cache');
    const result = await runEmb(['package', 'build', 'failing', '--arch', 'aarch64'], {
      EMB_PACKAGES_DIR: packages,
      EMB_CACHE_DIR: cacheRoot,
    });
    assert.equal(result.exitCode, 1);
    const stderr = String(result.stderr);
    const logFile = join(cacheRoot, 'logs', 'failing-aarch64.log');
    assert.match(
      errorLines(result)[0]!,
      new RegExp(`^emb: failing: step "sh -c for i in .*" failed with exit code 3; log: ${logFile.replaceAll('/', '\\/')}$`),
    );
    assert.match(stderr, /--- last 50 lines ---/);
    assert.match(stderr, /^line 31$/m);
    assert.match(stderr, /^line 80$/m);
    assert.doesNotMatch(stderr, /^line 30$/m, 'only the last 50 lines');
    assert.match(await readFile(logFile, 'utf8'), /^line 1$/m, 'the whole output is in the log');
    const cacheFiles = await filesUnder(cacheRoot);
    assert.deepEqual(
      cacheFiles.filter((file) => file.startsWith('artifacts/') || file.startsWith('work/') || file.includes('.tmp-')),
      [],
      'no artifact, work folder or temp file is left',
    );
  } finally {
    server.close();
  }
});

test('--offline with an empty cache names the package and the fix', async () => {
  const cacheRoot = await tempDir('cache');
  const result = await runEmb(['package', 'build', 'busybox', '--arch', 'aarch64', '--offline'], { EMB_CACHE_DIR: cacheRoot });
  assertOneLineError(result, /^emb: busybox: no source is in the cache and --offline is set \(run once without --offline\)$/);
  await assertNothingHalfWritten(await tempDir('out'), cacheRoot);
});

for (const value of ['abc', '-5', '99999999999999999999']) {
  test(`SOURCE_DATE_EPOCH=${value} is one line naming the variable, not an internal error`, async () => {
    const outRoot = await tempDir('out');
    const cacheRoot = await tempDir('cache');
    const result = await runEmb(['build', '--out', outRoot], { EMB_CACHE_DIR: cacheRoot, SOURCE_DATE_EPOCH: value });
    assert.equal(result.exitCode, 1, 'a user error, not exit 70');
    assertOneLineError(
      result,
      new RegExp(
        `^emb: SOURCE_DATE_EPOCH=${value} is (not a whole number of seconds|after 2106-02-07).*\\(unset it or give e\\.g\\. SOURCE_DATE_EPOCH=1700000000\\)$`,
      ),
    );
    await assertNothingHalfWritten(outRoot, cacheRoot);
  });
}

test('a damaged .deb in the download cache, --offline: hashed again, deleted, and one line naming the file and the fix', {
  timeout: 120_000,
}, async () => {
  const cacheRoot = await tempDir('cache');
  const libc = await resolveDebianPackage(cacheRoot, 'libc6', 'arm64');
  const damaged = downloadCachePath(cacheRoot, libc.sha256, libc.fileName);
  await mkdir(join(damaged, '..'), { recursive: true });
  await writeFile(damaged, 'the first bytes of a .deb, then the disk filled up\n');
  const result = await runEmb(['package', 'build', 'glibc', '--arch', 'aarch64', '--offline'], { EMB_CACHE_DIR: cacheRoot });
  assert.equal(result.exitCode, 1, 'a user error, not exit 70');
  const escaped = damaged.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  assertOneLineError(
    result,
    new RegExp(
      `^emb: ${escaped}: its bytes no longer have sha256 ${libc.sha256} \\(changed on disk since it was downloaded\\), so it was deleted \\(run again without --offline, which downloads it again\\)$`,
    ),
  );
  assert.deepEqual(await filesUnder(join(damaged, '..')), [], 'the damaged file is gone');
  assert.deepEqual(
    (await filesUnder(cacheRoot)).filter((file) => file.startsWith('artifacts/') || file.startsWith('work/') || file.includes('.tmp-')),
    [],
    'no artifact, work folder or temp file is left',
  );
});

test("a source tarball with the recipe's sha256 that tar cannot unpack: one line naming the file and the fix", {
  timeout: 120_000,
}, async () => {
  const bytes = Buffer.from('not a tarball at all\n');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const packages = await packagesDirWith([
    { recipe: { name: 'broken', sources: [{ kind: 'tarball', url: 'http://127.0.0.1:9/broken-1.0.tar.gz', sha256 }] }, steps: '() => []' },
  ]);
  const cacheRoot = await tempDir('cache');
  const damaged = join(cacheRoot, 'downloads', sha256, 'broken-1.0.tar.gz');
  await mkdir(join(cacheRoot, 'downloads', sha256), { recursive: true });
  await writeFile(damaged, bytes);
  const result = await runEmb(['package', 'build', 'broken', '--arch', 'aarch64', '--offline'], {
    EMB_PACKAGES_DIR: packages,
    EMB_CACHE_DIR: cacheRoot,
  });
  assert.equal(result.exitCode, 1, 'a user error, not exit 70');
  const escaped = damaged.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  assertOneLineError(
    result,
    new RegExp(
      `^emb: broken: cannot unpack ${escaped} \\(tar: [^/]+\\) \\(its bytes have the recipe's sha256, so the recipe's url and sha256 name something tar cannot unpack: fix them\\)$`,
    ),
  );
});
