/**
 * Issue 4, QEMU scenarios 5, 6 and 7, and issue 9's links planted in BOINC's data dir:
 * the node's runit services seen from the host.
 * The default board is built and booted with QEMU port forwards to its exporters
 * (:9100 node_exporter, :9109 the BOINC exporter); checks run in the guest over the
 * serial console, and the host scrapes, runs Prometheus and plays Consul.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, lchown, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import type { PackageCheck } from '../../src/boot/smoke-checks.ts';
import { bootAndCheck, type BootOptions, type BootResult, type GuestShell } from '../../src/boot/run-qemu.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { boincOwner, boincPlatform, seededProject, storageDisk, writeBoincState } from '../helpers/boinc-state.ts';
import { callsByService, startConsulStandIn, type ConsulCall } from '../helpers/consul-stand-in.ts';
import { freePort } from '../helpers/free-port.ts';
import { httpGet } from '../helpers/http-get.ts';
import { gnuCpioEachArchive } from '../helpers/initramfs-read.ts';
import { monitorArgs, monitorCommand } from '../helpers/qemu-monitor.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';
import { waitFor } from '../helpers/wait-for.ts';

const boardName = 'qemu-aarch64';
const outRoot = await tempDir('services-dist');
const outDir = join(outRoot, boardName);
const { board } = await loadBoard(boardName);
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await execa('rm', ['-rf', outRoot]);
});

async function boot(options: Partial<BootOptions> & { log: string }): Promise<BootResult> {
  const manifest = await readManifest(outDir);
  assert.ok(manifest, 'the build wrote a manifest');
  const result = await bootAndCheck({
    board,
    outDir,
    kernelFile: manifest.kernel.file,
    timeoutSeconds: 300,
    logFile: join(outDir, options.log),
    ...options,
  });
  const failed = result.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}\n${check.output}`);
  assert.ok(result.ok, `boot failed: ${result.failure ?? failed.join('; ')}\n${result.consoleTail}`);
  return result;
}

/** Guest shell that runs `condition` once a second until it succeeds, for at most `seconds`; the check's own assertions come after it. */
const pollUntil = (condition: string, seconds: number): string =>
  `i=0; until ${condition}; do [ $i -ge ${seconds} ] && break; sleep 1; i=$((i + 1)); done`;

/** RAM in use (MemTotal − MemAvailable) as the guest reports it. */
const memoryCheck: PackageCheck = {
  package: 'ram',
  command: 'awk \'/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 } END { printf "ram_in_use_kib=%d\\n", t - a }\' /proc/meminfo',
  expect: '^ram_in_use_kib=\\d+\\n$',
};
const ramOf = (result: BootResult): number =>
  Number(/ram_in_use_kib=(\d+)/.exec(result.checks.find((check) => check.name.startsWith('ram:'))?.output ?? '')?.[1]);

test('emb build writes the default board', { timeout: 20 * 60_000 }, async () => {
  const result = await runEmb(['build', '--board', boardName, '--out', outRoot]);
  assert.equal(result.exitCode, 0, `emb build failed:\n${result.stdout}\n${result.stderr}`);
});

