/**
 * Secrets as files: reading and checking a secret file, the secrets initrd (read back
 * the kernel's way), each PXE flow's per-node secrets initrd (synthetic dist folders
 * stand in for builds; test/e2e/secrets.test.ts boots a real one), and the console
 * log's redaction of secrets cut between chunks.
 */
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { redactSecrets, SecretRedactor, secretValuesOnCmdline } from '../../src/boot/redact-secrets.ts';
import { EmbError } from '../../src/errors.ts';
import type { Manifest } from '../../src/pack/manifest.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { type BoardBuild, planTree, type PxeNode } from '../../src/pxe/plan-tree.ts';
import { writeTree } from '../../src/pxe/write-tree.ts';
import { initramfsMembers } from '../../src/repro/read-initramfs.ts';
import { readSecretOptions } from '../../src/secrets/read-secret.ts';
import { secretsInInitrd, secretsInitrd } from '../../src/secrets/secrets-archive.ts';
import { tempDir } from '../helpers/run-emb.ts';

const dir = await tempDir('secrets-unit');

async function secretFile(name: string, text: string, mode = 0o600): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, { mode });
  return path;
}

test('a secret file is one line; its final newline is dropped; a readable file is a warning', async () => {
  const warnings: string[] = [];
  const secrets = await readSecretOptions([`boinc-password=${await secretFile('ok', 's3cret-value\n', 0o644)}`], (line) =>
    warnings.push(line),
  );
  assert.equal(secrets.get('boinc-password'), 's3cret-value');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /is readable by other users of this machine \(chmod 600 /);
});

const badRows: { name: string; spec: () => Promise<string[]>; message: RegExp }[] = [
  { name: 'no =', spec: async () => ['boinc-password'], message: /expected NAME=FILE/ },
  { name: 'unknown name', spec: async () => ['ssh-key=/x'], message: /unknown secret "ssh-key"/ },
  { name: 'missing file', spec: async () => [`boinc-password=${join(dir, 'absent')}`], message: /cannot read .*absent \(ENOENT\)/ },
  { name: 'two lines', spec: async () => [`boinc-password=${await secretFile('two', 'a\nb\n')}`], message: /holds more than one line/ },
  { name: 'a space', spec: async () => [`boinc-password=${await secretFile('space', 'a b\n')}`], message: /printable ASCII/ },
  {
    name: 'given twice',
    spec: async () => {
      const file = await secretFile('twice', 'pw\n');
      return [`boinc-password=${file}`, `boinc-password=${file}`];
    },
    message: /given twice/,
  },
];

for (const row of badRows) {
  test(`--secret refused: ${row.name}`, async () => {
    await assert.rejects(
      readSecretOptions(await row.spec(), () => undefined),
      (error: unknown) => {
        assert.ok(error instanceof EmbError, String(error));
        assert.match(error.message, row.message);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      },
    );
  });
}

test('the secrets initrd: one zstd member, root-only folder and file, read back by name', async () => {
  const data = await secretsInitrd(new Map([['boinc-password', 'pw-1']]), 0);
  const members = initramfsMembers(data);
  assert.equal(members.length, 1);
  const records = new Map(members[0]?.records.map((record) => [record.name, record]));
  assert.equal(records.get('etc/emb/secrets')?.mode, 0o40700);
  assert.equal(records.get('etc/emb/secrets/boinc-password')?.mode, 0o100600);
  assert.equal(records.get('etc/emb/secrets/boinc-password')?.uid, 0);
  assert.equal(records.get('etc/emb')?.mode, 0o40755, 'the kernel chmods a folder it meets again: /etc/emb keeps its mode');
  assert.deepEqual([...secretsInInitrd(data)], [['boinc-password', 'pw-1']]);
  assert.ok(!data.toString('latin1').includes('pw-1'), 'the secret is compressed, not in the clear');
});

async function fakeBuild(boardName: string, kernelFile: string): Promise<BoardBuild> {
  const { board } = await loadBoard(boardName);
  const distDir = await tempDir(`secrets-dist-${boardName}`);
  await writeFile(join(distDir, kernelFile), `kernel of ${boardName}`);
  await writeFile(join(distDir, 'initramfs.zst'), `initramfs of ${boardName}`);
  const manifest = {
    imageKey: `key-${boardName}`,
    kernel: { file: kernelFile },
    initramfs: { file: 'initramfs.zst' },
  } as unknown as Manifest;
  return { board, distDir, manifest };
}

