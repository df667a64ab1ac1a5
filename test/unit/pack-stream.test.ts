import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { mergeLayers } from '../../src/assemble/layers.ts';
import type { TreeEntry } from '../../src/assemble/tree-types.ts';
import { indexArtifact } from '../../src/build/artifact-index.ts';
import { readArtifact, writeArtifact } from '../../src/build/artifact.ts';
import { defaultJobs } from '../../src/build/jobs.ts';
import { fileDataBytes } from '../../src/fs/file-slice.ts';
import { compressStreamInto } from '../../src/pack/compress.ts';
import type { Manifest } from '../../src/pack/manifest.ts';
import { newcArchiveChunks, newcArchiveSize, writeNewcArchive } from '../../src/pack/write-archive.ts';
import { readManifest, writeOutputs } from '../../src/pipeline/dist-output.ts';

const longName = `/usr/share/${'a-rather-long-directory-name/'.repeat(5)}file-past-the-ustar-name-field`;

/** Files, a long name (a pax header), a symlink, an empty file, a device: what an artifact may hold. */
function sampleEntries(): TreeEntry[] {
  const text = Array.from({ length: 3000 }, (_, i) => `line ${i}\n`).join('');
  return [
    { type: 'dir', path: '/usr', mode: 0o755, uid: 0, gid: 0 },
    { type: 'file', path: '/usr/big', mode: 0o644, uid: 0, gid: 0, data: Buffer.from(text) },
    { type: 'file', path: '/usr/empty', mode: 0o600, uid: 0, gid: 0, data: Buffer.alloc(0) },
    { type: 'file', path: '/usr/odd', mode: 0o755, uid: 0, gid: 0, data: Buffer.from([1, 2, 3]) },
    { type: 'file', path: longName, mode: 0o644, uid: 0, gid: 0, data: Buffer.from('deep\n') },
    { type: 'symlink', path: '/usr/link', mode: 0o777, uid: 0, gid: 0, target: 'big' },
    { type: 'char', path: '/dev/console', mode: 0o600, uid: 0, gid: 0, major: 5, minor: 1 },
  ];
}

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'emb-pack-stream-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('indexArtifact gives the entries readArtifact reads, with files as slices of the tar', async () => {
  await withTempDir(async (dir) => {
    const tar = join(dir, 'a.tar');
    await writeArtifact(tar, sampleEntries());
    const read = await readArtifact(tar);
    const indexed = await indexArtifact(tar);
    assert.equal(indexed.length, read.length);
    for (const [index, entry] of indexed.entries()) {
      const want = read[index];
      assert.ok(want, `entry ${index}`);
      if (entry.type === 'file' && want.type === 'file') {
        assert.ok(!Buffer.isBuffer(entry.data), `${entry.path} is a slice, not bytes`);
        assert.deepEqual(fileDataBytes(entry.data), want.data, `bytes of ${entry.path}`);
        assert.deepEqual({ ...entry, data: undefined }, { ...want, data: undefined });
      } else {
        assert.deepEqual(entry, want);
      }
    }
    assert.ok(
      indexed.some((entry) => entry.path === longName),
      'the pax long name is read',
    );
  });
});

test('indexArtifact refuses a damaged artifact in one line naming it and the fix', async () => {
  await withTempDir(async (dir) => {
    const tar = join(dir, 'a.tar');
    await writeArtifact(tar, sampleEntries());
    const bytes = await readFile(tar);
    bytes[20] = (bytes[20] ?? 0) ^ 0xff; // inside the first header's name: the checksum no longer matches
    await writeFile(tar, bytes);
    await assert.rejects(
      indexArtifact(tar),
      (error: Error) => error.name === 'EmbError' && error.message.includes(tar) && /checksum/.test(error.message),
    );
    await writeFile(tar, bytes.subarray(0, 700));
    await assert.rejects(indexArtifact(tar), /is corrupt/);
  });
});

