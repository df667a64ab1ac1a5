import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { execa } from 'execa';
import { compressZstd } from '../../src/pack/compress.ts';
import { writeNewcArchive } from '../../src/pack/write-archive.ts';

/** An archive big and repetitive enough that compression does real work. */
function sampleArchive(): Buffer {
  const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} of a text file\n`).join('');
  return writeNewcArchive(
    [
      { type: 'dir', path: '/etc', mode: 0o755, uid: 0, gid: 0 },
      { type: 'file', path: '/etc/big', mode: 0o644, uid: 0, gid: 0, data: Buffer.from(lines) },
      { type: 'file', path: '/etc/odd', mode: 0o644, uid: 0, gid: 0, data: Buffer.from([0, 255, 7]) },
    ],
    { mtime: 0 },
  );
}

describe('compressZstd', () => {
  for (const level of [1, 3, 19]) {
    it(`level ${level} output decompresses with the zstd CLI to the same bytes`, async () => {
      const archive = sampleArchive();
      const compressed = await compressZstd(archive, level);
      assert.ok(compressed.length < archive.length, 'compressed is not smaller');
      const { stdout } = await execa('zstd', ['-d', '-c', '-q'], {
        input: compressed,
        encoding: 'buffer',
      });
      assert.ok(Buffer.from(stdout).equals(archive), 'zstd -d gave different bytes');
    });
  }

  it('is deterministic', async () => {
    const archive = sampleArchive();
    assert.ok((await compressZstd(archive, 19)).equals(await compressZstd(archive, 19)));
  });

  for (const level of [0, 20, 22, 3.5, -1]) {
    it(`refuses level ${level}`, async () => {
      await assert.rejects(compressZstd(Buffer.from('x'), level), new RegExp(`zstd level ${level} `));
    });
  }
});

test('the zstd level takes effect (the library wrapper alone ignores it)', async () => {
  // Text with long-range repetition: level 19 finds far more of it than level 1.
  const words = Array.from({ length: 4000 }, (_, i) => `line ${i % 997} of ${(i * 7919) % 1009}\n`).join('');
  const data = Buffer.from(words.repeat(8));
  const fast = await compressZstd(data, 1);
  const small = await compressZstd(data, 19);
  assert.ok(small.length < fast.length, `level 19 (${small.length} B) must beat level 1 (${fast.length} B)`);
});