test('scenario 5: Prometheus scrapes node_exporter and the BOINC exporter through port forwards', { timeout: 8 * 60_000 }, async (t) => {
  const nodePort = await freePort();
  const boincPort = await freePort();
  const promPort = await freePort();
  const work = await tempDir('services-prometheus');
  cleanups.push(() => execa('rm', ['-rf', work]));
  const result = await boot({
    log: 'console-prometheus.log',
    hostForwards: [
      { hostPort: nodePort, guestPort: 9100 },
      { hostPort: boincPort, guestPort: 9109 },
    ],
    packageChecks: [
      // No storage disk here: BOINC waits for /storage and says why once, not at every
      // look (bounded: the line is awaited for 30 s, then counted).
      {
        package: 'boinc',
        command: `${pollUntil('grep -q "not starting: /storage is not a mount point" /var/log/boinc/current', 30)}; grep -c "not starting: /storage is not a mount point" /var/log/boinc/current`,
        expect: '^1\\n$',
      },
      {
        package: 'services',
        command: 'for s in network ntpd boinc node-exporter boinc-exporter; do [ -s /var/log/$s/config ] && echo $s; done | wc -l',
        expect: '^5\\n$',
      },
      {
        package: 'ntpd',
        command: 'n=$(wc -l < /var/log/ntpd/current); echo "ntpd_log_lines=$n"; [ "$n" -lt 40 ]',
        expect: 'ntpd_log_lines=',
      },
      // node_exporter in the 40 MiB exporters cgroup; the BOINC exporter's tcpsvd in its own
      // 16 MiB one, at most 64 processes (Debian's kernel has the pids controller).
      {
        package: 'exporters',
        command:
          'g=/sys/fs/cgroup; cat $g/exporters/memory.max $g/boinc-exporter/memory.max $g/boinc-exporter/pids.max; ' +
          'grep -qx "$(pidof prometheus-node-exporter)" $g/exporters/cgroup.procs && echo node-exporter-in-cgroup; ' +
          'grep -qx "$(cat /etc/sv/boinc-exporter/supervise/pid)" $g/boinc-exporter/cgroup.procs && echo tcpsvd-in-cgroup',
        expect: '^41943040\\n16777216\\n64\\nnode-exporter-in-cgroup\\ntcpsvd-in-cgroup\\n$',
      },
      memoryCheck,
      // After the RAM figure: rotation by size. 2 MiB written into ntpd's log pipe
      // (its svlogd's stdin) leave 4 old files and a current one, each at most
      // 256 KiB, about 1.3 MiB in all. A marker line written last tells when svlogd
      // has taken everything (it handles its input in order; bounded: 30 s).
      {
        package: 'svlogd',
        command: [
          "logger=$(sv status /etc/service/ntpd/log | sed -n 's/^run: [^(]*(pid \\([0-9]*\\)).*/\\1/p')",
          "yes 'a line of a chatty service, to fill the log' | head -c 2097152 > /proc/$logger/fd/0",
          'echo emb-rotation-test-done > /proc/$logger/fd/0',
          pollUntil('grep -q emb-rotation-test-done /var/log/ntpd/current', 30),
          'ls /var/log/ntpd | grep -c "^@"',
          '[ "$(du -k /var/log/ntpd | cut -f1)" -le 1400 ] && echo within-bound',
          'for f in /var/log/ntpd/current /var/log/ntpd/@*; do [ $(wc -c < $f) -le 262144 ] || echo "$f too big"; done',
        ].join('; '),
        expect: '^4\\nwithin-bound\\n$',
      },
    ],
    whileUp: async () => {
      // The exporters' answers, and promtool's verdict on each.
      const bodies: Record<string, string> = {};
      for (const [name, port] of [
        ['node', nodePort],
        ['boinc', boincPort],
      ] as const) {
        // A plain GET, as a health check or curl makes it: a redirect would not be followed.
        const answer = await waitFor(`${name} exporter answers on 127.0.0.1:${port}`, 60, () =>
          httpGet(`http://127.0.0.1:${port}/metrics`, 10_000),
        );
        assert.equal(
          answer.status,
          200,
          `GET /metrics on the ${name} exporter answered ${answer.status}, not 200: ${answer.body.slice(0, 200)}`,
        );
        bodies[name] = answer.body;
        const file = join(work, `${name}.prom`);
        await writeFile(file, bodies[name]!);
        const lint = await execa('promtool', ['check', 'metrics'], { inputFile: file, reject: false });
        const said = `promtool check metrics on the ${name} exporter (exit ${lint.exitCode}):\n${lint.stdout}\n${lint.stderr}`.slice(
          0,
          4000,
        );
        if (name === 'boinc') {
          // Ours: it parses and passes every lint rule.
          assert.equal(lint.exitCode, 0, said);
        } else {
          // node_exporter is checked by its own project's rule (its checkmetrics.sh):
          // promtool must find nothing outside the families upstream names as known
          // lint exceptions (node_memory_* keep /proc/meminfo's camelCase, node_entropy_*
          // counts bits, netstat and wifi names come from the kernel). A parse error
          // (exit 1) or any other finding fails.
          const findings = `${lint.stdout}\n${lint.stderr}`.split('\n').filter((line) => line.trim() !== '');
          const upstreamExceptions = /^node_(entropy|memory|netstat|wifi_station)_/;
          const others = findings.filter((line) => !upstreamExceptions.test(line));
          assert.ok(lint.exitCode === 0 || lint.exitCode === 3, said);
          assert.deepEqual(others, [], said);
          t.diagnostic(
            `promtool: node_exporter passes its upstream rule (${findings.length} findings, all in node_exporter's known exceptions)`,
          );
        }
      }
      assert.match(bodies.node!, /^node_memory_MemTotal_bytes \d/m);
      // The client does not run without storage: the exporter still answers.
      assert.match(bodies.boinc!, /^boinc_up 0$/m);

      const config = join(work, 'prometheus.yml');
      await writeFile(
        config,
        [
          'global: { scrape_interval: 2s, scrape_timeout: 2s }',
          'scrape_configs:',
          `  - { job_name: node, static_configs: [ { targets: ['127.0.0.1:${nodePort}'] } ] }`,
          `  - { job_name: boinc, static_configs: [ { targets: ['127.0.0.1:${boincPort}'] } ] }`,
          '',
        ].join('\n'),
      );
      const prometheus = execa(
        'prometheus',
        [`--config.file=${config}`, `--storage.tsdb.path=${join(work, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`],
        {
          reject: false,
          all: true,
          buffer: false,
        },
      );
      const promLog = join(work, 'prometheus.log');
      const chunks: Buffer[] = [];
      prometheus.all?.on('data', (chunk: Buffer) => chunks.push(chunk));
      try {
        const up = await waitFor('Prometheus reports both targets up', 90, async () => {
          const response = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=up`, { signal: AbortSignal.timeout(5000) });
          const body = (await response.json()) as { data?: { result?: { metric: { job: string }; value: [number, string] }[] } };
          const byJob = Object.fromEntries((body.data?.result ?? []).map((series) => [series.metric.job, series.value[1]]));
          return byJob.node === '1' && byJob.boinc === '1' ? byJob : undefined;
        });
        t.diagnostic(`Prometheus: up ${JSON.stringify(up)}`);
      } finally {
        prometheus.kill('SIGTERM');
        await prometheus;
        await writeFile(promLog, Buffer.concat(chunks));
      }
    },
  });
  t.diagnostic(`idle RAM in use (no BOINC client: no storage): ${(ramOf(result) / 1024).toFixed(1)} MiB`);
});

test('scenario 6: exporters are registered with Consul (a stand-in) and deregistered at poweroff', { timeout: 6 * 60_000 }, async () => {
  const consul = await startConsulStandIn();
  cleanups.push(() => consul.close());
  const node = 'consul-node-3';
  // QEMU's user-mode network: the host's loopback is 10.0.2.2, the guest gets 10.0.2.15.
  await boot({
    log: 'console-consul.log',
    append: `uebo.hostname=${node} uebo.consul=10.0.2.2:${consul.port}`,
    whileUp: async () => {
      await waitFor('two register calls', 90, async () => (consul.registers().length >= 2 ? true : undefined));
    },
  });
  assertRegistered(consul.registers(), node, consul.calls);
  // Deregistration runs in each exporter's finish script as stage 3 stops the services.
  assertDeregistered(consul.deregisters(), node, consul.calls);
});

function assertRegistered(registers: readonly ConsulCall[], node: string, all: readonly ConsulCall[]): void {
  const registered = callsByService(registers);
  for (const [service, servicePort] of [
    ['node_exporter', 9100],
    ['boinc_exporter', 9109],
  ] as const) {
    const call = registered[service];
    assert.ok(call, `${service} was registered: ${JSON.stringify(all)}`);
    assert.equal(call.method, 'PUT');
    assert.equal(call.body.Node, node);
    assert.equal(call.body.Address, '10.0.2.15');
    assert.deepEqual(call.body.Service, { ID: service, Service: service, Port: servicePort, Tags: ['prometheus'] });
  }
}

function assertDeregistered(deregisters: readonly ConsulCall[], node: string, all: readonly ConsulCall[]): void {
  const deregistered = callsByService(deregisters);
  for (const service of ['node_exporter', 'boinc_exporter']) {
    assert.deepEqual(
      deregistered[service]?.body,
      { Node: node, ServiceID: service },
      `${service} was deregistered at poweroff: ${JSON.stringify(all)}`,
    );
    assert.equal(deregistered[service]?.method, 'PUT');
  }
}

test('link down and up: the address is dropped and leased again, and Consul is told again', { timeout: 8 * 60_000 }, async (t) => {
  const consul = await startConsulStandIn();
  cleanups.push(() => consul.close());
  const work = await tempDir('services-link');
  cleanups.push(() => execa('rm', ['-rf', work]));
  const monitor = join(work, 'monitor.sock');
  const nodePort = await freePort();
  const node = 'link-node';
  const scrape = async (): Promise<boolean> => {
    const answer = await httpGet(`http://127.0.0.1:${nodePort}/metrics`, 3000);
    return answer?.status === 200 && answer.body.includes('node_memory_MemTotal_bytes');
  };
  const addressOf = async (guest: GuestShell): Promise<string> =>
    (await guest("ip -4 -o addr show dev eth0 | awk '{ print $4 }'")).output.trim();
  await boot({
    log: 'console-link.log',
    append: `uebo.hostname=${node} uebo.consul=10.0.2.2:${consul.port}`,
    hostForwards: [{ hostPort: nodePort, guestPort: 9100 }],
    qemuArgs: monitorArgs(monitor),
    whileUp: async (guest) => {
      await waitFor('both exporters registered', 90, async () =>
        Object.keys(callsByService(consul.registers())).length >= 2 ? true : undefined,
      );
      assert.ok(await waitFor('node_exporter scraped through the forward', 60, async () => ((await scrape()) ? true : undefined)));
      const before = consul.registers().length;

      // The cable is pulled: QEMU's virtio-net reports no carrier to the guest.
      await monitorCommand(monitor, 'set_link net0 off');
      const down = Date.now();
      await waitFor('the guest drops its address', 30, async () => ((await addressOf(guest)) === '' ? true : undefined));
      t.diagnostic(`link down: address dropped after ${((Date.now() - down) / 1000).toFixed(1)} s`);
      assert.equal(await scrape(), false, 'no scrape reaches a node without link');
      const log = (await guest('cat /var/log/network/current')).output;
      assert.match(log, /network: eth0: link down, DHCP stopped and its address dropped/);

      // The cable is back: a new lease, and each exporter registered again.
      await monitorCommand(monitor, 'set_link net0 on');
      const up = Date.now();
      const address = await waitFor('the guest leases an address again', 60, async () => (await addressOf(guest)) || undefined);
      t.diagnostic(`link up: ${address} after ${((Date.now() - up) / 1000).toFixed(1)} s`);
      assert.equal(address, '10.0.2.15/24');
      await waitFor('both exporters registered again', 60, async () =>
        Object.keys(callsByService(consul.registers().slice(before))).length >= 2 ? true : undefined,
      );
      assertRegistered(consul.registers().slice(before), node, consul.calls);
      t.diagnostic(`register calls: ${before} at boot, ${consul.registers().length - before} after the link came back`);
      assert.ok(await waitFor('node_exporter scraped again', 30, async () => ((await scrape()) ? true : undefined)));
      assert.match(
        (await guest('cat /var/log/network/current')).output,
        /network: eth0: link up, starting DHCP[\s\S]*link down[\s\S]*network: eth0: link up, starting DHCP/,
      );
    },
  });
  assertDeregistered(consul.deregisters(), node, consul.calls);
});

/** Kills the service's process (SIGKILL, as a crash; the pid `sv status` shows) and prints how long runit took to start a new one; fails after 5 s. */
const restartCheck = (service: string, process: string): PackageCheck => ({
  package: 'restart',
  command: [
    `old=$(sv status /etc/service/${service} | sed -n 's/^run: [^(]*(pid \\([0-9]*\\)).*/\\1/p')`,
    `grep -q '${process}' /proc/$old/cmdline || echo "pid $old is not ${process}"`,
    "t0=$(cut -d' ' -f1 /proc/uptime); kill -KILL $old; new=",
    'i=0; while [ $i -lt 50 ]; do usleep 100000; i=$((i + 1))',
    `new=$(sv status /etc/service/${service} | sed -n 's/^run: [^(]*(pid \\([0-9]*\\)).*/\\1/p')`,
    `[ -n "$new" ] && [ "$new" != "$old" ] && grep -q '${process}' /proc/$new/cmdline 2>/dev/null && break; new=`,
    'done',
    "t1=$(cut -d' ' -f1 /proc/uptime)",
    `[ -n "$new" ] && echo "${service}: $old -> $new in $(awk "BEGIN { print $t1 - $t0 }") s"`,
  ].join('; '),
  expect: `^${service}: \\d+ -> \\d+ in [0-4](\\.\\d+)? s\\n$`,
});

/** The BOINC client answers its GUI RPC once it has started (bounded: 30 s). */
const clientAnswersCheck: PackageCheck = {
  package: 'boinc',
  command: `cd /storage/boinc; ${pollUntil('boinccmd --client_version', 30)}`,
  expect: 'Client version: 7\\.20',
};

/**
 * The GUI RPC files from uebo.boinc.password and uebo.boinc.remote_hosts: regular files
 * of boinc's (the client and the exporter, both boinc, read them; the service writes
 * them as boinc), no one else's to read, no temp file left behind.
 */
const rpcFilesCheck: PackageCheck = {
  package: 'boinc',
  command:
    'cd /storage/boinc && stat -c "%U:%G %a %F %n" gui_rpc_auth.cfg remote_hosts.cfg && cat gui_rpc_auth.cfg remote_hosts.cfg && ls -a | grep "\\.tmp$" | wc -l',
  expect:
    '^boinc:boinc 640 regular file gui_rpc_auth.cfg\\nboinc:boinc 640 regular file remote_hosts.cfg\\nrpc-secret\\n10\\.0\\.2\\.2\\nmgr\\.lan\\n0\\n$',
};

/** The BOINC exporter's answer once it reports the seeded project's task running (bounded: 25 s). */
const boincMetricsCheck: PackageCheck = {
  package: 'boinc-exporter',
  command: `${pollUntil('wget -q -O - http://127.0.0.1:9109/metrics > /tmp/boinc.prom && grep -q \'^boinc_tasks{state="running"} 1$\' /tmp/boinc.prom', 25)}; cat /tmp/boinc.prom`,
  expect: 'boinc_tasks\\{state="running"\\} 1\\n',
};

test('scenario 7: runit restarts the BOINC client and each exporter within 5 s of a kill -9', { timeout: 6 * 60_000 }, async (t) => {
  // The BOINC client runs only with persistent storage: an ext4 disk labelled storage,
  // seeded with a client state (an attached project and three tasks) for the exporter.
  const work = await tempDir('services-disk');
  cleanups.push(() => execa('rm', ['-rf', work]));
  const disk = join(work, 'storage.img');
  const seed = join(work, 'seed');
  await writeBoincState(join(seed, 'boinc'), boincPlatform[board.arch], await boincOwner());
  await storageDisk(disk, seed);
  const result = await boot({
    log: 'console-restart.log',
    append: 'uebo.boinc.password=rpc-secret uebo.boinc.remote_hosts=10.0.2.2,mgr.lan',
    qemuArgs: ['-drive', `file=${disk},if=none,format=raw,id=d0`, '-device', 'virtio-blk-pci,drive=d0'],
    packageChecks: [
      clientAnswersCheck,
      { package: 'boinc', command: 'ps -o user,args | grep "[b]oinc --dir"', expect: '^boinc +boinc --dir /storage/boinc' },
      rpcFilesCheck,
      {
        package: 'boinc',
        command: 'cat /sys/fs/cgroup/boinc/memory.max; grep -qx "$(pidof boinc)" /sys/fs/cgroup/boinc/cgroup.procs && echo in-cgroup',
        expect: '^\\d+\\nin-cgroup\\n$',
      },
      {
        package: 'boinc-exporter',
        command: 'wget -q -O - http://127.0.0.1:9109/metrics | grep -E "^boinc_(up|client_info)"',
        expect: '^boinc_up 1\\nboinc_client_info\\{version="7\\.20\\.5"\\} 1\\n$',
      },
      boincMetricsCheck,
      memoryCheck,
      restartCheck('boinc', 'boinc'),
      restartCheck('node-exporter', 'prometheus-node-exporter'),
      restartCheck('boinc-exporter', 'tcpsvd'),
    ],
  });
  for (const check of result.checks.filter((check) => check.name.startsWith('restart:'))) t.diagnostic(check.output.trim());
  // The exporter on the client's own answers about the seeded state: tasks by state,
  // the project's name, credit and run time, and text that promtool passes.
  const metrics =
    result.checks.find((check) => check.name.startsWith('boinc-exporter:') && check.output.includes('boinc_tasks'))?.output ?? '';
  const url = seededProject.url.replaceAll('/', '\\/').replaceAll('.', '\\.');
  for (const [state, count] of [
    ['running', 1],
    ['ready_to_run', 0],
    ['suspended', 1],
    ['ready_to_report', 1],
    ['other', 0],
  ] as const) {
    assert.match(metrics, new RegExp(`^boinc_tasks\\{state="${state}"\\} ${count}$`, 'm'), metrics);
  }
  assert.match(metrics, new RegExp(`^boinc_project_info\\{project="${url}",name="${seededProject.name}"\\} 1$`, 'm'));
  assert.match(metrics, new RegExp(`^boinc_project_host_credit\\{project="${url}"\\} 1234\\.500000$`, 'm'));
  const elapsed = Number(new RegExp(`^boinc_project_elapsed_seconds\\{project="${url}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
  assert.ok(elapsed >= seededProject.elapsedSeconds, `elapsed ${elapsed} s: the seeded ${seededProject.elapsedSeconds} s plus this run`);
  // CPU time as the client reports it: an app without BOINC's API reports none, so 0 is a true answer here.
  assert.match(metrics, new RegExp(`^boinc_project_task_cpu_seconds\\{project="${url}"\\} \\d+\\.\\d{3}$`, 'm'));
  const lint = await execa('promtool', ['check', 'metrics'], { input: metrics, reject: false });
  assert.equal(lint.exitCode, 0, `promtool on the BOINC exporter with a project and tasks:\n${lint.stdout}\n${lint.stderr}`);
  t.diagnostic(
    `BOINC exporter with the seeded state: ${metrics
      .split('\n')
      .filter((line) => line.startsWith('boinc_tasks{') && !line.endsWith(' 0'))
      .join(', ')}; promtool exit 0`,
  );
  t.diagnostic(`RAM in use with the BOINC client running: ${(ramOf(result) / 1024).toFixed(1)} MiB`);
});

test('the BOINC service follows no link that boinc planted where it writes the RPC files', { timeout: 6 * 60_000 }, async () => {
  // boinc owns /storage/boinc and runs the projects' programs: a link it leaves at a
  // name the service writes must not make root write, re-own or re-mode the file it
  // points at. Two root-only targets: the image's /etc/shadow and a file on the disk.
  const work = await tempDir('services-links');
  cleanups.push(() => execa('rm', ['-rf', work]));
  const owner = await boincOwner();
  const seed = join(work, 'seed');
  const data = join(seed, 'boinc');
  await mkdir(data, { recursive: true });
  await writeFile(join(data, 'cc_config.xml'), '<cc_config><options><skip_cpu_benchmarks>1</skip_cpu_benchmarks></options></cc_config>\n');
  const rootOnly = "root's own file: no one else writes, owns or reads it\n";
  await writeFile(join(seed, 'root-only'), rootOnly);
  await chmod(join(seed, 'root-only'), 0o600);
  const links = {
    'gui_rpc_auth.cfg.tmp': '/etc/shadow',
    'gui_rpc_auth.cfg': '/storage/root-only',
    'remote_hosts.cfg.tmp': '/storage/root-only',
    'remote_hosts.cfg': '/etc/shadow',
  };
  for (const [name, target] of Object.entries(links)) await symlink(target, join(data, name));
  for (const path of [data, join(data, 'cc_config.xml'), ...Object.keys(links).map((name) => join(data, name))])
    await lchown(path, owner.uid, owner.gid);
  const disk = join(work, 'storage.img');
  await storageDisk(disk, seed);
  for (const name of Object.keys(links)) {
    const inode = await execa('debugfs', ['-R', `stat /boinc/${name}`, disk]);
    assert.match(inode.stdout, new RegExp(`User: +${owner.uid} +Group: +${owner.gid} `), `the planted link ${name} is boinc's on the disk`);
  }
  const shadow = await gnuCpioEachArchive(join(outDir, 'initramfs.zst'), ['-i', '--quiet', '--to-stdout', 'etc/shadow']);
  assert.ok(shadow.length > 0, 'the image has /etc/shadow');
  const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');
  await boot({
    log: 'console-links.log',
    append: 'uebo.boinc.password=rpc-secret uebo.boinc.remote_hosts=10.0.2.2,mgr.lan',
    qemuArgs: ['-drive', `file=${disk},if=none,format=raw,id=d0`, '-device', 'virtio-blk-pci,drive=d0'],
    packageChecks: [
      clientAnswersCheck,
      // The targets: content, owner and mode as they were.
      {
        package: 'links',
        command: 'stat -c "%U:%G %a %F %n" /etc/shadow /storage/root-only && sha256sum /etc/shadow /storage/root-only | cut -d" " -f1',
        expect: `^root:root 600 regular file /etc/shadow\\nroot:root 600 regular file /storage/root-only\\n${sha256(shadow)}\\n${sha256(rootOnly)}\\n$`,
      },
      // The links were replaced by the real files, and the client took the password.
      rpcFilesCheck,
      {
        package: 'boinc',
        command:
          'cd / && { boinccmd --passwd wrong-secret --set_run_mode auto > /tmp/wrong.out 2>&1; echo "wrong password: $?"; } && boinccmd --passwd rpc-secret --set_run_mode auto && echo "right password: $?"',
        expect: '^wrong password: [1-9]\\d*\\nright password: 0\\n$',
      },
    ],
  });
});
