/**
 * Secrets never touch the command line or a world-readable output. Three unique secrets
 * are planted: one through `emb build --secret boinc-password=FILE`, one through an
 * inventory node's `secrets:` for `emb pxe`, and one the less safe way, as
 * uebo.boinc.password on the command line of the boot (which the console shows). The
 * default board is built, the tree written, and the build booted once as `emb qemu`
 * boots it (the image with its secrets initrd after it) with a storage disk, so the
 * BOINC service runs: its gui_rpc_auth.cfg holds the build's secret (the file wins over
 * the command line), the secret file is root's alone, and /proc/cmdline does not hold
 * it. Then every output is searched for each secret, zstd/cpio images unpacked the
 * kernel's way: the dist folder (console log included), the PXE tree, the cache files
 * this run wrote and the CLI's own output. A file that holds a secret must be 0600; the
 * console log, manifest.json and every world-readable file hold none.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { bootInitrd } from '../../src/boot/boot-initrd.ts';
import { bootAndCheck } from '../../src/boot/run-qemu.ts';
import { cacheDir } from '../../src/paths.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { initramfsMembers } from '../../src/repro/read-initramfs.ts';
import { secretKinds } from '../../src/secrets/secret-names.ts';
import { storageDisk } from '../helpers/boinc-state.ts';
import { filesUnder, runEmb, tempDir } from '../helpers/run-emb.ts';

const boardName = 'qemu-aarch64';
const { board } = await loadBoard(boardName);
const work = await tempDir('secrets');
after(() => rm(work, { recursive: true, force: true }));

const secret = (what: string): string => `emb-planted-${what}-${randomBytes(12).toString('hex')}`;
const planted = { build: secret('build'), node: secret('node'), cmdline: secret('cmdline') };
const mac = '52:54:00:e0:00:51';

/** Every text a file yields: its bytes, and each cpio archive inside it when it is a (zstd) initramfs. */
function textsOf(data: Buffer): string[] {
  const texts = [data.toString('latin1')];
  try {
    for (const member of initramfsMembers(data)) texts.push(member.archive.toString('latin1'));
  } catch {
    // Not an initramfs: the bytes alone.
  }
  return texts;
}

interface Finding {
  file: string;
  secret: string;
  mode: number;
}

/** Which planted secrets each file under `root` holds (files `since` or later, when given), with the file's mode. */
async function secretsUnder(root: string, since?: number): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const name of await filesUnder(root)) {
    const path = join(root, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile() || (since !== undefined && info.mtimeMs < since)) continue;
    const texts = textsOf(await readFile(path));
    for (const [what, value] of Object.entries(planted))
      if (texts.some((text) => text.includes(value))) findings.push({ file: path, secret: what, mode: info.mode & 0o777 });
  }
  return findings;
}

