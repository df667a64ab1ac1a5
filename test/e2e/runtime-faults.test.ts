/**
 * Issue 14, runtime faults: seven scenarios in QEMU, each a fault the node meets at run
 * time. In every one the boot completes (the ready line) and the node answers SSH with
 * the build's key (but with no network at all, where the serial console answers instead:
 * SSH needs a network), plus the scenario's own observation:
 * - a full /storage: the services keep running, their logs say why, poweroff is clean;
 * - a module in the load list missing from the image: one console line names it;
 * - no network device: the network service says so once; the console answers;
 * - DNS that answers nothing (a loopback server on the host that drops every query):
 *   the boot is not held up, the services stay up, SSH logs in;
 * - Consul down at boot, then up, then restarted empty: the exporters are registered,
 *   and registered again within a bound. Consul cannot run here: a stand-in
 *   (test/helpers/consul-stand-in.ts) plays its catalog API;
 * - a service whose run script exits at once every time: runit restarts it at most
 *   once a second and its log stays within svlogd's size bounds;
 * - the clock far in the past (QEMU's RTC in 2001): nothing wedges, ntpd says why
 *   TLS will fail until it has set the clock.
 * One build of the lean board (source kernel, quick boot); a scenario that needs another
 * image edits the built one (test/helpers/initramfs-edit.ts) instead of building again.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { execa } from 'execa';
import { qemuLaunch } from '../../src/boot/qemu-args.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import type { Board } from '../../src/schema/board.ts';
import { callsByService, startConsulStandIn } from '../helpers/consul-stand-in.ts';
import { freePort } from '../helpers/free-port.ts';
import { readCpio, writeEditedInitramfs } from '../helpers/initramfs-edit.ts';
import { startQemuProcess, type QemuSession } from '../helpers/qemu-session.ts';
import { runEmb, scratchDirs } from '../helpers/run-emb.ts';
import { waitFor } from '../helpers/wait-for.ts';

const boardName = 'qemu-aarch64-lean';
const { board } = await loadBoard(boardName);
const { scratch, removeAll } = scratchDirs();
after(removeAll);
const work = await scratch('runtime-faults');
const outDir = join(work, boardName);
const key = join(work, 'id');

/** The guest's uptime (seconds) in the ready line: guest time, not the loaded host's. */
const readyUptime = (line: string): number => Number(/uptime=([\d.]+)/.exec(line)?.[1]);

test('emb build writes the lean board with an SSH key', { timeout: 20 * 60_000 }, async () => {
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'runtime-faults', '-f', key]);
  const result = await runEmb(['build', '--board', boardName, '--out', work, '--authorized-keys', `${key}.pub`]);
  assert.equal(result.exitCode, 0, `emb build failed:\n${result.stdout}\n${result.stderr}`);
});

interface BootSpec {
  /** Names the console log and the scenario's folder. */
  name: string;
  append?: string;
  /** Edits of the built image for this boot (booted from a folder of its own). */
  edits?: Parameters<typeof writeEditedInitramfs>[2];
  /** The QEMU devices instead of the board's (its user-mode network). */
  devices?: readonly string[];
  qemuArgs?: readonly string[];
  /** Runs QEMU inside a mount namespace whose /etc/resolv.conf is this file (libslirp forwards the guest's DNS to its servers). */
  resolvConf?: string;
}

interface Node {
  readyLine: string;
  /** The host port forwarded to the guest's SSH server; undefined without a network. */
  sshPort: number | undefined;
  /** Runs a shell command on the serial console. */
  run(command: string, timeoutMs?: number): Promise<string>;
  transcript(): string;
  /** `poweroff` on the console; resolves with QEMU's exit code (undefined: not within 90 s). */
  powerOff(): Promise<number | undefined>;
  stop(): Promise<void>;
}

