/**
 * The bad-input corpus (test/fixtures/bad/*.json, README there): malformed and hostile
 * boards, recipes, inventories, kernel command lines, options, source tarballs and
 * Debian packages, each run through the real CLI. Every case must end with exactly one
 * line on stderr matching its pattern, exit 1 or 2 (a user error, not emb's internal
 * 70), no stack trace unless it asked for --debug, and nothing written outside its
 * output and cache folders: each case runs with its own empty working folder, HOME and
 * TMPDIR, which must stay empty, and every hostile archive aims its escapes ("../",
 * absolute names, symlinks, hard links) at one sentinel folder, which must stay as it
 * was. Source tarballs are served on loopback; Debian packages come from a local apt
 * repository (APT_CONFIG) standing in for a hostile mirror: apt's index is signed, so
 * only such a mirror could hand one out. One test runs the whole corpus.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { projectRoot } from '../../src/paths.ts';
import { localAptRepository } from '../fixtures/bad/generate/apt-repo.ts';
import { type CorpusCase, type DebCaseDescription, fromTemplate, loadCorpus, moduleText } from '../fixtures/bad/generate/corpus.ts';
import { debOf } from '../fixtures/bad/generate/deb-file.ts';
import { tarOf } from '../fixtures/bad/generate/tar-archive.ts';
import { filesUnder, scratchDirs } from '../helpers/run-emb.ts';

const { scratch, removeAll } = scratchDirs();
after(removeAll);

/** Cases run side by side: most of each is Node starting up and waiting on small files. */
const concurrency = 3;

const root = await scratch('bad-corpus');
const sentinel = join(root, 'sentinel');
const cases = loadCorpus(projectRoot);

/** Values ${NAME} stands for in a case's strings; the same for every case unless the case sets its own. */
const shared: Record<string, string> = {
  SENTINEL: sentinel,
  PROJECT: projectRoot,
  // Enough "../" to reach / from any folder emb unpacks in, then the sentinel: an escape lands there.
  UP: '../'.repeat(40),
  // A path of 4,2xx bytes in parts of 200: over PATH_MAX (4096), each part under NAME_MAX.
  LONG: Array.from({ length: 21 }, (_, index) => `${String(index).padStart(2, '0')}${'d'.repeat(198)}`).join('/'),
  LONGPART: 'n'.repeat(300),
};

function expand(text: string, vars: Record<string, string>): string {
  return text.replaceAll(/\$\{([A-Z0-9_]+)\}/g, (whole, key: string) => vars[key] ?? whole);
}

function expandDeep<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') return expand(value, vars) as T;
  if (Array.isArray(value)) return value.map((item) => expandDeep(item, vars)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expandDeep(item, vars)])) as T;
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Names and contents of every file under `dir`: what an escape would change. */
async function snapshot(dir: string): Promise<string> {
  const files = await filesUnder(dir);
  const parts = await Promise.all(files.map(async (file) => `${file}\n${await readFile(join(dir, file), 'utf8').catch(() => '?')}`));
  return parts.join('\n');
}

// The sentinel: a folder every hostile archive aims at.
await mkdir(sentinel, { recursive: true });
await writeFile(join(sentinel, 'keep'), 'nothing may change this folder\n');
const sentinelBefore = await snapshot(sentinel);

