/**
 * Cache metadata read back from disk is checked with zod, not cast: a damaged file is
 * a cache miss (an artifact's .json shows as unknown; the apt memo asks apt again),
 * never a crash.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { artifactPaths, readArtifactMeta, storeArtifact } from '../../src/build/artifact-store.ts';
import { AptIndexMemo, aptIndexStamp } from '../../src/fetch/apt-index-memo.ts';

const key = 'e'.repeat(64);

async function storedEntry(): Promise<string> {
  const cacheRoot = await mkdtemp(join(tmpdir(), 'emb-cache-'));
  const dest = await mkdtemp(join(tmpdir(), 'emb-dest-'));
  await mkdir(join(dest, 'usr', 'bin'), { recursive: true });
  await writeFile(join(dest, 'usr', 'bin', 'tool'), 'x', { mode: 0o755 });
  await storeArtifact(cacheRoot, key, dest, {
    name: 'demo',
    version: '1.0',
    arch: 'aarch64',
    toolchain: 'host',
    source: { kind: 'tarball', from: 'test' },
  });
  return cacheRoot;
}

describe('artifact metadata', () => {
  it('reads back what storeArtifact wrote', async () => {
    const meta = await readArtifactMeta(artifactPaths(await storedEntry(), key).meta);
    assert.equal(meta?.name, 'demo');
    assert.deepEqual(meta?.runtime, { files: 1, bytes: 1 });
  });

  const damaged: Array<[string, string]> = [
    ['truncated JSON', '{"format":"emb-artifact-meta-1","name":"de'],
    ['another format', JSON.stringify({ format: 'emb-artifact-meta-0', name: 'demo' })],
    ['missing fields', JSON.stringify({ format: 'emb-artifact-meta-1', name: 'demo' })],
    [
      'wrong types',
      JSON.stringify({
        format: 'emb-artifact-meta-1',
        name: 'demo',
        version: '1',
        arch: 'aarch64',
        key,
        toolchain: 'host',
        source: { kind: 'tarball', from: 'x' },
        runtime: { files: '1', bytes: 1 },
        dev: { files: 0, bytes: 0 },
      }),
    ],
    ['not an object', 'null'],
  ];
  for (const [what, text] of damaged) {
    it(`is unknown (undefined) when the file holds ${what}`, async () => {
      const path = artifactPaths(await storedEntry(), key).meta;
      await writeFile(path, text);
      assert.equal(await readArtifactMeta(path), undefined);
    });
  }
});

describe('apt index memo', () => {
  const damagedMemos: Array<[string, string]> = [
    ['not JSON', '{"show libc6:arm64": "Pack'],
    ['not strings', '{"show libc6:arm64": 3}'],
    ['an array', '[]'],
  ];
  for (const [what, text] of damagedMemos) {
    it(`a memo holding ${what} is a cache miss`, async () => {
      const cacheRoot = await mkdtemp(join(tmpdir(), 'emb-cache-'));
      await mkdir(join(cacheRoot, 'apt-index'));
      await writeFile(join(cacheRoot, 'apt-index', `${await aptIndexStamp()}.json`), text);
      const memo = await AptIndexMemo.open(cacheRoot);
      assert.equal(memo.get('show libc6:arm64'), undefined);
    });
  }
});