async function bootNode(t: TestContext, spec: BootSpec): Promise<Node> {
  const manifest = await readManifest(outDir);
  assert.ok(manifest, 'the build wrote a manifest');
  let dir = outDir;
  if (spec.edits) {
    dir = await scratch(`runtime-faults-${spec.name}`);
    await symlink(join(outDir, manifest.kernel.file), join(dir, manifest.kernel.file));
    await writeEditedInitramfs(await readCpio(join(outDir, 'initramfs.zst')), join(dir, 'initramfs.zst'), spec.edits);
  }
  const devices = spec.devices ?? board.qemu!.devices;
  const sshPort = devices.some((arg) => arg.startsWith('user')) ? await freePort() : undefined;
  const bootBoard: Board = { ...board, qemu: { ...board.qemu!, devices: [...devices] } };
  const launch = qemuLaunch(bootBoard, dir, manifest.kernel.file, {
    append: spec.append,
    extraArgs: spec.qemuArgs,
    hostForwards: sshPort === undefined ? [] : [{ hostPort: sshPort, guestPort: 22 }],
  });
  const [binary, args] = spec.resolvConf
    ? [
        'unshare',
        [
          '-m',
          '--propagation',
          'private',
          '--',
          'sh',
          '-c',
          'mount --bind "$0" /etc/resolv.conf && exec "$@"',
          spec.resolvConf,
          launch.binary,
          ...launch.args,
        ],
      ]
    : [launch.binary, launch.args];
  const session: QemuSession = startQemuProcess(binary, args, join(work, `console-${spec.name}.log`));
  try {
    const ready = await session.serial.waitFor(/EMB-READY [^\n]*\n/, 180_000);
    t.diagnostic(`${spec.name}: ${ready[0].trim()}`);
    // The console shell starts just after the ready line: a line typed before may be lost.
    await waitFor('the console shell answers', 60, () =>
      session.serial.run('true', 5000).then(
        () => true,
        () => undefined,
      ),
    );
    return {
      readyLine: ready[0].trim(),
      sshPort,
      run: async (command, timeoutMs = 30_000) => (await session.serial.run(command, timeoutMs)).output,
      transcript: () => session.serial.transcript,
      async powerOff() {
        session.serial.type('poweroff');
        return session.waitForExit(90_000);
      },
      stop: () => session.stop(),
    };
  } catch (error) {
    await session.stop();
    throw new Error(`${spec.name}: ${String(error)}\n${session.serial.tail()}`);
  }
}

