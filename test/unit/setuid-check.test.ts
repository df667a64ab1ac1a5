/**
 * A package hands out root only by declaring it: an undeclared setuid or setgid file
 * stops the build, a declared one keeps its bit in the artifact (the corpus runs the
 * refusals through emb; this is the accepted side).
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readArtifact } from '../../src/build/artifact.ts';
import { artifactPaths, storeArtifact } from '../../src/build/artifact-store.ts';
import { verifySetuidFiles } from '../../src/build/setuid-check.ts';
import { EmbError } from '../../src/errors.ts';

const meta = { name: 'demo', version: '1.0', arch: 'aarch64', toolchain: 'host', source: { kind: 'tarball', from: 'test' } };

async function treeWith(modes: Record<string, number>): Promise<string> {
  const dest = await mkdtemp(join(tmpdir(), 'emb-setuid-'));
  for (const [path, mode] of Object.entries(modes)) {
    await mkdir(join(dest, path, '..'), { recursive: true });
    await writeFile(join(dest, path), '#!/bin/sh\n');
    await chmod(join(dest, path), mode);
  }
  return dest;
}

test('an undeclared setuid file is refused, naming it and the fix', async () => {
  const dest = await treeWith({ 'bin/ping': 0o4755, 'bin/ls': 0o755 });
  await assert.rejects(
    verifySetuidFiles('demo', dest, []),
    (error: unknown) =>
      error instanceof EmbError &&
      /^demo: the build installs \/bin\/ping setuid \(mode 4755\), which the recipe does not declare$/.test(error.message) &&
      /add "\/bin\/ping" to the recipe's setuid list/.test(error.hint ?? ''),
  );
});

test('a declared file must carry the bit', async () => {
  const dest = await treeWith({ 'bin/su': 0o755 });
  await assert.rejects(verifySetuidFiles('demo', dest, ['/bin/su']), /declares \/bin\/su setuid, but the build did not install it/);
});

test('a declared setuid and setgid file keeps its bits in the artifact; others are normalised', async () => {
  const dest = await treeWith({ 'bin/su': 0o4755, 'usr/bin/wall': 0o2755, 'bin/ls': 0o775 });
  await verifySetuidFiles('demo', dest, ['/bin/su', '/usr/bin/wall']);
  const cacheRoot = await mkdtemp(join(tmpdir(), 'emb-cache-'));
  const key = 'e'.repeat(64);
  await storeArtifact(cacheRoot, key, dest, meta, ['/bin/su', '/usr/bin/wall']);
  const modes = Object.fromEntries(
    (await readArtifact(artifactPaths(cacheRoot, key).runtime))
      .filter((entry) => entry.type === 'file')
      .map((entry) => [entry.path, entry.mode.toString(8)]),
  );
  assert.deepEqual(modes, { '/bin/ls': '755', '/bin/su': '4755', '/usr/bin/wall': '2755' });
});