test("each flow gets the node's secrets initrd, 0600, and no secret in a world-readable file", async () => {
  const builds = new Map([
    ['qemu-aarch64', await fakeBuild('qemu-aarch64', 'Image')],
    ['qemu-amd64', await fakeBuild('qemu-amd64', 'vmlinuz')],
  ]);
  const secrets = await secretsInitrd(new Map([['boinc-password', 'node-pw']]), 0);
  const nodes: PxeNode[] = [
    { mac: '52:54:00:00:00:01', hostname: 'arm', board: 'qemu-aarch64', args: 'uebo.hostname=arm', secretsInitrd: secrets },
    { mac: '52:54:00:00:00:02', hostname: 'pc', board: 'qemu-amd64', args: 'uebo.hostname=pc', secretsInitrd: secrets },
    { mac: '52:54:00:00:00:03', hostname: 'plain', board: 'qemu-aarch64', args: 'uebo.hostname=plain' },
  ];
  const tree = await tempDir('secrets-tree');
  await writeTree(tree, planTree(nodes, builds), { prune: false });
  const uboot = join(tree, 'secrets/52-54-00-00-00-01/initramfs.zst');
  assert.equal((await stat(uboot)).mode & 0o777, 0o600);
  assert.deepEqual(await readFile(uboot), Buffer.concat([Buffer.from('initramfs of qemu-aarch64'), secrets]));
  assert.match(
    await readFile(join(tree, 'pxelinux.cfg/01-52-54-00-00-00-01'), 'utf8'),
    /^ {2}initrd secrets\/52-54-00-00-00-01\/initramfs\.zst$/m,
  );
  assert.match(
    await readFile(join(tree, 'pxelinux.cfg/01-52-54-00-00-00-03'), 'utf8'),
    /^ {2}initrd boards\/qemu-aarch64\/initramfs\.zst$/m,
  );
  const ipxe = join(tree, 'secrets/52-54-00-00-00-02/secrets.cpio.zst');
  assert.equal((await stat(ipxe)).mode & 0o777, 0o600);
  assert.deepEqual(await readFile(ipxe), secrets);
  assert.equal(
    await readFile(join(tree, 'ipxe/52-54-00-00-00-02.ipxe'), 'utf8'),
    [
      '#!ipxe',
      'kernel /boards/qemu-amd64/vmlinuz initrd=initramfs.zst initrd=secrets.cpio.zst console=ttyS0 uebo.hostname=pc',
      'initrd /boards/qemu-amd64/initramfs.zst',
      'initrd /secrets/52-54-00-00-00-02/secrets.cpio.zst',
      'boot',
      '',
    ].join('\n'),
  );
  const state = JSON.parse(await readFile(join(tree, '.emb-pxe.json'), 'utf8')) as { keys: Record<string, string> };
  assert.deepEqual(
    Object.keys(state.keys).filter((path) => path.startsWith('secrets/')),
    [],
    'no content key of a secret file in the world-readable record',
  );
  // A second run finds them current and writes nothing.
  const again = await writeTree(tree, planTree(nodes, builds), { prune: false });
  assert.deepEqual(again.written, []);
});

test('a secret on the command line is replaced in the log, even when cut between chunks', () => {
  const values = secretValuesOnCmdline('console=ttyAMA0 uebo.boinc.password="pw-on-line" uebo.hostname=n1');
  assert.deepEqual(values, ['pw-on-line']);
  const out: string[] = [];
  const redactor = new SecretRedactor([...values, 'file-secret'], (text) => out.push(text));
  for (const chunk of ['Kernel command line: uebo.boinc.password="pw-', 'on-line"\nfile-sec', 'ret\nend fi', 'le-secre'])
    redactor.push(chunk);
  redactor.end();
  assert.equal(out.join(''), 'Kernel command line: uebo.boinc.password="<secret>"\n<secret>\nend file-secre');
  assert.equal(redactSecrets('a pw-on-line b', values), 'a <secret> b');
});