test('planted secrets reach the node as root-only files and no world-readable output', { timeout: 20 * 60_000 }, async (t) => {
  const started = Date.now() - 1000;
  const outRoot = join(work, 'dist');
  const outDir = join(outRoot, boardName);
  const buildSecretFile = join(work, 'input', 'build-secret');
  const nodeSecretFile = join(work, 'input', 'node-secret');
  await mkdir(join(work, 'input'), { recursive: true });
  await writeFile(buildSecretFile, `${planted.build}\n`, { mode: 0o600 });
  await writeFile(nodeSecretFile, `${planted.node}\n`, { mode: 0o600 });

  const inventory = join(work, 'input', 'nodes.yaml');
  await writeFile(
    inventory,
    [
      `nodes:`,
      `  - mac: "${mac}"`,
      '    hostname: sec01',
      `    board: ${boardName}`,
      '    secrets:',
      '      boinc-password: node-secret',
      '',
    ].join('\n'),
  );
  const tree = join(work, 'tree');
  const pxe = await runEmb(['pxe', '--inventory', inventory, '--out', tree, '--dist', outRoot]);
  assert.equal(pxe.exitCode, 0, `emb pxe failed:\n${pxe.stdout}\n${pxe.stderr}`);

  // Then the build with its secret: a later build of dist/<board> (emb pxe builds it too) replaces the
  // folder, secrets.cpio.zst included, so the build that is booted below comes last.
  const built = await runEmb(['build', '--board', boardName, '--out', outRoot, '--secret', `boinc-password=${buildSecretFile}`]);
  assert.equal(built.exitCode, 0, `emb build failed:\n${built.stdout}\n${built.stderr}`);
  assert.match(String(built.stdout), /secrets +boinc-password -> secrets\.cpio\.zst \(0600/);

  // The node's own initrd: the board's image with the node's secret after it, 0600, named by its pxelinux config.
  const nodeInitrd = join(tree, 'secrets', mac.replaceAll(':', '-'), 'initramfs.zst');
  assert.equal((await stat(nodeInitrd)).mode & 0o777, 0o600);
  const pxelinux = await readFile(join(tree, 'pxelinux.cfg', `01-${mac.replaceAll(':', '-')}`), 'utf8');
  assert.match(pxelinux, new RegExp(`^  initrd secrets/${mac.replaceAll(':', '-')}/initramfs\\.zst$`, 'm'));
  const records = initramfsMembers(await readFile(nodeInitrd)).flatMap((member) => member.records);
  const secretRecord = records.filter((record) => record.name === secretKinds['boinc-password'].path.slice(1)).at(-1);
  assert.equal(
    secretRecord?.body.toString(),
    `${planted.node}\n`,
    "the last record of the secret file (the one the kernel keeps) is the node's",
  );
  assert.deepEqual([secretRecord?.mode, secretRecord?.uid, secretRecord?.gid], [0o100600, 0, 0]);

  // One boot as emb qemu boots the build, with a storage disk so the BOINC service runs.
  const manifest = await readManifest(outDir);
  assert.ok(manifest);
  const disk = join(work, 'storage.img');
  await mkdir(join(work, 'seed'), { recursive: true });
  await storageDisk(disk, join(work, 'seed'));
  const initrd = await bootInitrd(outDir);
  const logFile = join(outDir, 'qemu-console.log');
  let guest = '';
  try {
    const result = await bootAndCheck({
      board,
      outDir,
      kernelFile: manifest.kernel.file,
      append: `uebo.boinc.password=${planted.cmdline}`,
      timeoutSeconds: 600,
      logFile,
      initrd: initrd.path,
      secrets: initrd.secrets,
      qemuArgs: ['-drive', `file=${disk},if=none,format=raw,id=d0`, '-device', 'virtio-blk-pci,drive=d0'],
      whileUp: async (run) => {
        // Nothing typed here names a secret: the console would show it. Hashes and yes/no only.
        const { output } = await run(
          [
            'for i in $(seq 60); do [ -s /storage/boinc/gui_rpc_auth.cfg ] && break; sleep 1; done',
            'sha256sum < /storage/boinc/gui_rpc_auth.cfg',
            'stat -c "%a %U:%G %n" /etc/emb/secrets /etc/emb/secrets/boinc-password',
            'grep -qF -f /etc/emb/secrets/boinc-password /proc/cmdline && echo cmdline-holds-the-file-secret || echo cmdline-clean',
            'grep -c "uebo.boinc.password=" /proc/cmdline',
            'grep -h "comes from" /var/log/boinc/current',
          ].join('; '),
          90_000,
        );
        guest = output;
      },
    });
    assert.ok(
      result.ok,
      `boot failed: ${result.failure ?? result.checks.filter((check) => !check.ok).map((check) => check.name)}\n${result.consoleTail}`,
    );
  } finally {
    await initrd.dispose();
  }
  t.diagnostic(guest.trim());
  const expectedHash = createHash('sha256').update(`${planted.build}\n`).digest('hex');
  assert.match(guest, new RegExp(`^${expectedHash}  -$`, 'm'), "gui_rpc_auth.cfg holds the build's secret, not the command line's");
  assert.match(guest, /^700 root:root \/etc\/emb\/secrets\n600 root:root \/etc\/emb\/secrets\/boinc-password$/m);
  assert.match(guest, /^cmdline-clean$/m);
  assert.match(guest, /^1$/m, 'the command-line secret is on /proc/cmdline: the less safe way, planted on purpose');
  assert.match(
    guest,
    /the GUI RPC password comes from \/etc\/emb\/secrets\/boinc-password; uebo\.boinc\.password on the command line is ignored/,
  );

  // The console log shows the command line with the secret replaced.
  const consoleLog = await readFile(logFile, 'utf8');
  assert.match(consoleLog, /uebo\.boinc\.password=<secret>/);

  // Every output: dist (console log included), the tree, what this run wrote into the cache, the CLI's output.
  const findings = [
    ...(await secretsUnder(outRoot)),
    ...(await secretsUnder(tree)),
    ...(await secretsUnder(cacheDir(), started)),
    ...(await secretsUnder(join(work, 'input'))).filter((finding) => ![buildSecretFile, nodeSecretFile].includes(finding.file)),
  ];
  const shown = findings.map((finding) => `${relative(work, finding.file)} (${finding.mode.toString(8)}): ${finding.secret}`);
  t.diagnostic(`files holding a planted secret: ${shown.join(', ') || 'none'}`);
  assert.deepEqual(
    findings.filter((finding) => (finding.mode & 0o077) !== 0),
    [],
    `a file others can read holds a secret: ${shown.join(', ')}`,
  );
  // dist/<board> is a link to its current generation folder, which is where the files are found.
  const distSecrets = await realpath(join(outDir, 'secrets.cpio.zst'));
  const allowed = [distSecrets, nodeInitrd];
  assert.deepEqual(
    findings.filter((finding) => !allowed.includes(finding.file)).map((finding) => relative(work, finding.file)),
    [],
    'only the two secrets initrds hold a secret',
  );
  assert.deepEqual(
    findings.map((finding) => [relative(work, finding.file), finding.secret]).sort(),
    [
      [relative(work, distSecrets), 'build'],
      [relative(work, nodeInitrd), 'node'],
    ].sort(),
  );
  for (const output of [built.stdout, built.stderr, pxe.stdout, pxe.stderr].map(String))
    for (const value of Object.values(planted)) assert.ok(!output.includes(value), 'the CLI never prints a secret');
});