test('the streamed archive of slices is byte for byte the in-memory archive of the same files', async () => {
  await withTempDir(async (dir) => {
    const tar = join(dir, 'a.tar');
    await writeArtifact(tar, sampleEntries());
    // mergeLayers adds the parent folders the archive needs.
    const fromSlices = [...mergeLayers([{ name: 'a', entries: await indexArtifact(tar) }]).entries.values()].map((placed) => placed.entry);
    const want = writeNewcArchive(
      [...mergeLayers([{ name: 'a', entries: sampleEntries() }]).entries.values()].map((placed) => placed.entry),
      { mtime: 7 },
    );
    const chunks: Buffer[] = [];
    for await (const chunk of newcArchiveChunks(fromSlices, { mtime: 7 })) chunks.push(chunk);
    assert.deepEqual(Buffer.concat(chunks), want);
    assert.equal(newcArchiveSize(fromSlices, { mtime: 7 }), want.length);
  });
});

test('compressStreamInto writes one zstd frame however small the chunks (a plain pipeline wrote two)', async () => {
  await withTempDir(async (dir) => {
    // Varied bytes, so the compressor has work queued when the source ends.
    const data = Buffer.from(Array.from({ length: 60_000 }, (_, i) => `${i * 7919} ${(i * 104729) % 65521}\n`).join(''));
    async function* smallChunks(): AsyncGenerator<Buffer> {
      for (let at = 0; at < data.length; at += 120) yield data.subarray(at, at + 120);
    }
    const file = join(dir, 'out.zst');
    await compressStreamInto(smallChunks(), createWriteStream(file), 9, data.length);
    const listing = await execa('zstd', ['-lv', file]);
    assert.match(listing.stdout, /# Zstandard Frames: 1\n/);
    assert.match(listing.stdout, new RegExp(`Decompressed Size: .*\\(${data.length} B\\)`));
    const { stdout } = await execa('zstd', ['-dc', file], { encoding: 'buffer', stripFinalNewline: false });
    assert.ok(Buffer.from(stdout).equals(data));
  });
});

test('compressStreamInto rejects, promptly, when the input is not the pledged size (the pack checks its size this way)', async () => {
  await withTempDir(async (dir) => {
    async function* thousandBytes(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(1000, 1);
    }
    await assert.rejects(compressStreamInto(thousandBytes(), createWriteStream(join(dir, 'out.zst')), 3, 999), /Src size is incorrect/);
  });
});

test('defaultJobs: packages at once times make -j stays near the CPU count', () => {
  const rows: Array<[number, { packages: number; make: number }]> = [
    [1, { packages: 1, make: 1 }],
    [2, { packages: 2, make: 1 }],
    [4, { packages: 2, make: 2 }],
    [16, { packages: 4, make: 4 }],
  ];
  for (const [cpus, want] of rows) assert.deepEqual(defaultJobs(cpus), want, `defaultJobs(${cpus})`);
  assert.deepEqual(defaultJobs(16, { packages: 2 }), { packages: 2, make: 8 }, 'make -j follows an asked --jobs');
  assert.deepEqual(defaultJobs(16, { make: 3 }), { packages: 4, make: 3 });
});

test('dist outputs: 0600 when the image holds secrets, 0644 otherwise, whatever the umask; a manifest of another shape is no manifest', async () => {
  await withTempDir(async (dir) => {
    const manifest = { format: 'emb-manifest-1' } as unknown as Manifest;
    const file = { name: 'initramfs.zst', write: (path: string, mode: number) => writeFile(path, 'x', { mode }) };
    const old = process.umask(0o077);
    try {
      await writeOutputs(join(dir, 'public'), [file], () => manifest, { secret: false });
    } finally {
      process.umask(old);
    }
    await writeOutputs(join(dir, 'secret'), [file], () => manifest, { secret: true });
    assert.equal((await stat(join(dir, 'public', 'initramfs.zst'))).mode & 0o777, 0o644);
    assert.equal((await stat(join(dir, 'secret', 'initramfs.zst'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'secret', 'manifest.json'))).mode & 0o777, 0o600);
    assert.equal(await readManifest(join(dir, 'public')), undefined, 'a manifest missing fields is not trusted');
    await writeFile(join(dir, 'public', 'manifest.json'), '{ not json');
    assert.equal(await readManifest(join(dir, 'public')), undefined);
  });
});
