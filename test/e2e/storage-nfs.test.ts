/**
 * Issue 4, QEMU scenario 4: uebo.nfsdir. QEMU's user-mode network hands the guest's
 * connections to 10.0.2.2:2049 to the host's 127.0.0.1:2049, so the host decides what
 * answers there: nothing (connection refused), a listener that never says a word (the
 * mount must time out), and nfs-ganesha from Debian serving a temp dir. The first two
 * must not hold the boot up beyond the bound /lib/emb/storage.sh states; the third must
 * give the node a /storage (nosuid,nodev) it writes to and the host reads. Last, the
 * server dies (or hangs) while the node holds a file open on it: on the hard mount a
 * sync or an unmount would wait for ever, and the node must still power off (or
 * reboot) within 30 s of being asked.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import type { PackageCheck } from '../../src/boot/smoke-checks.ts';
import { bootAndCheck, type BootResult } from '../../src/boot/run-qemu.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { startQemuSession } from '../helpers/qemu-session.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';
import { waitFor } from '../helpers/wait-for.ts';

const boardName = 'qemu-aarch64';
const outRoot = await tempDir('storage-nfs');
const outDir = join(outRoot, boardName);
const { board } = await loadBoard(boardName);
const ganeshas: ResultPromise[] = [];
/** Ready time of the boot whose NFS server refused at once: the silent one may take the mount bound more. */
let refusedReadySeconds: number | undefined;
after(async () => {
  for (const ganesha of ganeshas) {
    // A stopped one (the "hangs" test) must run again to act on SIGTERM.
    ganesha.kill('SIGCONT');
    ganesha.kill('SIGTERM');
    await ganesha.catch(() => undefined);
  }
  await rm(outRoot, { recursive: true, force: true });
});

// The NFS part of the boot may take: DHCP (about 8 s per interface) + the mount (20 s).
const nfsBoundSeconds = 30;
// What a boot without storage takes at most here (TCG on shared cores), before that bound.
const plainBootSeconds = 120;

const check = (command: string, expect: string): PackageCheck => ({ package: 'storage', command, expect });

