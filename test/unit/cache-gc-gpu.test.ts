/**
 * `emb cache gc` and the GPU stage's cache folders: a module build or an unpacked
 * driver package not used for the given days goes, a recent one stays, and what a
 * killed run left there (a .tmp- folder of a dead process) goes at once.
 */
import assert from 'node:assert/strict';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { collectGarbage } from '../../src/cache/collect-garbage.ts';
import { scratchDirs } from '../helpers/run-emb.ts';

const { scratch, removeAll } = scratchDirs();
after(removeAll);

test('gc removes old GPU module builds and unpacked packages, keeps recent ones, clears dead temps', async () => {
  const cacheRoot = await scratch('gc-gpu');
  const now = new Date('2026-11-30T12:00:00Z');
  const daysAgo = (days: number): Date => new Date(now.getTime() - days * 86_400_000);
  const entry = async (path: string, used: Date): Promise<string> => {
    await mkdir(join(path, 'modules'), { recursive: true });
    await writeFile(join(path, 'build.json'), '{}');
    await utimes(path, used, used);
    return path;
  };
  const oldBuild = await entry(join(cacheRoot, 'gpu-modules', 'a'.repeat(64)), daysAgo(40));
  const newBuild = await entry(join(cacheRoot, 'gpu-modules', 'b'.repeat(64)), daysAgo(1));
  const oldDeb = await entry(join(cacheRoot, 'debs', 'c'.repeat(64)), daysAgo(40));
  // pid 2^22 + 1 is above Linux's pid_max: never a live process.
  const deadTemp = await entry(join(cacheRoot, 'debs', `.tmp-${2 ** 22 + 1}-0000-${'d'.repeat(64)}`), daysAgo(0));
  const result = await collectGarbage(cacheRoot, { olderThanDays: 30, dryRun: false, now });
  const removed = result.removed.map((item) => item.path).sort();
  assert.deepEqual(removed, [oldDeb, deadTemp, oldBuild].sort());
  assert.ok(!removed.includes(newBuild));
});
