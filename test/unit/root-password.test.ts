import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRootPasswordHash, shadowFile } from '../../src/assemble/root-password.ts';
import { tempDir } from '../helpers/run-emb.ts';

async function hashFile(text: string): Promise<string> {
  const file = join(await tempDir('hash'), 'root.hash');
  await writeFile(file, text);
  return file;
}

test('crypt(3) hashes of the kinds libxcrypt checks are taken as they are', async () => {
  const sha512 = `$6$saltsalt$${'a'.repeat(86)}`;
  const yescrypt = '$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7';
  const bcrypt = `$2b$12$${'b'.repeat(53)}`;
  for (const hash of [sha512, yescrypt, bcrypt]) assert.equal(await readRootPasswordHash(await hashFile(`# root\n${hash}\n`)), hash);
});

test('a password, an MD5 or DES hash, or two lines are refused without echoing them', async () => {
  for (const text of [
    'hunter2\n',
    '$1$salt$qJH7.N4xYta3aEG/dfqo/0\n',
    'abJnggxhB/yWI\n',
    `$6$s$${'a'.repeat(86)}\n$6$t$${'a'.repeat(86)}\n`,
    '\n',
  ]) {
    await assert.rejects(readRootPasswordHash(await hashFile(text)), (error: Error) => {
      assert.match(error.message, /^--root-password-hash: /);
      assert.ok(!error.message.includes('hunter2'));
      return true;
    });
  }
});

test('/etc/shadow locks root unless a hash is given; other accounts stay locked', () => {
  assert.match(shadowFile(), /^root:\*:/);
  assert.match(shadowFile('$6$s$x'), /^root:\$6\$s\$x:/);
  assert.match(shadowFile('$6$s$x'), /^boinc:\*:.*\nnobody:\*:/m);
});