async function boot(t: TestContext, append: string, checks: PackageCheck[], log: string, expectHostname?: string): Promise<BootResult> {
  const manifest = await readManifest(outDir);
  assert.ok(manifest, 'the build wrote a manifest');
  const result = await bootAndCheck({
    board,
    outDir,
    kernelFile: manifest.kernel.file,
    append,
    timeoutSeconds: 240,
    logFile: join(outDir, log),
    packageChecks: checks,
    expectHostname,
  });
  const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}\n${c.output}`);
  assert.ok(result.ok, `boot failed: ${result.failure ?? failed.join('; ')}\n${result.consoleTail}`);
  t.diagnostic(`${log}: ready after ${result.secondsToReady.toFixed(1)} s`);
  return result;
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

async function waitForPort(port: number, seconds: number): Promise<boolean> {
  for (const end = Date.now() + seconds * 1000; Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
    if (await isListening(port)) return true;
  }
  return false;
}

/**
 * nfs-ganesha (Debian nfs-ganesha, nfs-ganesha-vfs) serving a fresh `<name>/export` as
 * NFSv4 `/nodes` on 127.0.0.1:2049, which the guest reaches as 10.0.2.2:2049.
 */
async function startGanesha(name: string, files: Record<string, string> = {}): Promise<{ exported: string; server: ResultPromise }> {
  const installed = await execa('ganesha.nfsd', ['-v'], { reject: false }).catch(() => undefined);
  assert.ok(installed && installed.exitCode === 0, 'ganesha.nfsd is not installed: apt-get install nfs-ganesha nfs-ganesha-vfs');
  assert.equal(await isListening(2049), false, 'the host port 2049 must be free for ganesha');
  const nfs = join(outRoot, name);
  const exported = join(nfs, 'export');
  await mkdir(join(nfs, 'recovery'), { recursive: true });
  await mkdir(exported, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(exported, file), text);
  const config = join(nfs, 'ganesha.conf');
  await writeFile(
    config,
    [
      'NFS_CORE_PARAM { Bind_addr = 127.0.0.1; NFS_Port = 2049; Protocols = 4; Enable_NLM = false; Enable_RQUOTA = false; }',
      `NFSV4 { RecoveryBackend = fs; RecoveryRoot = ${join(nfs, 'recovery')}; Graceless = true; Lease_Lifetime = 10; }`,
      `EXPORT { Export_Id = 1; Path = ${exported}; Pseudo = /nodes; Access_Type = RW; Squash = No_Root_Squash; Protocols = 4; Transports = TCP; SecType = sys; FSAL { Name = VFS; } }`,
      '',
    ].join('\n'),
  );
  const server = execa(
    'ganesha.nfsd',
    ['-F', '-f', config, '-L', join(nfs, 'ganesha.log'), '-p', join(nfs, 'ganesha.pid'), '-N', 'NIV_EVENT'],
    { reject: false, stdio: 'ignore' },
  );
  ganeshas.push(server);
  assert.ok(
    await waitForPort(2049, 20),
    `ganesha did not listen on 127.0.0.1:2049:\n${await readFile(join(nfs, 'ganesha.log'), 'utf8').catch(() => '')}`,
  );
  return { exported, server };
}

/** /storage's line of /proc/mounts must carry nosuid and nodev. */
const storageMountOptions = (source: string, type: string): PackageCheck =>
  check("grep ' /storage ' /proc/mounts", `^${source} /storage ${type} (?=\\S*\\bnosuid\\b)(?=\\S*\\bnodev\\b)`);

test('emb build writes the default board', { timeout: 20 * 60_000 }, async () => {
  const result = await runEmb(['build', '--board', boardName, '--out', outRoot]);
  assert.equal(result.exitCode, 0, `emb build failed:\n${result.stdout}\n${result.stderr}`);
});

test('scenario 4: an NFS server that refuses does not hold the boot up', { timeout: 5 * 60_000 }, async (t) => {
  assert.equal(await isListening(2049), false, 'nothing may listen on the host port 2049 for this test');
  const result = await boot(
    t,
    'uebo.nfsdir=10.0.2.2:/nothing',
    [check('mountpoint /storage || true', 'is not a mountpoint')],
    'console-nfs-refused.log',
  );
  const console = await readFile(join(outDir, 'console-nfs-refused.log'), 'utf8');
  assert.match(console, /emb-storage: DHCP lease on eth0 for NFS storage/);
  assert.match(console, /emb-storage: mounting 10\.0\.2\.2:\/nothing failed or timed out/);
  assert.ok(result.secondsToReady < plainBootSeconds + nfsBoundSeconds, `ready after ${result.secondsToReady.toFixed(1)} s`);
  refusedReadySeconds = result.secondsToReady;
});

test('scenario 4: an NFS server that never answers is given up after the bound', { timeout: 5 * 60_000 }, async (t) => {
  // Accepts the guest's connection and says nothing: the mount must time out.
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(2049, '127.0.0.1', resolve));
  try {
    const result = await boot(
      t,
      'uebo.nfsdir=10.0.2.2:/silent',
      [check('mountpoint /storage || true', 'is not a mountpoint')],
      'console-nfs-silent.log',
    );
    const console = await readFile(join(outDir, 'console-nfs-silent.log'), 'utf8');
    assert.match(console, /emb-storage: mounting 10\.0\.2\.2:\/silent failed or timed out/);
    assert.ok(sockets.length > 0, 'the guest did reach the silent server');
    assert.ok(result.secondsToReady < plainBootSeconds + nfsBoundSeconds, `ready after ${result.secondsToReady.toFixed(1)} s`);
    // The mount gives up after 20 s (timeout 20 mount …): a few seconds of slack for a loaded host.
    if (refusedReadySeconds !== undefined) {
      const extra = result.secondsToReady - refusedReadySeconds;
      t.diagnostic(`the silent server cost ${extra.toFixed(1)} s more than the refusing one`);
      assert.ok(extra < 20 + 10, `the silent server held the boot up ${extra.toFixed(1)} s more than the refusing one`);
    }
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('scenario 4: NFSv4 from nfs-ganesha is mounted on /storage', { timeout: 5 * 60_000 }, async (t) => {
  const { exported, server } = await startGanesha('nfs', { hostname: 'nfs-node\n' });

  await boot(
    t,
    'uebo.hostname=node-17 uebo.nfsdir=10.0.2.2:/nodes',
    [
      storageMountOptions('10\\.0\\.2\\.2:/nodes', 'nfs4'),
      check('cat /etc/hosts', '127\\.0\\.1\\.1\\s+nfs-node\\n'),
      check('echo written-over-nfs > /storage/note && sync && cat /storage/note', '^written-over-nfs\\n$'),
    ],
    'console-nfs-ganesha.log',
    'nfs-node',
  );
  // From the host: the guest's file, and the clock stage 3 saved before unmounting.
  assert.equal(await readFile(join(exported, 'note'), 'utf8'), 'written-over-nfs\n');
  assert.match(await readFile(join(exported, 'lastdate'), 'utf8'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n$/);
  const console = await readFile(join(outDir, 'console-nfs-ganesha.log'), 'utf8');
  assert.match(console, /emb-storage: \/storage unmounted/);
  // nfsv4 is an optional module: loaded for uebo.nfsdir, not at every boot.
  assert.match(console, /emb-modules: nfsv4 loaded/);
  server.kill('SIGTERM');
  await server;
});

/**
 * How the server goes away: killed (its port then refuses), or stopped (SIGSTOP: the
 * host's kernel still takes the connection and nobody answers, so every RPC waits);
 * and how the node is stopped: poweroff, or reboot (which -no-reboot makes QEMU's exit too).
 */
const serverEnds = [
  { how: 'dies', signal: 'SIGKILL', command: 'poweroff' },
  { how: 'hangs', signal: 'SIGSTOP', command: 'reboot' },
] as const;

for (const { how, signal, command } of serverEnds) {
  test(`the NFS server ${how} before ${command}: the node stops within 30 s all the same`, { timeout: 8 * 60_000 }, async (t) => {
    const { exported, server } = await startGanesha(`nfs-${how}`);
    const manifest = await readManifest(outDir);
    assert.ok(manifest, 'the build wrote a manifest');
    const logFile = join(outDir, `console-nfs-${how}.log`);
    const session = startQemuSession({ board, outDir, kernelFile: manifest.kernel.file, append: 'uebo.nfsdir=10.0.2.2:/nodes', logFile });
    try {
      const { serial } = session;
      await serial.waitFor(/EMB-READY [^\n]*\n/, 240_000);
      await waitFor('the console shell answers', 60, async () => ((await serial.run('true', 5_000)).status === 0 ? true : undefined));
      const mounts = await serial.run("grep ' /storage ' /proc/mounts", 30_000);
      assert.match(mounts.output, /^10\.0\.2\.2:\/nodes \/storage nfs4 /m, 'NFS storage is mounted');

      // A writer leaves 4 MiB in the page cache for the server and holds its file open;
      // then the server goes: data the kernel holds for a server that will never take it.
      await serial.run(
        '{ (exec 3> /storage/late; head -c 4194304 /dev/zero >&3; echo written > /tmp/written; sleep 600) > /dev/null 2>&1 & }',
        30_000,
      );
      const held = await serial.run(
        'n=0; until [ -e /tmp/written ] || [ $n -ge 30 ]; do sleep 1; n=$((n + 1)); done; cat /tmp/written; grep -E "^(Dirty|Writeback|NFS_Unstable):" /proc/meminfo',
        60_000,
      );
      assert.match(held.output, /^written$/m, `the writer wrote:\n${held.output}`);
      await waitFor("the writer's file is on the server", 10, async () => (await isFile(join(exported, 'late'))) || undefined);
      assert.ok(server.pid !== undefined && server.kill(signal), `ganesha took ${signal}`);
      if (signal === 'SIGKILL') {
        await server;
        assert.equal(await isListening(2049), false, 'the NFS server is gone');
      } else {
        await waitFor('ganesha is stopped', 10, async () =>
          (await readFile(`/proc/${server.pid}/stat`, 'utf8')).split(') ')[1]?.startsWith('T') ? true : undefined,
        );
      }
      t.diagnostic(`held for the server when it went: ${held.output.replace(/\s+/g, ' ').trim()}`);

      const asked = performance.now();
      serial.type(command);
      const exitCode = await session.waitForExit(30_000);
      const seconds = (performance.now() - asked) / 1000;
      assert.equal(exitCode, 0, `QEMU did not exit within 30 s of ${command} (exit: ${exitCode})`);
      t.diagnostic(`QEMU exited ${seconds.toFixed(1)} s after ${command} was typed; stage 3 said:`);
      const stage3 = serial.transcript.slice(serial.transcript.indexOf('emb: stopping services'));
      for (const line of stage3.split('\n').filter((text) => /^(emb|umount|EMB-HALT)/.test(text))) t.diagnostic(`  ${line}`);
      assert.match(stage3, /emb-storage: \/storage does not answer/);
      assert.match(stage3, /EMB-HALT/);
      assert.match(stage3, command === 'reboot' ? /rebooting now, without sync/ : /powering off now, without sync/);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- console tail ---\n${session.serial.tail(60)}`);
    } finally {
      await session.stop();
      if (signal === 'SIGSTOP') {
        server.kill('SIGKILL');
        await server;
      }
    }
  });
}
