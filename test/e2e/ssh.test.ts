/**
 * Scenario 8: SSH with the build's key works through a QEMU port forward, and a
 * password login is refused (the server offers publickey only). The keys reach the
 * image through `emb build --authorized-keys`; a private key given there by mistake is
 * refused before anything is built. A build that asks for password logins
 * (`--root-password-hash`) gets them, with the password whose hash it gave.
 */
import assert from 'node:assert/strict';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import type { PackageCheck } from '../../src/boot/smoke-checks.ts';
import { bootAndCheck } from '../../src/boot/run-qemu.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { freePort } from '../helpers/free-port.ts';
import { errorLines, filesUnder, runEmb, tempDir } from '../helpers/run-emb.ts';
import { waitFor } from '../helpers/wait-for.ts';

function sshArgs(port: number, extra: string[]): string[] {
  return [
    '-p',
    String(port),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=10',
    ...extra,
    'root@127.0.0.1',
  ];
}

/**
 * Boots the built image with the guest's port 22 forwarded to a free host port, runs
 * `check` on the node and `whileUp(port)` on the host, and asserts the boot went well.
 */
async function bootWithSshForward(outDir: string, check: PackageCheck, whileUp: (port: number) => Promise<void>): Promise<void> {
  const manifest = (await readManifest(outDir))!;
  const { board } = await loadBoard('qemu-aarch64');
  const port = await freePort();
  const result = await bootAndCheck({
    board,
    outDir,
    kernelFile: manifest.kernel.file,
    timeoutSeconds: 300,
    hostForwards: [{ hostPort: port, guestPort: 22 }],
    packageChecks: [check],
    whileUp: () => whileUp(port),
  });
  assert.ok(
    result.ok,
    `boot failed: ${
      result.failure ??
      result.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.name}: ${c.detail}\n${c.output}`)
        .join('; ')
    }\n${result.consoleTail}`,
  );
}

/** The stdout of the first login that exits 0, tried every second for up to 90 s ('' if none did): dropbear starts with the other services. */
async function firstLogin(login: () => Promise<{ exitCode?: number; stdout: string }>): Promise<string> {
  try {
    return await waitFor('an SSH login', 90, async () => {
      const result = await login();
      return result.exitCode === 0 ? result.stdout.trim() : undefined;
    });
  } catch {
    return '';
  }
}

test('a private key given as --authorized-keys is refused in one line', async () => {
  const keys = await tempDir('keys');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keys, 'id')]);
  const out = await tempDir('out');
  const result = await runEmb(['build', '--out', out, '--authorized-keys', join(keys, 'id')]);
  assert.notEqual(result.exitCode, 0);
  assert.deepEqual(errorLines(result).length, 1, String(result.stderr));
  assert.match(
    errorLines(result)[0]!,
    /^emb: --authorized-keys: .*\/id:1: not an SSH public key \(this is a private key: give the \.pub file\)$/,
  );
  assert.deepEqual(await filesUnder(out), []);
});

test("SSH with the build's key logs in as root; a password login is refused", { timeout: 10 * 60_000 }, async () => {
  const keys = await tempDir('keys');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'emb-test', '-f', join(keys, 'id')]);
  const outRoot = await tempDir('ssh-dist');
  const built = await runEmb(['build', '--out', outRoot, '--authorized-keys', join(keys, 'id.pub')]);
  assert.equal(built.exitCode, 0, `${built.stdout}\n${built.stderr}`);
  const outDir = join(outRoot, 'qemu-aarch64');
  const manifest = (await readManifest(outDir))!;
  const authorized = manifest.files.find((file) => file.path === '/root/.ssh/authorized_keys');
  assert.ok(authorized, 'authorized_keys is in the image');
  let loggedIn = '';
  let passwordAttempt = { exitCode: 0 as number | undefined, stderr: '' };
  await bootWithSshForward(
    outDir,
    { package: 'ssh', command: "sv status dropbear; stat -c '%a %U' /root/.ssh/authorized_keys", expect: '^run: .*\\n600 root' },
    async (port) => {
      loggedIn = await firstLogin(() =>
        execa('ssh', [...sshArgs(port, ['-i', join(keys, 'id')]), 'echo "$(hostname) uid=$(id -u)"'], { reject: false, timeout: 30_000 }),
      );
      const attempt = await execa(
        'ssh',
        [...sshArgs(port, ['-v', '-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password,keyboard-interactive']), 'true'],
        { reject: false, timeout: 30_000 },
      );
      passwordAttempt = { exitCode: attempt.exitCode, stderr: attempt.stderr };
    },
  );
  assert.equal(loggedIn, 'emb-qemu uid=0', 'the key logs in as root');
  assert.notEqual(passwordAttempt.exitCode, 0, 'a password login fails');
  assert.match(passwordAttempt.stderr, /Authentications that can continue: publickey\r?$/m, 'the server offers publickey only');
  assert.match(passwordAttempt.stderr, /Permission denied/);
  assert.match(await readFile(join(keys, 'id.pub'), 'utf8'), /emb-test/);
  await rm(outRoot, { recursive: true, force: true });
});

test('a build given a root password hash accepts that password over SSH, and no other', { timeout: 10 * 60_000 }, async () => {
  const secrets = await tempDir('secrets');
  const password = 'correct horse battery';
  const hash = (await execa('openssl', ['passwd', '-6', '-stdin'], { input: password })).stdout.trim();
  await writeFile(join(secrets, 'root.hash'), `${hash}\n`);
  // OpenSSH reads a password only from a terminal or an askpass program.
  const askpass = async (name: string, text: string): Promise<string> => {
    const path = join(secrets, name);
    await writeFile(path, `#!/bin/sh\necho '${text}'\n`);
    await chmod(path, 0o700);
    return path;
  };
  const right = await askpass('right', password);
  const wrong = await askpass('wrong', 'not the password');
  const outRoot = await tempDir('ssh-password-dist');
  const built = await runEmb(['build', '--out', outRoot, '--root-password-hash', join(secrets, 'root.hash')]);
  assert.equal(built.exitCode, 0, `${built.stdout}\n${built.stderr}`);
  const outDir = join(outRoot, 'qemu-aarch64');
  const manifest = (await readManifest(outDir))!;
  const passwordLogin = (port: number, program: string) =>
    execa(
      'ssh',
      [
        '-p',
        String(port),
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'ConnectTimeout=10',
        '-o',
        'NumberOfPasswordPrompts=1',
        '-o',
        'PubkeyAuthentication=no',
        '-o',
        'PreferredAuthentications=password',
        'root@127.0.0.1',
        'echo "uid=$(id -u)"',
      ],
      {
        reject: false,
        timeout: 30_000,
        stdin: 'ignore',
        env: { SSH_ASKPASS: program, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
      },
    );
  let accepted = '';
  let refused = { exitCode: 0 as number | undefined, stderr: '' };
  const shadowCheck = {
    package: 'ssh',
    command: "stat -c '%a %U' /etc/shadow; cut -d: -f1 /etc/shadow | tr '\\n' ' '; grep -c '^root:\\$6\\$' /etc/shadow",
    expect: '^600 root\\nroot boinc nobody 1\\n$',
  };
  await bootWithSshForward(outDir, shadowCheck, async (port) => {
    accepted = await firstLogin(() => passwordLogin(port, right));
    const attempt = await passwordLogin(port, wrong);
    refused = { exitCode: attempt.exitCode, stderr: attempt.stderr };
  });
  assert.equal(accepted, 'uid=0', 'the password whose hash the build was given logs in as root');
  assert.notEqual(refused.exitCode, 0, 'another password fails');
  assert.match(refused.stderr, /Permission denied/);
  assert.ok(!manifest.files.some((file) => file.path === '/root/.ssh/authorized_keys'), 'no keys were given to this build');
  await rm(outRoot, { recursive: true, force: true });
  await rm(secrets, { recursive: true, force: true });
});
