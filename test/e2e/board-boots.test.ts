/**
 * Boards booted in QEMU beside the default one: the generic armhf and amd64 machines
 * with the same checks as qemu-aarch64, and two seed boards in QEMU's own models of
 * them with their real Debian DTBs: the Orange Pi PC (-M orangepi-pc: its H3 EMAC is
 * emulated, so the node gets a DHCP lease through dwmac-sun8i and the exporters answer
 * through port forwards) and the Raspberry Pi 3 (-M raspi3b: console on the mini UART
 * as on the real board, powered off through bcm2835_wdt as the board is).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { bootAndCheck } from '../../src/boot/run-qemu.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { freePort } from '../helpers/free-port.ts';
import { httpGet } from '../helpers/http-get.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';
import { waitFor } from '../helpers/wait-for.ts';

const outRoot = await tempDir('board-boots');
after(() => execa('rm', ['-rf', outRoot]));

/**
 * Build a board (real boards at zstd -3: their 19 only costs time here). A real board's
 * console asks for root's password; the checks need its root shell, hence --console-shell.
 */
async function build(board: string, zstdLevel?: number): Promise<void> {
  const level = zstdLevel === undefined ? [] : ['--zstd-level', String(zstdLevel)];
  const result = await runEmb(['build', '--board', board, '--out', outRoot, '--console-shell', 'root', ...level]);
  assert.equal(result.exitCode, 0, `emb build --board ${board} failed:\n${result.stdout}\n${result.stderr}`);
}

for (const board of ['qemu-armhf', 'qemu-amd64']) {
  test(`${board} builds, boots to the ready line, passes the smoke checks and powers off`, { timeout: 30 * 60_000 }, async () => {
    await build(board);
    const result = await runEmb(['qemu', '--board', board, '--out', outRoot, '--append', `uebo.hostname=${board}-node`]);
    const stdout = String(result.stdout);
    assert.equal(result.exitCode, 0, `emb qemu failed:\n${stdout}\n${result.stderr}`);
    assert.match(stdout, new RegExp(`EMB-READY board=${board} hostname=${board}-node kernel=6\\.\\S+ uptime=`));
    for (const check of ['runit is PID 1', 'hostname', 'board modules loaded', 'services running', 'network interface']) {
      assert.match(stdout, new RegExp(`ok {3}${check}`));
    }
    assert.match(stdout, /powered off cleanly/);
    assert.doesNotMatch(stdout, /FAIL|skip /);
  });
}

test('orangepi-pc boots in QEMU -M orangepi-pc: DHCP through dwmac-sun8i, exporters through port forwards', {
  timeout: 30 * 60_000,
}, async () => {
  const boardName = 'orangepi-pc';
  await build(boardName, 3);
  const outDir = join(outRoot, boardName);
  const manifest = await readManifest(outDir);
  assert.ok(manifest, 'the build wrote a manifest');
  const { board } = await loadBoard(boardName);
  const nodePort = await freePort();
  const boincPort = await freePort();
  const scraped: Record<string, string> = {};
  const result = await bootAndCheck({
    board,
    outDir,
    kernelFile: manifest.kernel.file,
    timeoutSeconds: 400,
    logFile: join(outDir, 'console.log'),
    hostForwards: [
      { hostPort: nodePort, guestPort: 9100 },
      { hostPort: boincPort, guestPort: 9109 },
    ],
    bootModules: (manifest.modules.auto ?? []).map((choice) => choice.module),
    packageChecks: [
      // QEMU's user network hands out 10.0.2.15; the lease is taken by the network service (bounded: 60 s).
      {
        package: 'network',
        command:
          'i=0; until ip -4 addr show eth0 | grep -q "inet "; do [ $i -ge 60 ] && break; sleep 1; i=$((i + 1)); done; ip -4 -o addr show eth0',
        expect: 'inet 10\\.0\\.2\\.15/24',
      },
      { package: 'network', command: 'basename "$(readlink /sys/class/net/eth0/device/driver)"', expect: '^dwmac-sun8i\\n$' },
      { package: 'board', command: 'cat /proc/device-tree/model; echo', expect: 'Xunlong Orange Pi PC' },
    ],
    whileUp: async () => {
      for (const [name, port] of [
        ['node', nodePort],
        ['boinc', boincPort],
      ] as const) {
        const answer = await waitFor(`the ${name} exporter on the host's port ${port}`, 90, async () => {
          const response = await httpGet(`http://127.0.0.1:${port}/metrics`, 5_000);
          return response?.status === 200 ? response.body : undefined;
        });
        scraped[name] = answer;
      }
    },
  });
  const failed = result.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}\n${check.output}`);
  assert.ok(result.ok, `boot failed: ${result.failure ?? failed.join('; ')}\n${result.consoleTail}`);
  assert.match(scraped.node ?? '', /^node_uname_info\{.*machine="armv7l".*nodename="orangepi-pc".*\} 1$/m);
  assert.match(scraped.boinc ?? '', /^boinc_up 0$/m, 'the BOINC exporter answers (no client without /storage)');
});

test('rpi3 boots in QEMU -M raspi3b with its Debian DTB to the ready line and powers off through its watchdog', {
  timeout: 30 * 60_000,
}, async () => {
  await build('rpi3', 3);
  const result = await runEmb(['qemu', '--board', 'rpi3', '--out', outRoot]);
  const stdout = String(result.stdout);
  assert.equal(result.exitCode, 0, `emb qemu failed:\n${stdout}\n${result.stderr}`);
  assert.match(stdout, /EMB-READY board=rpi3 hostname=rpi3 kernel=6\.\S+-arm64 uptime=/);
  assert.match(stdout, /ok {3}board modules loaded/);
  assert.match(stdout, /skip network interface: QEMU's raspi3b has no model of the LAN9514 USB Ethernet/);
  assert.match(stdout, /ok {3}services running/);
  assert.match(stdout, /powered off cleanly/);
});

test('emb qemu says which boards QEMU cannot boot, and which it can', async () => {
  const result = await runEmb(['qemu', '--board', 'sopine', '--out', outRoot]);
  assert.equal(result.exitCode, 1);
  const line = String(result.stderr).trim();
  assert.match(line, /^emb: board sopine cannot be booted in QEMU: QEMU has no model of it/);
  assert.match(
    line,
    /QEMU boots: amd64-nvidia, orangepi-pc, qemu-aarch64, qemu-aarch64-lean, qemu-amd64, qemu-armhf, qemu-armhf-lean, rpi3\)$/,
  );
});
