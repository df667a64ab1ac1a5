/**
 * fs/generations.ts: a folder readers see whole. The switch is one rename of a link;
 * a failed fill changes nothing; a real folder (an older emb's) is moved aside and
 * replaced, and an aside folder a killed run left is put back; a seeded generation
 * shares the old one's files as hard links without a write reaching them; leftovers of
 * dead runs are removed, a live run's are not.
 */
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../src/fs/atomic.ts';
import { currentGeneration, publishGeneration } from '../../src/fs/generations.ts';
import { tempDir } from '../helpers/run-emb.ts';

const prefix = { faultPrefix: 'unit' };

async function filesOf(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    if ((await stat(join(dir, name))).isFile()) files[name] = await readFile(join(dir, name), 'utf8');
  }
  return files;
}

test('a generation replaces the folder in one rename; the old one is removed', async () => {
  const root = await tempDir('gen');
  const path = join(root, 'board');
  assert.equal(await currentGeneration(path), undefined);
  await publishGeneration(path, (dir) => writeFile(join(dir, 'a'), 'old'), prefix);
  assert.ok((await lstat(path)).isSymbolicLink());
  assert.equal((await stat(path)).mode & 0o7777, 0o755, 'a new folder is 0755');
  const first = await readlink(path);
  assert.match(first, /^\.board\.gen-\d+-[0-9a-f]{8}$/);
  assert.equal(await currentGeneration(path), join(root, first));
  await publishGeneration(
    path,
    async (dir) => {
      await writeFile(join(dir, 'a'), 'new');
      await writeFile(join(dir, 'b'), 'new');
    },
    prefix,
  );
  assert.deepEqual(await filesOf(path), { a: 'new', b: 'new' });
  assert.deepEqual((await readdir(root)).sort(), [await readlink(path), 'board'].sort(), 'only the link and its generation are left');
});

test('a fill that throws leaves the folder as it was and no generation behind', async () => {
  const root = await tempDir('gen');
  const path = join(root, 'board');
  await publishGeneration(path, (dir) => writeFile(join(dir, 'a'), 'old'), prefix);
  const before = (await readdir(root)).sort();
  await assert.rejects(
    publishGeneration(
      path,
      async (dir) => {
        await writeFile(join(dir, 'a'), 'half');
        throw new Error('refused');
      },
      prefix,
    ),
    /refused/,
  );
  assert.deepEqual(await filesOf(path), { a: 'old' });
  assert.deepEqual((await readdir(root)).sort(), before);
});

test('a real folder is moved aside and replaced; an aside folder a killed run left goes back first', async () => {
  const root = await tempDir('gen');
  const path = join(root, 'tree');
  await mkdir(path);
  await writeFile(join(path, 'mine'), 'user file');
  await chmod(path, 0o750);
  await publishGeneration(path, (dir) => writeFile(join(dir, 'a'), 'new'), { ...prefix, seed: path });
  assert.equal((await stat(path)).mode & 0o7777, 0o750, "the folder's mode carries over, whatever the umask");
  assert.deepEqual(await filesOf(path), { a: 'new', mine: 'user file' }, 'the real folder is the seed: its files carry over');
  assert.ok((await lstat(path)).isSymbolicLink());
  assert.equal((await readdir(root)).length, 2, 'the aside folder is gone');

  // A run killed between the two renames: the path is missing, the old folder aside.
  const target = await readlink(path);
  await rm(path);
  await rename(join(root, target), join(root, '.tree.old-999999999-0badc0de'));
  assert.equal(await lstat(path).catch(() => undefined), undefined);
  assert.deepEqual(await filesOf((await currentGeneration(path)) ?? ''), { a: 'new', mine: 'user file' }, 'put back before it is read');
});

test('a seeded generation shares files as hard links, and writing the new one by rename leaves the old one whole', async () => {
  const root = await tempDir('gen');
  const path = join(root, 'tree');
  await publishGeneration(
    path,
    async (dir) => {
      await mkdir(join(dir, 'boards'));
      await writeFile(join(dir, 'boards', 'image'), 'image 1');
      await writeFile(join(dir, 'state'), 'state 1');
    },
    prefix,
  );
  const old = (await currentGeneration(path)) ?? '';
  let seen: Record<string, string> = {};
  await publishGeneration(
    path,
    async (dir) => {
      assert.equal((await stat(join(dir, 'boards', 'image'))).ino, (await stat(join(old, 'boards', 'image'))).ino);
      await writeFileAtomic(join(dir, 'state'), 'state 2');
      seen = await filesOf(old);
    },
    { ...prefix, seed: old },
  );
  assert.deepEqual(seen, { 'boards/image': 'image 1', state: 'state 1' }, 'the live generation was untouched while the new one was filled');
  assert.deepEqual(await filesOf(path), { 'boards/image': 'image 1', state: 'state 2' });
});

test("leftovers of dead runs are removed at the next switch; a live run's are kept", async () => {
  const root = await tempDir('gen');
  const path = join(root, 'board');
  const dead = join(root, '.board.gen-999999999-00000000');
  const live = join(root, `.board.gen-${process.ppid}-11111111`);
  await mkdir(dead);
  await mkdir(live);
  await writeFile(join(root, '.tmp-999999999-22222222-board'), '');
  await publishGeneration(path, (dir) => writeFile(join(dir, 'a'), 'x'), prefix);
  const left = await readdir(root);
  assert.ok(!left.includes('.board.gen-999999999-00000000'));
  assert.ok(!left.includes('.tmp-999999999-22222222-board'));
  assert.ok(left.includes(`.board.gen-${process.ppid}-11111111`), 'a generation another live emb is filling stays');
});
