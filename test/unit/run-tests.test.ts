/**
 * The test runner behind `npm test` and `npm run test:unit`: under CI=true a skipped or
 * todo test fails the run and is named with its reason; without CI the same run passes.
 * The spec summary (`ℹ pass N`) is printed either way.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { execa } from 'execa';
import { projectRoot } from '../../src/paths.ts';
import { skipOrFail } from '../helpers/skip-or-fail.ts';
import { ciIsOn, describeSkips } from '../runner/run-tests.ts';

const fixture = path.join('test', 'fixtures', 'runner', 'skipping.fixture.ts');

function runRunner(ci: string) {
  const env: Record<string, string | undefined> = { ...process.env, CI: ci, NODE_TEST_CONTEXT: undefined };
  return execa(process.execPath, ['--import', 'tsx', path.join('test', 'runner', 'run-tests.ts'), fixture], {
    cwd: projectRoot,
    env,
    extendEnv: false,
    reject: false,
    timeout: 120_000,
  });
}

test('under CI=true a skipped test and a todo test fail the run, each named with its reason', async () => {
  const result = await runRunner('true');
  assert.equal(result.exitCode, 1, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /ℹ pass 1\b/);
  assert.match(
    result.stderr,
    /skip: fixture: skipped one \(test\/fixtures\/runner\/skipping\.fixture\.ts\): fixture-tool is not installed \(apt-get install fixture-tool\)/,
  );
  assert.match(result.stderr, /todo: fixture: todo one .*: not written yet/);
});

test('without CI the same skips pass, and the summary is printed', async () => {
  const result = await runRunner('');
  assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /ℹ pass 1\b/);
  assert.match(result.stdout, /ℹ skipped 1\b/);
  assert.equal(result.stderr.trim(), '');
});

test('CI is on for true, 1 and yes; describeSkips names the file relative to the project', () => {
  assert.deepEqual(
    ['true', 'TRUE', '1', 'yes', '', 'false', '0', undefined].map((CI) => ciIsOn({ CI })),
    [true, true, true, true, false, false, false, false],
  );
  assert.deepEqual(
    describeSkips([{ kind: 'skip', name: 'a', file: path.join(projectRoot, 'test/unit/x.test.ts'), reason: 'no gcc' }], projectRoot),
    ['skip: a (test/unit/x.test.ts): no gcc'],
  );
});

test('skipOrFail skips with the reason, or throws it under CI=true', () => {
  const saved = process.env.CI;
  try {
    const skipped: string[] = [];
    const t = { skip: (reason: string) => skipped.push(reason) } as unknown as TestContext;
    process.env.CI = '';
    skipOrFail(t, 'no gcc (apt-get install gcc)');
    assert.deepEqual(skipped, ['no gcc (apt-get install gcc)']);
    process.env.CI = 'true';
    assert.throws(
      () => skipOrFail(t, 'no gcc (apt-get install gcc)'),
      /^Error: no gcc \(apt-get install gcc\) \(CI=true: a test that cannot run fails instead of skipping\)$/,
    );
    assert.equal(skipped.length, 1);
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
});
