/**
 * Issue 11's proof: nodes boot from a tree `emb pxe` wrote for an inventory, through
 * real network bootloaders, with no boot file written by hand. QEMU's user network is
 * the DHCP and TFTP server (tftp=<tree>), its firmware the bootloader:
 * - qemu-aarch64 and qemu-armhf: Debian's u-boot-qemu (-bios), whose DHCP boot flow
 *   fetches boot.scr.uimg, which hands over to pxelinux.cfg/01-<mac>;
 * - qemu-amd64: SeaBIOS with Debian's ipxe-qemu ROM, DHCP boot file boot.ipxe (over TFTP, and
 *   over HTTP from emb serve), which
 *   chains to ipxe/<mac>.ipxe.
 * Each node must come up with the hostname the inventory gives its MAC.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { projectRoot } from '../../src/paths.ts';
import { freePort } from '../helpers/free-port.ts';
import { httpGet } from '../helpers/http-get.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startQemuProcess } from '../helpers/qemu-session.ts';

const work = await tempDir('pxe-boot');
const tree = join(work, 'tree');
after(() => execa('rm', ['-rf', work]));

const nodes = {
  armOne: { mac: '52:54:00:e0:00:01', hostname: 'arm64-one' },
  armTwo: { mac: '52:54:00:e0:00:02', hostname: 'arm64-two' },
  armhf: { mac: '52:54:00:e0:00:11', hostname: 'armhf-one' },
  pc: { mac: '52:54:00:e0:00:21', hostname: 'pc-one' },
  pcHttp: { mac: '52:54:00:e0:00:22', hostname: 'pc-two' },
};
const inventory = `# Written by the pxe-boot test: three boards, two nodes of one board.
defaults:
  board: qemu-aarch64
  args: "uebo.consul=10.0.2.2:8500"
nodes:
  - { mac: "${nodes.armOne.mac.toUpperCase()}", hostname: ${nodes.armOne.hostname} }
  - { mac: "${nodes.armTwo.mac}", hostname: ${nodes.armTwo.hostname} }
  - { mac: "${nodes.armhf.mac}", hostname: ${nodes.armhf.hostname}, board: qemu-armhf }
  - { mac: "${nodes.pc.mac}", hostname: ${nodes.pc.hostname}, board: qemu-amd64 }
  - { mac: "${nodes.pcHttp.mac}", hostname: ${nodes.pcHttp.hostname}, board: qemu-amd64 }
`;

const console = ['-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot'];
// U-Boot reads a legacy virtio-net device's MAC as its first byte six times
// (52:52:52:52:52:52) and would ask for the wrong pxelinux file: modern-only fixes it.
const ubootNic = (mac: string): string[] => [
  '-netdev',
  `user,id=n0,tftp=${tree}`,
  '-device',
  `virtio-net-pci,disable-legacy=on,netdev=n0,mac=${mac}`,
];

/** A QEMU machine whose firmware boots from the network: the program and its arguments. */
type Machine = readonly [binary: string, args: readonly string[]];

const machines: Record<'qemu-aarch64' | 'qemu-armhf' | 'qemu-amd64', (mac: string, bootfile?: string) => Machine> = {
  'qemu-aarch64': (mac: string) => [
    'qemu-system-aarch64',
    [
      '-M',
      'virt',
      '-cpu',
      'cortex-a53',
      '-m',
      '512',
      '-smp',
      '2',
      '-bios',
      '/usr/lib/u-boot/qemu_arm64/u-boot.bin',
      ...ubootNic(mac),
      ...console,
    ],
  ],
  'qemu-armhf': (mac: string) => [
    'qemu-system-arm',
    [
      '-M',
      'virt,highmem=off',
      '-cpu',
      'cortex-a15',
      '-m',
      '512',
      '-smp',
      '2',
      '-bios',
      '/usr/lib/u-boot/qemu_arm/u-boot.bin',
      ...ubootNic(mac),
      ...console,
    ],
  ],
  'qemu-amd64': (mac: string, bootfile = 'boot.ipxe') => [
    'qemu-system-x86_64',
    [
      '-M',
      'q35',
      '-cpu',
      'qemu64',
      '-m',
      '512',
      '-netdev',
      `user,id=n0,tftp=${tree},bootfile=${bootfile}`,
      '-device',
      `virtio-net-pci,netdev=n0,mac=${mac}`,
      '-boot',
      'n',
      ...console,
    ],
  ],
};