// Source tarballs, made from their descriptions and served on loopback.
const served = new Map<string, Buffer>();
const tarballHash = new Map<string, string>();
for (const each of cases) {
  if (!each.tarball) continue;
  const { raw, entries = [], plain, truncate } = each.tarball;
  const whole = raw === undefined ? await tarOf(expandDeep(entries, shared), plain) : Buffer.from(raw);
  const bytes = truncate === undefined ? whole : whole.subarray(0, truncate);
  served.set(`/${each.tarball.file}`, bytes);
  tarballHash.set(each.name, createHash('sha256').update(bytes).digest('hex'));
}
const server = createServer((request, response) => {
  const bytes = served.get(request.url ?? '');
  response.statusCode = bytes ? 200 : 404;
  response.end(bytes ?? 'not here');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => server.close());
shared.SERVER = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// Debian packages, made from their descriptions, in one local apt repository.
const debs = await Promise.all(
  cases
    .filter((each) => each.deb)
    .map(async (each) => {
      const deb = each.deb as DebCaseDescription;
      const version = deb.version ?? '1.0-1';
      const entries = expandDeep(deb.entries ?? [], shared);
      const bytes =
        deb.raw === undefined ? await debOf({ package: deb.package, version, architecture: 'arm64', entries }) : Buffer.from(deb.raw);
      return { name: deb.package, version, architecture: 'arm64', bytes };
    }),
);
shared.APT_CONFIG = (await localAptRepository(join(root, 'apt'), debs)).env.APT_CONFIG ?? '';

/** The folders a case may write in, and those that must stay empty. */
function caseFolders(each: CorpusCase): Record<'cwd' | 'home' | 'tmp' | 'cache' | 'out' | 'data', string> {
  const base = join(root, 'cases', each.name.replaceAll('/', '--'));
  return {
    cwd: join(base, 'cwd'),
    home: join(base, 'home'),
    tmp: join(base, 'tmp'),
    cache: join(base, 'cache'),
    out: join(base, 'out'),
    data: join(base, 'data'),
  };
}

/** Each case's first stderr line, written to BAD_CORPUS_LINES (a file) when set: for reading them all at once. */
const seenLines: string[] = [];

/** Run one case; what is wrong with how it ended ([] when nothing). */
async function runCase(each: CorpusCase): Promise<string[]> {
  const folders = caseFolders(each);
  for (const folder of Object.values(folders)) await mkdir(folder, { recursive: true });
  const vars = { ...shared, DATA: folders.data, OUT: folders.out, CACHE: folders.cache, SHA256: tarballHash.get(each.name) ?? '' };
  for (const [path, value] of Object.entries(each.files)) {
    if (value === null) continue;
    const file = join(folders.data, expand(path, vars));
    await mkdir(dirname(file), { recursive: true });
    const text = typeof value === 'string' ? value : moduleText(fromTemplate(value, each.templates));
    await writeFile(file, expand(text, vars));
  }
  const args = [...(each.debug ? ['--debug'] : []), ...each.args.map((arg) => expand(arg, vars))];
  const result = await execa(process.execPath, [join(projectRoot, 'bin', 'emb.js'), ...args], {
    cwd: folders.cwd,
    env: {
      CI: 'true',
      EMB_TOOLCHAIN: 'host',
      HOME: folders.home,
      TMPDIR: folders.tmp,
      EMB_CACHE_DIR: folders.cache,
      // emb.lock pins each Debian import it resolves: this run's lock lives with its cache.
      EMB_LOCK_FILE: join(folders.cache, 'emb.lock'),
      // Node's and tsx's own compile caches, shared by the runs: they are not emb's writes.
      NODE_COMPILE_CACHE: join(root, 'node-compile-cache'),
      TSX_DISABLE_CACHE: '1',
      ...expandDeep(each.env, vars),
    },
    reject: false,
    timeout: 180_000,
  });
  const problems: string[] = [];
  const stderr = String(result.stderr);
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  seenLines.push(`${each.name}\t${result.exitCode}\t${lines[0] ?? ''}`);
  if (result.exitCode !== 1 && result.exitCode !== 2) problems.push(`exit code ${result.exitCode ?? result.signal}, want 1 or 2`);
  const pattern = new RegExp(
    expand(each.pattern, Object.fromEntries(Object.entries(vars).map(([key, value]) => [key, escapeRegExp(value)]))),
  );
  const stack = /^\s+at .+/m;
  if (each.debug) {
    if (!pattern.test(lines[0] ?? '')) problems.push(`the first line does not match ${pattern}`);
    if (!stack.test(stderr)) problems.push('--debug shows no stack');
  } else {
    if (lines.length !== 1) problems.push(`${lines.length} lines on stderr, want 1`);
    else if (!pattern.test(lines[0] ?? '')) problems.push(`the line does not match ${pattern}`);
    if (stack.test(stderr) || stack.test(String(result.stdout))) problems.push('a stack trace without --debug');
  }
  for (const folder of ['cwd', 'home', 'tmp', 'out'] as const) {
    const written = await filesUnder(folders[folder]);
    if (written.length > 0) problems.push(`wrote in ${folder}: ${written.slice(0, 3).join(', ')}`);
  }
  const leftovers = (await filesUnder(folders.cache)).filter(
    (file) => file.includes('.tmp-') || file.startsWith('artifacts/') || file.startsWith('work/'),
  );
  if (leftovers.length > 0) problems.push(`left in the cache: ${leftovers.slice(0, 3).join(', ')}`);
  if ((await snapshot(sentinel)) !== sentinelBefore) problems.push('the sentinel folder changed: an archive escaped');
  if (problems.length > 0) problems.push(`stderr:\n${stderr.slice(0, 1500)}`);
  // A passing case's folders go at once: a long corpus must not fill the disk.
  else await rm(join(folders.cwd, '..'), { recursive: true, force: true });
  return problems;
}

/** What issue 14 names, each of which must stay in the corpus. */
const required = [
  ...['boards/', 'recipes/', 'inventories/', 'cmdline/', 'options/'].map((category) => `${category}debug-shows-the-stack`),
  ...['dotdot-to-the-sentinel', 'absolute-name', 'character-device', 'setuid-not-declared', 'name-over-4096-bytes'].flatMap((name) => [
    `archives/${name}`,
    `debs/${name}`,
  ]),
  'archives/symlink-out-absolute-then-write',
  'debs/symlink-out-then-write',
  'archives/duplicate-file',
  'debs/duplicate-entry',
  'debs/needed-dotdot',
  'debs/interp-dotdot',
];

test('the corpus holds at least 100 cases, each named once, and every kind the issue names', () => {
  const names = cases.map((each) => each.name);
  assert.ok(names.length >= 100, `${names.length} cases`);
  assert.deepEqual(
    required.filter((name) => !names.includes(name)),
    [],
  );
  assert.deepEqual(
    names.filter((name, index) => names.indexOf(name) !== index),
    [],
  );
});

test('every bad input: one line, a user-error exit, no stack, nothing written outside out and cache', {
  timeout: 15 * 60_000,
}, async (t) => {
  const started = performance.now();
  const only = process.env.BAD_CORPUS_ONLY;
  const selected = only ? cases.filter((each) => each.name.includes(only)) : cases;
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < selected.length; index = next++) {
      const each = selected[index] as CorpusCase;
      const problems = await runCase(each);
      if (problems.length > 0) failures.push(`${each.name}: ${problems.join('; ')}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (process.env.BAD_CORPUS_LINES) await writeFile(process.env.BAD_CORPUS_LINES, `${seenLines.sort().join('\n')}\n`);
  t.diagnostic(`${selected.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  assert.equal(failures.length, 0, `${failures.length} of ${selected.length} cases failed:\n\n${failures.sort().join('\n\n')}`);
});
