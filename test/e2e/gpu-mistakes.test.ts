/**
 * Mistakes around a GPU board, each refused at plan time in one line that names the
 * file and field (or option) and says what to do, with a non-zero exit and nothing
 * written to the output folder: a driver that does not exist, firmware the driver
 * does not have, a driver for another arch, and signing options that cannot work.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { errorLines, filesUnder, runEmb, scratchDirs } from '../helpers/run-emb.ts';
import { makeSigningKey } from '../helpers/signing-key.ts';

const { scratch, removeAll } = scratchDirs();
after(removeAll);

const good = {
  description: 'a GPU board made by the gpu-mistakes test',
  arch: 'amd64',
  kernel: { provider: 'debian', package: 'linux-image-amd64', image: '/boot/vmlinuz-{kver}' },
  ramMiB: 4096,
  bootloader: { kind: 'pc-firmware', from: 'a test', maxInitrdMiB: 512 },
  modules: ['virtio_net'],
  console: 'ttyS0',
  packages: ['busybox'],
  gpu: { driver: 'nvidia-open' },
};

const mistakes: Record<string, { change: Record<string, unknown>; says: RegExp }> = {
  'no-such-driver': {
    change: { gpu: { driver: 'nvidia-closed' } },
    says: /no-such-driver\.ts: field "gpu\.driver": packages\/nvidia-closed\/driver\.ts does not exist \(name a folder under packages\/ that holds a driver\.ts\)/,
  },
  'unknown-firmware': {
    change: { gpu: { driver: 'nvidia-open', firmware: ['ga10x', 'gh100'] } },
    says: /unknown-firmware\.ts: field "gpu\.firmware": gh100 is not firmware of nvidia-open \(it has: tu10x, ga10x\)/,
  },
  'wrong-arch': {
    change: {
      arch: 'aarch64',
      kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
      dtb: 'allwinner/sun50i-a64-sopine-baseboard.dtb',
    },
    says: /wrong-arch\.ts: field "gpu\.driver": nvidia-open is for amd64, not aarch64/,
  },
};

const boardsDir = await scratch('gpu-mistakes-boards');
await writeFile(join(boardsDir, 'package.json'), '{"type":"module"}\n');
for (const [name, { change }] of Object.entries(mistakes)) {
  await writeFile(join(boardsDir, `${name}.ts`), `export default ${JSON.stringify({ ...good, name, ...change }, null, 2)};\n`);
}

async function refused(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const out = await scratch('gpu-mistakes-out');
  const result = await runEmb(['build', '--out', out, ...args], env, 60_000);
  assert.equal(result.exitCode, 1, `${args.join(' ')}: expected a refusal\n${result.stdout}\n${result.stderr}`);
  const lines = errorLines(result);
  assert.equal(lines.length, 1, `one line:\n${result.stderr}`);
  assert.doesNotMatch(String(result.stderr), /\n\s+at /, 'no stack trace');
  assert.deepEqual(await filesUnder(out), [], 'nothing written');
  return lines[0] ?? '';
}

for (const [name, { says }] of Object.entries(mistakes)) {
  test(`board ${name} is refused in one line naming the field`, { timeout: 120_000 }, async () => {
    assert.match(await refused(['--board', name], { EMB_BOARDS_DIR: boardsDir }), says);
  });
}

test('signing options that cannot work are refused before any work', { timeout: 120_000 }, async () => {
  const dir = await scratch('gpu-mistakes-keys');
  const { key, cert } = await makeSigningKey(dir, 'emb-test');
  const notKey = join(dir, 'not-a-key.txt');
  await writeFile(notKey, 'hello\n');
  assert.match(
    await refused(['--board', 'amd64-nvidia', '--module-signing-key', join(dir, 'missing.pem')]),
    /^emb: --module-signing-key \S+missing\.pem: cannot read the file \(give the path of a PEM private key\)$/,
  );
  assert.match(
    await refused(['--board', 'amd64-nvidia', '--module-signing-key', notKey]),
    /--module-signing-key \S+not-a-key\.txt: no PEM private key in it/,
  );
  assert.match(
    await refused(['--board', 'amd64-nvidia', '--module-signing-key', key]),
    /--module-signing-key \S+key\.pem holds no certificate \(give the certificate with --module-signing-cert FILE/,
  );
  assert.match(
    await refused(['--board', 'amd64-nvidia', '--module-signing-key', key, '--module-signing-cert', notKey]),
    /--module-signing-cert \S+not-a-key\.txt: not an X\.509 certificate/,
  );
  assert.match(
    await refused(['--board', 'amd64-nvidia', '--module-signing-cert', cert]),
    /--module-signing-cert was given without --module-signing-key/,
  );
  assert.match(
    await refused(['--board', 'qemu-aarch64', '--module-signing-key', key, '--module-signing-cert', cert]),
    /--module-signing-key: board qemu-aarch64 has no GPU driver, so there are no modules to sign/,
  );
});

test('emb boards check reports each GPU mistake as a problem line, in one run', { timeout: 10 * 60_000 }, async () => {
  const result = await runEmb(['boards', 'check', ...Object.keys(mistakes).filter((name) => name !== 'wrong-arch')], {
    EMB_BOARDS_DIR: boardsDir,
  });
  const out = String(result.stdout);
  assert.equal(result.exitCode, 1, out);
  assert.match(out, /no-such-driver\.ts: field "gpu\.driver": packages\/nvidia-closed\/driver\.ts does not exist/);
  assert.match(out, /unknown-firmware\.ts: field "gpu\.firmware": gh100 is not firmware of nvidia-open/);
});
