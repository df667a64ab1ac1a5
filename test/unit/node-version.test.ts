/**
 * bin/emb.js refuses a Node older than 22.15 in one line, before loading anything an
 * old Node could fail on; 22.15 and later (24, 26) go on.
 */
import assert from 'node:assert/strict';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { nodeVersionProblem } from '../../bin/node-version.js';
import { projectRoot } from '../../src/paths.ts';

test('Node 22.15 and later will do; older ones get the one-line refusal', () => {
  for (const version of ['22.15.0', '22.23.5', 'v24.0.0', '24.11.1', '26.1.0'])
    assert.equal(nodeVersionProblem(version), undefined, version);
  assert.equal(
    nodeVersionProblem('20.20.2'),
    'emb needs Node 22.15 or later (this is v20.20.2): run it through npx/npm, which uses the Node that npm ci installed, or install Node 22/24',
  );
  for (const version of ['22.14.0', 'v22.0.1', '18.19.0', '21.99.0'])
    assert.match(nodeVersionProblem(version) ?? '', /^emb needs Node 22\.15 or later \(this is v\d+\.\d+\.\d+\): [^\n]+$/, version);
  assert.equal(nodeVersionProblem(), undefined, `this test runs on ${process.version}`);
});

test('bin/emb.js on this Node runs; on an older Node found on the machine it refuses in one line', async (t) => {
  const ok = await execa(process.execPath, [path.join(projectRoot, 'bin', 'emb.js'), 'packages'], {
    cwd: projectRoot,
    reject: false,
    timeout: 60_000,
  });
  assert.equal(ok.exitCode, 0, ok.stderr);
  // Debian's own node (bookworm: 18, this CI host's: 20) is older than emb's: the refusal for real.
  const old = '/usr/bin/node';
  if (
    !(await access(old, constants.X_OK).then(
      () => true,
      () => false,
    ))
  )
    return t.diagnostic(`no ${old}: the refusal is checked as a function only`);
  const version = (await execa(old, ['--version'])).stdout.trim();
  const refused = await execa(old, [path.join(projectRoot, 'bin', 'emb.js'), 'packages'], {
    cwd: projectRoot,
    reject: false,
    timeout: 60_000,
  });
  if (nodeVersionProblem(version) === undefined) {
    assert.equal(refused.exitCode, 0, refused.stderr);
    return t.diagnostic(`${old} is ${version}, new enough: the refusal is checked as a function only`);
  }
  assert.equal(refused.exitCode, 1);
  assert.equal(refused.stdout, '');
  assert.equal(refused.stderr, nodeVersionProblem(version));
});
