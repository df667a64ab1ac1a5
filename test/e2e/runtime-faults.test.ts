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
import { symlink, writeFile } from 'node:fs/promises';
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

/** The node's log file once it matches `pattern` (read every second for up to `seconds`); on a timeout, the error shows the log. */
async function logOnceItSays(node: Node, file: string, pattern: RegExp, seconds = 60): Promise<string> {
  let last = '';
  try {
    return await waitFor(`${file} says ${pattern}`, seconds, async () => {
      last = await node.run(`cat ${file}`);
      return pattern.test(last) ? last : undefined;
    });
  } catch (error) {
    throw new Error(`${String(error)}\n${file}:\n${last}`);
  }
}

/** Asserts the console transcript matches `pattern`, showing its last lines when it does not. */
function assertConsoleSays(node: Node, pattern: RegExp): void {
  assert.match(node.transcript(), pattern, `the console:\n${node.transcript().split('\n').slice(-60).join('\n')}`);
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
      assertConsoleSays(node, /emb-storage: \/dev\/vda mounted on \/storage/);
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
      assertConsoleSays(node, /emb-storage: saving the clock to \/storage\/lastdate failed \(0 KiB free\)/);
      assertConsoleSays(node, /emb-storage: \/storage unmounted/);
    },
  );
  // Nothing was written over: no lastdate (the disk had none), no temp file left behind.
  const { stdout: top } = await execa('debugfs', ['-R', 'ls -l /', disk], { stderr: 'ignore' });
  assert.doesNotMatch(top, /lastdate/, `the disk's top folder:\n${top}`);
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
      assertConsoleSays(node, /emb-modules: 1 loaded, 1 failed/);
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

test('DNS that answers nothing: the boot is not held up, the services stay up, SSH logs in', { timeout: 4 * 60_000 }, async (t) => {
  // libslirp forwards the guest's DNS (10.0.2.3) to the servers in the host's
  // /etc/resolv.conf: QEMU runs in a mount namespace whose resolv.conf names a loopback
  // server of the test's that reads every query and answers none.
  const dir = await scratch('runtime-faults-dns');
  const silent = createSocket('udp4');
  let queries = 0;
  silent.on('message', () => queries++);
  await new Promise<void>((resolve, reject) => {
    silent.once('error', (error) =>
      reject(new Error(`the silent DNS server cannot listen on 127.0.0.77:53 (${error.message}): the test runs as root, as CI does`)),
    );
    silent.bind(53, '127.0.0.77', resolve);
  });
  const resolvConf = join(dir, 'resolv.conf');
  await writeFile(resolvConf, 'nameserver 127.0.0.77\n');
  try {
    await scenario(t, { name: 'dns-silent', resolvConf, append: 'uebo.consul=consul.lan:8500' }, async (node) => {
      const ready = readyUptime(node.readyLine);
      t.diagnostic(`silent DNS: ready at guest uptime ${ready} s`);
      assert.ok(ready < 30, `nothing before the ready line waits for DNS: ready at guest uptime ${ready} s`);
      await waitFor('the node has its lease', 60, async () =>
        /10\.0\.2\.15\/24/.test(await node.run('ip -4 -o addr show dev eth0')) ? true : undefined,
      );
      // The node's own lookups reach the silent server and get nothing: the fault is real.
      assert.match(await node.run('nslookup consul.lan > /dev/null 2>&1; echo "nslookup status $?"', 60_000), /^nslookup status [1-9]/m);
      assert.ok(queries > 0, 'the guest asked the silent server');
      const started = Date.now();
      assert.equal(await sshLogin(node.sshPort!, 'echo ssh-ok'), 'ssh-ok');
      t.diagnostic(
        `silent DNS: SSH logged in ${((Date.now() - started) / 1000).toFixed(1)} s after the first try; ${queries} queries dropped`,
      );
      await assertServicesStable(node, ['boinc']);
      // Consul by a name that never resolves: tried again, said once.
      const exporterLog = await logOnceItSays(
        node,
        '/var/log/node-exporter/current',
        /consul: PUT \/v1\/catalog\/register to consul\.lan:8500 failed: no answer: trying again/,
      );
      assert.equal(exporterLog.match(/trying again/g)?.length, 1, exporterLog);
      await assertCleanPowerOff(node);
    });
  } finally {
    silent.close();
  }
});