/** Logs in over SSH with the build's key (tried every 2 s for up to 90 s: dropbear starts with the other services); what the command printed. */
async function sshLogin(port: number, command: string): Promise<string> {
  const args = ['-p', String(port), '-i', key, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'];
  args.push('-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', 'root@127.0.0.1', command);
  return waitFor(
    'an SSH login with the build key',
    90,
    async () => {
      const result = await execa('ssh', args, { reject: false, timeout: 30_000 });
      return result.exitCode === 0 ? result.stdout.trim() : undefined;
    },
    2000,
  );
}

/** Each service's pid (`sv status`), for telling whether one was restarted. */
async function servicePids(node: Node): Promise<Record<string, string>> {
  const status = await node.run('sv status /etc/service/*');
  return Object.fromEntries(
    [...status.matchAll(/^(\w+): \/etc\/service\/([\w-]+): (?:\(pid (\d+)\))?/gm)].map(([, state, name, pid]) => [
      name,
      state === 'run' ? pid : state,
    ]),
  );
}

/** Asserts every service but `except` runs and kept its process for 5 s (guest time): none wedged or crash-looping. */
async function assertServicesStable(node: Node, except: readonly string[] = []): Promise<void> {
  const before = await servicePids(node);
  await node.run('sleep 5');
  const now = await servicePids(node);
  for (const name of except) {
    delete before[name];
    delete now[name];
  }
  assert.ok(Object.keys(now).length >= 5, `the services: ${JSON.stringify(now)}`);
  for (const [name, pid] of Object.entries(now)) assert.match(pid, /^\d+$/, `${name} runs: ${JSON.stringify(now)}`);
  assert.deepEqual(now, before, 'no service was restarted in 5 s');
}

/** Powers the node off from its console and asserts QEMU ended by itself (status 0). */
async function assertCleanPowerOff(node: Node): Promise<void> {
  const code = await node.powerOff();
  assert.equal(code, 0, `poweroff: QEMU's exit code ${code} (undefined: still running after 90 s)\n${node.transcript().slice(-3000)}`);
}

/** Boots `spec`, runs `body` with the node up, always kills QEMU. */
async function scenario(t: TestContext, spec: BootSpec, body: (node: Node) => Promise<void>): Promise<void> {
  const node = await bootNode(t, spec);
  try {
    await body(node);
  } finally {
    await node.stop();
  }
}

test('a full /storage: the services keep running, their logs say why, poweroff is clean', { timeout: 5 * 60_000 }, async (t) => {
  const disk = await fullDisk(await scratch('runtime-faults-disk'));
  await scenario(
    t,
    { name: 'full-storage', qemuArgs: ['-drive', `file=${disk},if=none,format=raw,id=d0`, '-device', 'virtio-blk-pci,drive=d0'] },
    async (node) => {
      assert.match(node.transcript(), /emb-storage: \/dev\/vda mounted on \/storage/);
      assert.match(await node.run('df -k /storage | awk \'NR == 2 { print "available=" $4 }\''), /^available=0\s*$/m);
      assert.equal(await sshLogin(node.sshPort!, 'echo "ssh on $(hostname)"'), 'ssh on emb-qemu-lean');
      // dropbear could not keep its host key on the full disk: it made one for this boot and said why.
      assert.match(
        await node.run('cat /var/log/dropbear/current'),
        /dropbear: .*No space left on device.*this boot's host key is in \/run\/emb\/dropbear/,
      );
      await assertServicesStable(node, ['boinc']);
      // BOINC cannot make its data folder: its log says why (it retries every 60 s).
      assert.match(await node.run('cat /var/log/boinc/current'), /No space left on device/);
      await assertCleanPowerOff(node);
      assert.match(node.transcript(), /emb-storage: saving the clock to \/storage\/lastdate failed.*No space left on device/);
      assert.match(node.transcript(), /emb-storage: \/storage unmounted/);
    },
  );
  const fsck = await execa('e2fsck', ['-fn', disk], { reject: false });
  assert.equal(fsck.exitCode, 0, `the disk is clean after the boot:\n${fsck.stdout}\n${fsck.stderr}`);
});

/** An ext4 disk labelled storage, 16 MiB, with no free block: a seed file takes every one (no blocks reserved for root). */
async function fullDisk(dir: string): Promise<string> {
  const disk = join(dir, 'full.img');
  const freeBlocks = async (): Promise<{ free: number; size: number }> => {
    const { stdout } = await execa('dumpe2fs', ['-h', disk], { stderr: 'ignore' });
    return { free: Number(/^Free blocks:\s+(\d+)/m.exec(stdout)?.[1]), size: Number(/^Block size:\s+(\d+)/m.exec(stdout)?.[1]) };
  };
  const mkfs = (seed?: string) =>
    execa('sh', ['-c', 'rm -f "$0" && truncate -s 16M "$0" && mkfs.ext4 -q -F -m 0 -L storage ${1:+-d "$1"} "$0"', disk, seed ?? ''], {
      reject: false,
    });
  await mkfs();
  const empty = await freeBlocks();
  const seed = join(dir, 'seed');
  // The file's bytes are not zeros: mkfs -d would leave a file of zeros sparse. Its extents fit in the inode.
  await execa('mkdir', ['-p', seed]);
  await writeFile(join(seed, 'filler'), Buffer.alloc(empty.free * empty.size, 'full '));
  assert.equal((await mkfs(seed)).exitCode, 0, 'mkfs.ext4 -d fills the disk');
  assert.equal((await freeBlocks()).free, 0, 'no block is left free');
  return disk;
}

test('a module in the load list missing from the image: one console line names it, the boot goes on', {
  timeout: 4 * 60_000,
}, async (t) => {
  const manifest = (await readManifest(outDir))!;
  // Two modules of nfsv4's chain made boot modules, the second one's file left out of the image.
  const [present, missing] = manifest.modules.optional.find((module) => module.name === 'nfsv4')!.loadOrder;
  assert.ok(present && missing);
  await scenario(
    t,
    { name: 'missing-module', edits: { replace: { '/etc/emb/modules.load': `${present}\n${missing}\n` }, drop: [missing] } },
    async (node) => {
      const lines = node
        .transcript()
        .split('\n')
        .filter((line) => line.includes(missing));
      assert.equal(lines.length, 1, `one console line names ${missing}:\n${lines.join('\n')}`);
      assert.match(lines[0]!, /^emb-modules: .* is in the load list but not in the image: skipped/);
      assert.match(node.transcript(), /emb-modules: 1 loaded, 1 failed/);
      const name = present.replace(/^.*\//, '').replace(/\.ko.*$/, '');
      assert.match(await node.run(`[ -d /sys/module/${name} ] && echo ${name} loaded`), new RegExp(`^${name} loaded`, 'm'));
      assert.equal(await sshLogin(node.sshPort!, 'echo ssh-ok'), 'ssh-ok');
      await assertServicesStable(node, ['boinc']);
      await assertCleanPowerOff(node);
    },
  );
});

test('no network device at all: the boot completes and the serial console answers (SSH needs a network)', {
  timeout: 4 * 60_000,
}, async (t) => {
  await scenario(t, { name: 'no-network', devices: ['-nic', 'none'] }, async (node) => {
    assert.equal(node.sshPort, undefined);
    assert.match(await node.run('echo /sys/class/net/*'), /^\/sys\/class\/net\/lo\s*$/);
    assert.match(await node.run('echo "console answers on $(hostname)"'), /^console answers on emb-qemu-lean/m);
    await assertServicesStable(node, ['boinc']);
    const network = await node.run('cat /var/log/network/current');
    assert.equal(network.match(/network: no network interface/g)?.length, 1, `the network service says so once:\n${network}`);
    t.diagnostic(`no network: ready at guest uptime ${readyUptime(node.readyLine)} s`);
    await assertCleanPowerOff(node);
  });
});
