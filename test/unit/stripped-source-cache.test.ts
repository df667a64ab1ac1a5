/**
 * bin/stripped-source-cache.js keeps the stripped JavaScript of every .ts module a run
 * loads, named by the source's hash: a no-op build no longer strips ~280 files. The
 * cache must never serve an old text for an edited file, must cost nothing when it
 * cannot be written, and must leave files Node cannot strip to Node's own errors
 * (noop-native-load.test.ts covers those through bin/emb.js).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { embCacheDir } from '../../bin/emb-cache-dir.js';
import { collectGarbage } from '../../src/cache/collect-garbage.ts';
import { isTypeStrippingWarning } from '../../bin/native-typescript.js';
import { isStrippableModule, strippedSource, strippedSourceDir } from '../../bin/stripped-source-cache.js';
import { cacheDir, projectRoot } from '../../src/paths.ts';
import { tempDir } from '../helpers/run-emb.ts';

const strip = (source: string): string => source.replace(': number', '        ');

test('a source is stripped once: the next run reads the kept text, named by the source hash', async () => {
  const dir = path.join(await tempDir('stripped-cache'), 'kept');
  const calls: string[] = [];
  const counting = (source: string): string => {
    calls.push(source);
    return strip(source);
  };
  const source = 'export const a: number = 1;\n';
  assert.equal(strippedSource(source, dir, counting), 'export const a         = 1;\n');
  assert.equal(strippedSource(source, dir, counting), 'export const a         = 1;\n');
  assert.equal(calls.length, 1, 'the second load read the kept text');
  const name = `${createHash('sha256').update(source).digest('hex')}.js`;
  assert.deepEqual(await readdir(dir), [name], 'one file, no temp file left');

  const edited = 'export const a: number = 2;\n';
  assert.equal(strippedSource(edited, dir, counting), 'export const a         = 2;\n', 'an edited source is stripped afresh');
  assert.equal(calls.length, 2);
});

test('a cache that cannot be written costs only the strip', async () => {
  const root = await tempDir('stripped-cache-file');
  const notADir = path.join(root, 'file');
  await writeFile(notADir, 'a file where the folder would be\n');
  assert.equal(strippedSource('let b: number;\n', path.join(notADir, 'kept'), strip), 'let b        ;\n');
  assert.equal(strippedSource('let b: number;\n', path.join(notADir, 'kept'), strip), 'let b        ;\n');
});

test('only plain file: URLs of ES module .ts files outside node_modules are served from the cache', () => {
  assert.equal(isStrippableModule('file:///work/emb/src/cli.ts', 'module-typescript'), true);
  assert.equal(isStrippableModule('file:///work/emb/boards/x.ts', 'commonjs-typescript'), false, 'CommonJS goes to Node');
  assert.equal(isStrippableModule('file:///work/emb/boards/x.ts?tsx-namespace=1', 'module-typescript'), false, "tsx's own loads");
  assert.equal(isStrippableModule('file:///work/node_modules/p/x.ts', 'module-typescript'), false);
  assert.equal(isStrippableModule('file:///work/emb/bin/emb.js', 'module'), false);
  assert.equal(isStrippableModule('data:text/javascript,1', 'module'), false);
});

test('the cache lives in a folder of the compile cache, one per Node version, and not at all when that is off', () => {
  assert.equal(strippedSourceDir('/tmp/ncc', 'v22.23.5'), '/tmp/ncc/emb-stripped-v22.23.5');
  assert.equal(strippedSourceDir(null, 'v22.23.5'), undefined);
});

test("the strip function's ExperimentalWarning is kept off stderr like type stripping's", () => {
  const warning = Object.assign(new Error('stripTypeScriptTypes is an experimental feature and might change at any time'), {
    name: 'ExperimentalWarning',
  });
  assert.equal(isTypeStrippingWarning(warning), true);
});

test('bin/emb.js keeps stripped sources where Node strips types, and an edited board is read afresh', async () => {
  const compileCache = await tempDir('stripped-cache-ncc');
  const boards = await tempDir('stripped-cache-boards');
  await writeFile(path.join(boards, 'package.json'), '{"type":"module"}\n');
  const boardSource = (value: string): string =>
    "const arch: 'aarch64' = 'aarch64';\n" +
    `export default { name: 'cached', description: 'a board made by the stripped-source-cache test', arch, ramMiB: 512,\n` +
    "  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },\n" +
    "  bootloader: { kind: 'qemu', from: 'a test', maxInitrdMiB: 64 }, console: 'ttyAMA0', packages: ['busybox'],\n" +
    `  cmdline: 'emb.test=${value}' };\n`;
  const run = async (env: Record<string, string> = {}) => {
    const result = await execa(process.execPath, [path.join(projectRoot, 'bin', 'emb.js'), 'cmdline', '--board', 'cached'], {
      cwd: projectRoot,
      env: { NODE_OPTIONS: '', NODE_COMPILE_CACHE: compileCache, EMB_BOARDS_DIR: boards, ...env },
      reject: false,
      timeout: 60_000,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stderr, '', 'nothing on stderr');
    return JSON.parse(result.stdout).cmdline as string;
  };
  const kept = async (): Promise<string[]> => {
    const found: string[] = [];
    for (const entry of await readdir(compileCache, { recursive: true, withFileTypes: true })) {
      if (path.basename(entry.parentPath).startsWith('emb-stripped-')) found.push(path.join(entry.parentPath, entry.name));
    }
    return found;
  };

  await writeFile(path.join(boards, 'cached.ts'), boardSource('first'));
  assert.equal(await run(), 'emb.test=first');
  const first = await kept();
  if (!process.features.typescript) {
    assert.deepEqual(first, [], 'a Node that does not strip types (tsx loads emb) keeps nothing');
    return;
  }
  const keptAs = (source: string | Buffer) =>
    first.find((file) => file.endsWith(`${createHash('sha256').update(source).digest('hex')}.js`));
  assert.ok(keptAs(await readFile(path.join(projectRoot, 'src', 'cli.ts'))), `emb's own sources are kept (${first.length} files)`);
  const board = keptAs(boardSource('first'));
  assert.ok(board, 'the board is kept by its hash');
  assert.match(await readFile(board, 'utf8'), /^const arch {12}= 'aarch64';/, 'its types are stripped');

  await writeFile(path.join(boards, 'cached.ts'), boardSource('second'));
  assert.equal(await run(), 'emb.test=second', 'the edited board is stripped afresh, never read from the cache');
  assert.equal((await kept()).length, first.length + 1);

  const off = await tempDir('stripped-cache-off');
  assert.equal(await run({ NODE_COMPILE_CACHE: off, NODE_DISABLE_COMPILE_CACHE: '1' }), 'emb.test=second');
  assert.deepEqual(await readdir(off), [], 'with the compile cache off nothing is kept');
});

test("emb's cache folder, which bin/emb.js and src/paths.ts share: EMB_CACHE_DIR, else XDG_CACHE_HOME/emb, else ~/.cache/emb", () => {
  assert.equal(cacheDir({}), path.join(homedir(), '.cache', 'emb'));
  assert.equal(cacheDir({ EMB_CACHE_DIR: 'rel/cache' }), path.resolve('rel/cache'));
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/emb');
  assert.equal(cacheDir({ EMB_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }), '/c');
  assert.equal(embCacheDir({ XDG_CACHE_HOME: '/x/cache' }), cacheDir({ XDG_CACHE_HOME: '/x/cache' }));
});

test("Node's compile cache and the stripped sources go to emb's cache folder, never the shared temp folder", async () => {
  const cache = await tempDir('stripped-cache-emb');
  const tmp = await tempDir('stripped-cache-tmp');
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: '', EMB_CACHE_DIR: cache, TMPDIR: tmp };
  delete env.NODE_COMPILE_CACHE;
  const result = await execa(process.execPath, [path.join(projectRoot, 'bin', 'emb.js'), 'cmdline', '--board', 'qemu-aarch64'], {
    cwd: projectRoot,
    env,
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.deepEqual(await readdir(tmp), [], 'nothing in TMPDIR');
  const kept = await readdir(path.join(cache, 'node-compile-cache'), { recursive: true });
  assert.ok(kept.length > 0, "Node's compile cache is in emb's cache folder");
  if (process.features.typescript)
    assert.ok(
      kept.some((name) => name.includes('emb-stripped-')),
      'so are the stripped sources',
    );
});

test("emb cache gc removes a Node version's compile cache that gained nothing for the given days", async () => {
  const cache = await tempDir('stripped-cache-gc');
  const now = new Date('2026-11-30T12:00:00Z');
  const old = path.join(cache, 'node-compile-cache', 'v22.15.1-x64-0');
  const current = path.join(cache, 'node-compile-cache', 'v22.23.5-x64-0');
  for (const dir of [old, current]) await mkdir(path.join(dir, 'emb-stripped-v0'), { recursive: true });
  await utimes(old, new Date('2026-10-01T00:00:00Z'), new Date('2026-10-01T00:00:00Z'));
  await utimes(current, new Date('2026-11-29T00:00:00Z'), new Date('2026-11-29T00:00:00Z'));
  const result = await collectGarbage(cache, { olderThanDays: 30, dryRun: false, now });
  assert.deepEqual(
    result.removed.map((item) => item.path),
    [old],
  );
  assert.deepEqual(await readdir(path.join(cache, 'node-compile-cache')), ['v22.23.5-x64-0']);
});
