/**
 * `emb doctor` on this machine (set up by scripts/setup.sh): every check passes and
 * the docker toolchain's state is reported; missing packages are found by dpkg and
 * become one apt-get line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missingDebianPackages } from '../../src/host/doctor.ts';
import { runEmb } from '../helpers/run-emb.ts';

test('emb doctor passes on a set-up host and reports the docker toolchain', async () => {
  const result = await runEmb(['doctor']);
  assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(String(result.stdout), /^ok {3}host toolchain for aarch64, armhf, amd64: \d+ packages installed$/m);
  assert.match(String(result.stdout), /^ok {3}dpkg architectures for Debian imports: .*arm64.*armhf/m);
  assert.match(String(result.stdout), /^ok {3}docker toolchain \(optional\): /m);
});

test('missing Debian packages are found by dpkg, installed ones are not reported', async () => {
  assert.deepEqual(await missingDebianPackages(['make', 'emb-no-such-package', 'gcc']), ['emb-no-such-package']);
});
