/**
 * After one recipe changes, `emb build` rebuilds exactly that recipe and what depends
 * on it (on every arch the board builds it for). The recipes are a copy of packages/
 * (EMB_PACKAGES_DIR), so the repository is never touched; the copy has the same
 * contents, hence the same keys, so everything else comes from the shared cache.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFile, cp, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../src/paths.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';

function builtNow(stdout: string): string[] {
  const line = /built now: (.*)$/m.exec(stdout)?.[1] ?? '';
  return line === 'none' ? [] : line.split(', ').sort();
}

test('touching libgcc rebuilds libgcc (aarch64 and armhf) and boinc-client, nothing else', { timeout: 30 * 60_000 }, async () => {
  // Recipes import ../../src/define.ts and are ES modules: mirror the project's layout.
  const root = await tempDir('project');
  const packages = join(root, 'packages');
  await cp(join(projectRoot, 'packages'), packages, { recursive: true });
  await symlink(join(projectRoot, 'src'), join(root, 'src'));
  await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
  const env = { EMB_PACKAGES_DIR: packages };
  const first = await runEmb(['build', '--out', await tempDir('dist')], env);
  assert.equal(first.exitCode, 0, `first build failed:\n${first.stdout}\n${first.stderr}`);

  // A new text each run: the same edit twice would find its build in the shared cache.
  await appendFile(join(packages, 'libgcc', 'recipe.ts'), `\n// touched by the incremental test ${randomUUID()}\n`);
  const second = await runEmb(['build', '--out', await tempDir('dist')], env);
  assert.equal(second.exitCode, 0, `second build failed:\n${second.stdout}\n${second.stderr}`);
  assert.deepEqual(builtNow(String(second.stdout)), ['aarch64/boinc-client', 'aarch64/libgcc', 'armhf/libgcc']);

  // Everything is in the cache now, so the network is not needed.
  const third = await runEmb(['build', '--offline', '--out', await tempDir('dist')], env);
  assert.equal(third.exitCode, 0, String(third.stderr));
  assert.deepEqual(builtNow(String(third.stdout)), [], 'a third build finds everything in the cache');
});