/** Boot a machine from the tree, wait for the ready line with the node's hostname, check it inside, power off. */
async function netboot(
  machine: readonly [string, readonly string[]],
  node: { mac: string; hostname: string },
  log: string,
): Promise<number> {
  const [binary, args] = machine;
  const started = performance.now();
  const session = startQemuProcess(binary, args, join(work, log));
  try {
    const ready = await session.serial.waitFor(/EMB-READY [^\n]*\n/, 240_000);
    const seconds = (performance.now() - started) / 1000;
    assert.match(ready[0], new RegExp(`hostname=${node.hostname} `), `the node with MAC ${node.mac} booted as the inventory says`);
    await session.serial.run('true', 30_000);
    const cmdline = await session.serial.run('cat /proc/cmdline', 30_000);
    assert.match(
      cmdline.output,
      new RegExp(`uebo\\.consul=10\\.0\\.2\\.2:8500 uebo\\.hostname=${node.hostname}\\b`),
      "the defaults' args, then the hostname",
    );
    assert.equal((await session.serial.run('hostname', 30_000)).output.trim(), node.hostname);
    session.serial.type('poweroff');
    assert.equal(await session.waitForExit(60_000), 0, 'the node powered off');
    return seconds;
  } finally {
    await session.stop();
  }
}

test('emb pxe writes the tree for the inventory', { timeout: 30 * 60_000 }, async () => {
  const file = join(work, 'nodes.yaml');
  await writeFile(file, inventory);
  const result = await runEmb(['pxe', '--inventory', file, '--out', tree, '--dist', join(work, 'dist')]);
  assert.equal(result.exitCode, 0, `emb pxe failed:\n${result.stdout}\n${result.stderr}`);
  assert.match(String(result.stdout), /^5 nodes on 3 boards \(qemu-aarch64, qemu-amd64, qemu-armhf\)/m);
});

test('two qemu-aarch64 nodes boot through U-Boot (qemu_arm64), each with its own hostname', { timeout: 10 * 60_000 }, async (t) => {
  for (const node of [nodes.armOne, nodes.armTwo]) {
    const seconds = await netboot(machines['qemu-aarch64'](node.mac), node, `${node.hostname}.log`);
    t.diagnostic(`${node.hostname}: ready ${seconds.toFixed(1)} s after QEMU started`);
  }
});

test('a qemu-armhf node boots through U-Boot (qemu_arm): pxe boot runs the zImage with bootz', { timeout: 10 * 60_000 }, async (t) => {
  const seconds = await netboot(machines['qemu-armhf'](nodes.armhf.mac), nodes.armhf, 'armhf.log');
  t.diagnostic(`${nodes.armhf.hostname}: ready ${seconds.toFixed(1)} s after QEMU started`);
});

test('a qemu-amd64 node boots through iPXE over TFTP: boot.ipxe chains to its own script', { timeout: 10 * 60_000 }, async (t) => {
  const seconds = await netboot(machines['qemu-amd64'](nodes.pc.mac), nodes.pc, 'pc-tftp.log');
  t.diagnostic(`${nodes.pc.hostname}: ready ${seconds.toFixed(1)} s after QEMU started`);
});

test('a qemu-amd64 node boots through iPXE over HTTP from emb serve', { timeout: 10 * 60_000 }, async (t) => {
  const port = await freePort();
  // QEMU's user network reaches the host's loopback as 10.0.2.2: emb serve listens there alone.
  const serve = execa(
    process.execPath,
    [join(projectRoot, 'bin', 'emb.js'), 'serve', '--tree', tree, '--no-dnsmasq', '--bind', '127.0.0.1', '--http-port', String(port)],
    {
      cwd: projectRoot,
      env: { CI: 'true' },
      reject: false,
      all: true,
      buffer: false,
    },
  );
  let requests = '';
  serve.all?.on('data', (chunk: Buffer) => (requests += chunk.toString()));
  try {
    await waitFor('emb serve to answer', 30, async () =>
      (await httpGet(`http://127.0.0.1:${port}/boot.ipxe`, 2_000))?.status === 200 ? true : undefined,
    );
    const seconds = await netboot(
      machines['qemu-amd64'](nodes.pcHttp.mac, `http://10.0.2.2:${port}/boot.ipxe`),
      nodes.pcHttp,
      'pc-http.log',
    );
    t.diagnostic(`${nodes.pcHttp.hostname}: ready ${seconds.toFixed(1)} s after QEMU started`);
    for (const path of ['/boot.ipxe', '/ipxe/52-54-00-e0-00-22.ipxe', '/boards/qemu-amd64/vmlinuz', '/boards/qemu-amd64/initramfs.zst']) {
      assert.match(requests, new RegExp(`GET ${path.replaceAll('.', '\\.')} 200 `), `emb serve sent ${path}`);
    }
  } finally {
    serve.kill('SIGINT');
    const exit = await serve;
    assert.equal(exit.exitCode, 0, `emb serve stopped cleanly on SIGINT:\n${requests}`);
  }
});