test('Consul down at boot, up, then back without its catalog: the exporters are registered again within a bound', {
  timeout: 5 * 60_000,
}, async (t) => {
  // Consul cannot run here: the stand-in (test/helpers/consul-stand-in.ts) answers its
  // catalog API like Consul. Nothing listens on the port at boot: Consul is down.
  const port = await freePort();
  const registered = (consul: Awaited<ReturnType<typeof startConsulStandIn>>) =>
    waitFor('both exporters registered', 60, async () => {
      const byService = callsByService(consul.registers());
      return byService.node_exporter && byService.boinc_exporter ? byService : undefined;
    });
  await scenario(t, { name: 'consul', append: `uebo.consul=10.0.2.2:${port}` }, async (node) => {
    await logOnceItSays(node, '/var/log/node-exporter/current', /catalog\/register to 10\.0\.2\.2:\d+ failed: no answer: trying again/);
    const first = await startConsulStandIn(port);
    let since = Date.now();
    try {
      const calls = await registered(first);
      t.diagnostic(`Consul up: both exporters registered ${((Date.now() - since) / 1000).toFixed(1)} s later`);
      assert.deepEqual(calls.node_exporter?.body.Service, {
        ID: 'node_exporter',
        Service: 'node_exporter',
        Port: 9100,
        Tags: ['prometheus'],
      });
      assert.equal(calls.node_exporter?.body.Address, '10.0.2.15');
    } finally {
      await first.close();
    }
    // Down for a while, then back with an empty catalog (a Consul restarted without its data).
    await new Promise((resolve) => setTimeout(resolve, 8000));
    const second = await startConsulStandIn(port);
    try {
      since = Date.now();
      await registered(second);
      const seconds = (Date.now() - since) / 1000;
      t.diagnostic(`Consul back: both exporters registered again ${seconds.toFixed(1)} s later`);
      assert.equal(await sshLogin(node.sshPort!, 'echo ssh-ok'), 'ssh-ok');
      const log = await node.run('cat /var/log/node-exporter/current');
      assert.equal(log.match(/: registered node_exporter \(/g)?.length, 1, `the first registration is said once:\n${log}`);
      // Said once for the outage at boot, and at most once for the restart (the node may not have tried while Consul was down).
      assert.ok((log.match(/trying again/g)?.length ?? 0) <= 2, `an outage is one line, not one a try:\n${log}`);
      await assertCleanPowerOff(node);
      assert.deepEqual(
        second
          .deregisters()
          .map((call) => call.body.ServiceID)
          .sort(),
        ['boinc_exporter', 'node_exporter'],
        'deregistered at poweroff',
      );
    } finally {
      await second.close();
    }
  });
});

test('a service that exits at once every time: runit restarts it at most once a second, its log stays within bounds', {
  timeout: 4 * 60_000,
}, async (t) => {
  // ntpd's run script replaced by one that counts its starts, writes 64 KiB of dying
  // words (a crashing program's trace) and exits: 2 MiB of log in half a minute.
  const crashing = [
    '#!/bin/sh',
    'exec 2>&1',
    "cut -d' ' -f1 /proc/uptime >> /run/crash-starts",
    "yes 'ntpd: a line of a crashing service, dying again' | head -c 65536",
    'exit 1',
    '',
  ].join('\n');
  await scenario(t, { name: 'crash-loop', edits: { replace: { '/etc/sv/ntpd/run': crashing } } }, async (node) => {
    const window = 20;
    const counted = await node.run(
      `t0=$(cut -d' ' -f1 /proc/uptime); sleep ${window}; awk -v t0="$t0" -v t1="$(cut -d' ' -f1 /proc/uptime)" '$1 >= t0 && $1 < t1 { n++ } END { print "starts=" n+0 " seconds=" t1 - t0 }' /run/crash-starts`,
      (window + 30) * 1000,
    );
    const starts = Number(/starts=(\d+)/.exec(counted)?.[1]);
    const seconds = Number(/seconds=([\d.]+)/.exec(counted)?.[1]);
    t.diagnostic(`crash loop: ${starts} starts in ${seconds} s (guest time)`);
    assert.ok(starts >= 3, `runit keeps restarting it: ${counted}`);
    assert.ok(starts <= Math.ceil(seconds) + 1, `at most one start a second: ${counted}`);
    // svlogd: at most 4 old files and the current one, each at most 256 KiB.
    const files = await node.run(
      'for f in /var/log/ntpd/current /var/log/ntpd/@*; do echo "$(wc -c < "$f") $f"; done; du -k /var/log/ntpd | cut -f1',
    );
    const sizes = [...files.matchAll(/^(\d+) (\S+)$/gm)].map(([, size, name]) => ({ size: Number(size), name: name ?? '' }));
    t.diagnostic(`crash loop's log: ${sizes.map((file) => `${file.name} ${file.size}`).join(', ')}`);
    assert.ok(sizes.filter((file) => file.name.includes('@')).length >= 1, `the log was rotated:\n${files}`);
    assert.ok(sizes.filter((file) => file.name.includes('@')).length <= 4, `at most 4 old files:\n${files}`);
    for (const file of sizes) assert.ok(file.size <= 262_144, `${file.name} is within 256 KiB:\n${files}`);
    assert.equal(await sshLogin(node.sshPort!, 'echo ssh-ok'), 'ssh-ok');
    await assertServicesStable(node, ['boinc', 'ntpd']);
    await assertCleanPowerOff(node);
  });
});

test('the clock far in the past (RTC in 2001): nothing wedges, ntpd says why TLS will fail', { timeout: 4 * 60_000 }, async (t) => {
  // A storage disk made today: its superblock's times are 25 years after the node's clock.
  const dir = await scratch('runtime-faults-clock');
  const disk = join(dir, 'storage.img');
  await execa('truncate', ['-s', '16M', disk]);
  await execa('mkfs.ext4', ['-q', '-F', '-L', 'storage', disk]);
  await scenario(
    t,
    {
      name: 'clock-past',
      qemuArgs: [
        '-rtc',
        'base=2001-01-01T00:00:00',
        '-drive',
        `file=${disk},if=none,format=raw,id=d0`,
        '-device',
        'virtio-blk-pci,drive=d0',
      ],
    },
    async (node) => {
      assertConsoleSays(node, /emb-storage: \/dev\/vda mounted on \/storage/);
      const ntpd = await logOnceItSays(node, '/var/log/ntpd/current', /ntpd: the clock says 2001-01-01/, 30);
      assert.match(ntpd, /before 2025: TLS certificates .* will not verify until an NTP server answers/);
      // Still 2001, unless an NTP server was reachable from here and ntpd has set it.
      const year = Number(await node.run('date -u +%Y'));
      t.diagnostic(`clock in the past: the node's year is ${year}`);
      assert.ok(year === 2001 || year >= 2025, `the year ${year}`);
      assert.equal(await sshLogin(node.sshPort!, 'echo ssh-ok'), 'ssh-ok');
      await assertServicesStable(node, ['boinc']);
      await assertCleanPowerOff(node);
    },
  );
  const { stdout } = await execa('debugfs', ['-R', 'cat /lastdate', disk], { stderr: 'ignore' });
  assert.match(stdout, /^(2001|20[2-9]\d)-/, `the clock saved at poweroff: ${stdout}`);
});
