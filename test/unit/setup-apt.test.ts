/**
 * scripts/setup.sh against stand-ins for apt-get, dpkg, dpkg-query, npm and sudo put
 * first on PATH (nothing on the real system is read for packages or changed): a mirror
 * mid-sync fails one index on every `apt-get update`, and set-up retries, warns in one
 * line naming that index, installs and finishes; a package apt cannot locate stops
 * set-up with one line naming it.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { projectRoot } from '../../src/paths.ts';

const failedIndex = 'http://deb.debian.org/debian-security/dists/bookworm-security/main/binary-armhf/Packages.xz';

// Every call is appended to $STANDIN_CALLS; STANDIN_UPDATE=midsync fails `update` as a
// mirror mid-sync does; STANDIN_UNKNOWN names a package apt "cannot locate".
const aptGet = `#!/bin/sh
echo "apt-get $*" >> "$STANDIN_CALLS"
case " $* " in
  *" update "*)
    if [ "$STANDIN_UPDATE" = midsync ]; then
      echo "E: Failed to fetch ${failedIndex}  File has unexpected size (334084 != 354640). Mirror sync in progress? [IP: 151.101.2.132 80]" >&2
      echo "   Hashes of expected file:" >&2
      echo "E: Some index files failed to download. They have been ignored, or old ones used instead." >&2
      exit 100
    fi
    exit 0 ;;
  *" install "*)
    for name in "$@"; do
      if [ -n "$STANDIN_UNKNOWN" ] && [ "$name" = "$STANDIN_UNKNOWN" ]; then
        echo "E: Unable to locate package $name" >&2
        exit 100
      fi
    done
    exit 0 ;;
esac
echo "apt-get stand-in: unexpected call: $*" >&2
exit 3
`;
const dpkg = `#!/bin/sh
echo "dpkg $*" >> "$STANDIN_CALLS"
case "$1" in
  --print-architecture) echo amd64 ;;
  # The pause lets a \`| grep -q\` reader exit after the first line, so a pipeline under
  # pipefail would see SIGPIPE here (as CI once did): set-up must read the list whole.
  --print-foreign-architectures) echo arm64; sleep 0.2; echo armhf ;;
  *) echo "dpkg stand-in: unexpected call: $*" >&2; exit 3 ;;
esac
`;
// Nothing is installed: every listed package is missing.
const dpkgQuery = `#!/bin/sh
echo "dpkg-query $*" >> "$STANDIN_CALLS"
exit 1
`;
const npm = `#!/bin/sh
echo "npm $*" >> "$STANDIN_CALLS"
`;
const sudo = `#!/bin/sh
exec "$@"
`;

let dir = '';
let binDir = '';
let listsDir = '';
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'emb-setup-apt-'));
  binDir = path.join(dir, 'bin');
  listsDir = path.join(dir, 'lists');
  await mkdir(binDir);
  await mkdir(listsDir);
  for (const [name, text] of Object.entries({ 'apt-get': aptGet, dpkg, 'dpkg-query': dpkgQuery, npm, npx: npm, sudo })) {
    await writeFile(path.join(binDir, name), text);
    await chmod(path.join(binDir, name), 0o755);
  }
  await writeFile(path.join(listsDir, 'common.list'), '# stand-in list\nhello\nfoo # comment\n');
  await writeFile(path.join(listsDir, 'test.list'), 'bar\n');
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function runSetup(name: string, env: Record<string, string>) {
  const calls = path.join(dir, `${name}.calls`);
  await writeFile(calls, '');
  const result = await execa('bash', [path.join(projectRoot, 'scripts', 'setup.sh'), '--no-boot'], {
    env: {
      PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      STANDIN_CALLS: calls,
      EMB_SETUP_LISTS_DIR: listsDir,
      EMB_SETUP_UPDATE_TRIES: '3',
      EMB_SETUP_UPDATE_PAUSE: '0',
      ...env,
    },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  const lines = (text: unknown) =>
    String(text)
      .split('\n')
      .filter((line) => line.trim() !== '');
  return { result, calls: lines(await readFile(calls, 'utf8')), stdout: lines(result.stdout), stderr: lines(result.stderr) };
}

test('an apt-get update that fails one index (mirror mid-sync) is retried, then set-up warns once naming it, installs and succeeds', async () => {
  const { result, calls, stdout, stderr } = await runSetup('midsync', { STANDIN_UPDATE: 'midsync', STANDIN_UNKNOWN: '' });
  assert.equal(result.exitCode, 0, `setup failed:\n${result.stdout}\n${result.stderr}`);
  assert.equal(calls.filter((call) => call.startsWith('apt-get update')).length, 3, calls.join('\n'));
  const warnings = [...stdout, ...stderr].filter((line) => /warning/i.test(line));
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.ok(warnings[0]!.includes(failedIndex), warnings[0]);
  assert.ok(!warnings[0]!.includes('\n'));
  const install = calls.find((call) => /^apt-get install .*-y/.test(call));
  assert.ok(install, calls.join('\n'));
  assert.deepEqual(install.split(' ').slice(-3), ['hello', 'foo', 'bar']);
  assert.ok(calls.includes('npm ci --no-audit --no-fund --loglevel=error'), calls.join('\n'));
  assert.ok(stdout.at(-1)?.endsWith('done'), stdout.join('\n'));
});

test('a package apt cannot locate stops set-up with one line naming it', async () => {
  const { result, calls, stderr } = await runSetup('unknown', { STANDIN_UPDATE: 'ok', STANDIN_UNKNOWN: 'foo' });
  assert.notEqual(result.exitCode, 0);
  const ours = stderr.filter((line) => line.startsWith('emb setup:'));
  assert.equal(ours.length, 1, result.stderr);
  assert.match(ours[0]!, /\bfoo\b/);
  assert.match(ours[0]!, /Unable to locate package foo/);
  assert.doesNotMatch(ours[0]!, /\b(hello|bar)\b/);
  assert.equal(stderr.at(-1), ours[0]);
  assert.ok(!calls.some((call) => call.startsWith('npm')), 'npm ran after a failed install');
});
