/**
 * Runs node's test runner on the given files (node test flags such as
 * --test-concurrency=1 pass through): the spec report on stdout, with its final
 * `ℹ pass N` summary, and the exit code of the run. Under CI=true a skipped or todo
 * test fails the run, named with its reason: on CI a skip means a tool or a service
 * is missing, which is a broken CI machine, not a pass.
 *
 *   node --import tsx test/runner/run-tests.ts [--test-…] files…
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../../src/paths.ts';
import { ciIsOn } from '../helpers/skip-or-fail.ts';
import type { SkippedTest } from './skip-reporter.ts';

const reporter = fileURLToPath(new URL('./skip-reporter.ts', import.meta.url));

export { ciIsOn };

/** One line per skipped test: `skip: name (file): reason` (lines under tsx are not the source's). */
export function describeSkips(skips: readonly SkippedTest[], cwd = process.cwd()): string[] {
  return skips.map((skip) => {
    const where = skip.file ? ` (${path.relative(cwd, skip.file.startsWith('file:') ? fileURLToPath(skip.file) : skip.file)})` : '';
    return `${skip.kind}: ${skip.name}${where}: ${skip.reason}`;
  });
}

async function main(args: string[]): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'emb-run-tests-'));
  const skipsFile = path.join(dir, 'skips.jsonl');
  try {
    // A runner started from inside a test (the self-test) must not act as that test's child.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    // emb keeps Node's compile cache (and stripped sources) in its cache folder; a test
    // with a cache folder of its own would start every emb it runs cold. One shared
    // compile cache keeps them warm: it holds code, never build results.
    env.NODE_COMPILE_CACHE ??= path.join(cacheDir(), 'node-compile-cache');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        `--test-reporter=${reporter}`,
        `--test-reporter-destination=${skipsFile}`,
        ...args,
      ],
      { stdio: 'inherit', env },
    );
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const code = await new Promise<number>((resolve) =>
      child.on('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 + 15 : 1))),
    );
    const text = await readFile(skipsFile, 'utf8').catch(() => '');
    const skips = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as SkippedTest);
    if (skips.length > 0 && ciIsOn(process.env)) {
      console.error(`run-tests: CI=true and ${skips.length} test(s) did not run; on CI every test must run:`);
      for (const line of describeSkips(skips)) console.error(`  ${line}`);
      return code === 0 ? 1 : code;
    }
    return code;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
