/**
 * The host toolchain hands a build step PATH, TMPDIR and the step's own variables,
 * nothing else of emb's environment: a real command (env) run through runOnHost with a
 * variable planted in this process's environment must not see it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { hostStepEnvironment } from '../../src/toolchain/host-step-env.ts';
import { runOnHost } from '../../src/toolchain/host-toolchain.ts';
import { tempDir } from '../helpers/run-emb.ts';

const dir = await tempDir('host-step-env');
after(() => execa('rm', ['-rf', dir]));

test('hostStepEnvironment keeps PATH and TMPDIR of the host, and the step wins over them', () => {
  const host = { PATH: '/usr/bin:/bin', TMPDIR: '/var/tmp', HOME: '/root', EMB_TEST_LEAK: 'x', LD_PRELOAD: '/evil.so', CFLAGS: '-O0' };
  assert.deepEqual(hostStepEnvironment({ LC_ALL: 'C' }, host), { PATH: '/usr/bin:/bin', TMPDIR: '/var/tmp', LC_ALL: 'C' });
  assert.deepEqual(hostStepEnvironment({ PATH: '/step/bin' }, { PATH: '/usr/bin' }), { PATH: '/step/bin' });
  assert.deepEqual(hostStepEnvironment({}, {}), {});
});

test("a variable planted in emb's environment does not reach a build step on the host", async () => {
  const logFile = join(dir, 'env.log');
  process.env.EMB_TEST_LEAK = 'planted-4d1f';
  process.env.LD_PRELOAD_TEST_LEAK = 'planted-too';
  try {
    const outcome = await runOnHost({ command: 'env', args: [], cwd: dir, env: { LC_ALL: 'C', DESTDIR: '/dest' }, logFile, mounts: [dir] });
    assert.equal(outcome.exitCode, 0);
  } finally {
    delete process.env.EMB_TEST_LEAK;
    delete process.env.LD_PRELOAD_TEST_LEAK;
  }
  const names = (await readFile(logFile, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => line.slice(0, line.indexOf('=')))
    .sort();
  // env itself adds nothing; the step sees exactly its own variables and the allowed ones the host has.
  const expected = ['DESTDIR', 'LC_ALL', 'PATH', ...(process.env.TMPDIR === undefined ? [] : ['TMPDIR'])].sort();
  assert.deepEqual(names, expected);
});
