/**
 * emb in a pipeline whose reader stops early (`emb packages | head -1`): a normal end
 * for a Unix tool, so exit 0 and nothing on stderr, not an unhandled EPIPE.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { projectRoot } from '../../src/paths.ts';

test('a reader that closes the pipe at once ends emb quietly with exit 0', async () => {
  // `true` reads nothing and exits: every write of emb's gets EPIPE.
  const script = `"${process.execPath}" "${join(projectRoot, 'bin', 'emb.js')}" packages --json | true; echo "emb exit $\{PIPESTATUS[0]}" >&2`;
  const result = await execa('bash', ['-c', script], { cwd: projectRoot, reject: false });
  assert.equal(String(result.stderr).trim(), 'emb exit 0');
});
