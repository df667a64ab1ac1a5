import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { createPrivateWriteStream } from '../../src/fs/private-file.ts';

async function writeThrough(path: string, text: string): Promise<void> {
  const stream = await createPrivateWriteStream(path);
  stream.end(text);
  await finished(stream);
}

describe('createPrivateWriteStream (qemu-console.log)', () => {
  it('creates the file 0600 even under umask 000', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'emb-private-')), 'qemu-console.log');
    const saved = process.umask(0o000);
    try {
      await writeThrough(path, 'Kernel command line: console=ttyAMA0 uebo.boinc.password=secret\n');
    } finally {
      process.umask(saved);
    }
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.match(await readFile(path, 'utf8'), /uebo\.boinc\.password=secret/);
  });

  it('replaces a world-readable log left by an earlier run with a private one', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'emb-private-')), 'qemu-console.log');
    await writeFile(path, 'an old, longer transcript from an earlier boot\n', { mode: 0o644 });
    await writeThrough(path, 'new\n');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(await readFile(path, 'utf8'), 'new\n');
  });
});
