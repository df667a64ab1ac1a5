import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { mergeLayers } from '../../src/assemble/layers.ts';
import { parseModeOverrides } from '../../src/assemble/rootfiles-layer.ts';
import { qemuKernelCmdline, qemuLaunch } from '../../src/boot/qemu-args.ts';
import { expectedHostname } from '../../src/boot/run-qemu.ts';
import { SerialConsole, withoutKernelLines, withoutKernelMessages } from '../../src/boot/serial-console.ts';
import { boardSchema } from '../../src/schema/board.ts';

const file = (path: string, text: string) => ({ type: 'file' as const, path, mode: 0o644, uid: 0, gid: 0, data: Buffer.from(text) });
const dir = (path: string, mode = 0o755) => ({ type: 'dir' as const, path, mode, uid: 0, gid: 0 });

test('mergeLayers: later layers win, conflicts are reported, parents are added', () => {
  const { entries, conflicts } = mergeLayers([
    { name: 'busybox', entries: [dir('/bin'), file('/bin/sh', 'busybox'), file('/usr/share/x/y', 'deep')] },
    { name: 'rootfiles', entries: [dir('/bin'), file('/bin/sh', 'ours')] },
  ]);
  assert.equal((entries.get('/bin/sh')!.entry as { data: Buffer }).data.toString(), 'ours');
  assert.equal(entries.get('/bin/sh')!.layer, 'rootfiles');
  assert.deepEqual(conflicts, [{ path: '/bin/sh', replaced: 'busybox', by: 'rootfiles' }]);
  assert.equal(entries.get('/usr/share/x')?.entry.type, 'dir');
  assert.equal(entries.get('/bin')!.layer, 'busybox', 'a directory in two layers is no conflict');
});

test('parseModeOverrides reads modes and rejects a bad line with its number', () => {
  assert.deepEqual([...parseModeOverrides('# c\n/etc/shadow 0600\n\n', 'f')], [['/etc/shadow', 0o600]]);
  assert.throws(() => parseModeOverrides('/etc/shadow\n', 'rootfiles/.emb-modes'), /rootfiles\/\.emb-modes:1: expected/);
});

const board = boardSchema.parse({
  name: 'b',
  description: 'b',
  arch: 'aarch64',
  console: 'ttyAMA0',
  packages: ['busybox'],
  hostname: 'node0',
  cmdline: 'quiet',
  ramMiB: 512,
  bootloader: { kind: 'qemu', from: 'QEMU', maxInitrdMiB: 256 },
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  qemu: { binary: 'qemu-system-aarch64', machine: 'virt', cpu: 'cortex-a53', memoryMiB: 512, devices: ['-netdev', 'user,id=n'] },
});

test('qemuLaunch pins the exact argument array', () => {
  assert.equal(qemuKernelCmdline(board, 'uebo.hostname=a'), 'console=ttyAMA0 panic=-1 quiet uebo.hostname=a');
  assert.deepEqual(qemuLaunch(board, '/o', 'vmlinuz', {}), {
    binary: 'qemu-system-aarch64',
    args: [
      '-M',
      'virt',
      '-cpu',
      'cortex-a53',
      '-m',
      '512',
      '-smp',
      '1',
      '-kernel',
      '/o/vmlinuz',
      '-initrd',
      '/o/initramfs.zst',
      '-append',
      'console=ttyAMA0 panic=-1 quiet',
      '-no-reboot',
      '-netdev',
      'user,id=n',
      '-display',
      'none',
      '-serial',
      'stdio',
      '-monitor',
      'none',
    ],
  });
});

test('qemuLaunch puts extra arguments (a test disk) after the board devices, before the console', () => {
  const { args } = qemuLaunch(board, '/o', 'vmlinuz', { extraArgs: ['-drive', 'file=d.img,if=none,id=d0'] });
  assert.deepEqual(args.slice(args.indexOf('user,id=n') + 1, args.indexOf('-display')), ['-drive', 'file=d.img,if=none,id=d0']);
});

test('expectedHostname: the last uebo.hostname wins, else the board default', () => {
  assert.equal(expectedHostname(board), 'node0');
  assert.equal(expectedHostname(board, 'uebo.hostname=a uebo.hostname=b'), 'b');
});

test('SerialConsole frames a command by markers the echo cannot match', async () => {
  const toGuest = new PassThrough();
  const fromGuest = new PassThrough();
  const serial = new SerialConsole(toGuest, fromGuest);
  toGuest.on('data', (typed: Buffer) => {
    const line = typed.toString();
    // A fake guest: echo the typed line (as a tty does), then answer like a shell.
    fromGuest.write(`${line.replace('\n', '\r\n')}`);
    const id = /BEGIN-(\d+)/.exec(line)![1];
    fromGuest.write(`@@EMB-BEGIN-${id}\r\nhello from guest\r\n@@EMB-END-${id} status=3\r\n`);
  });
  assert.deepEqual(await serial.run('echo hello', 1000), { output: 'hello from guest\n', status: 3 });
  await assert.rejects(serial.waitFor(/never/, 50), /timed out/);
});

/** A console whose fake guest answers each typed command with `answer(id)`, written in the chunks given. */
function consoleAnswering(answer: (id: string) => string[]): SerialConsole {
  const toGuest = new PassThrough();
  const fromGuest = new PassThrough();
  const serial = new SerialConsole(toGuest, fromGuest);
  toGuest.on('data', (typed: Buffer) => {
    const id = /BEGIN-(\d+)/.exec(typed.toString())?.[1] ?? '';
    for (const [at, chunk] of answer(id).entries()) setTimeout(() => fromGuest.write(chunk), at * 20);
  });
  return serial;
}

test("SerialConsole: a kernel message printed while a command runs is not part of the command's output", async () => {
  // What the CI console showed: the link came up in the middle of `hostname`.
  const serial = consoleAnswering((id) => [
    `@@EMB-BEGIN-${id}\r\n[    3.349984] IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready\r\nemb-qemu\r\n@@EMB-END-${id} status=0\r\n`,
  ]);
  assert.deepEqual(await serial.run('hostname', 1000), { output: 'emb-qemu\n', status: 0 });
  assert.equal(withoutKernelLines('a\n[12345.000001] usb 1-1: new device\nb [1.0] not at line start\n'), 'a\nb [1.0] not at line start\n');
});

test('SerialConsole: a kernel message that cuts into a marker line does not hide the marker', async () => {
  // printk writes to the UART in the middle of the shell's line, in pieces.
  const serial = consoleAnswering((id) => [
    `@@EMB-BEGI[   12.485758] nvidia-nvlink: Nvlink Core is being initialized\r\nN-${id}\r\nemb-gpu\r\n@@EMB-END-${id} status=1`,
    '[   12.488271] NVRM: No NVIDIA GPU found.\r\n2\r\n',
  ]);
  assert.deepEqual(await serial.run('hostname', 1000), { output: 'emb-gpu\n', status: 12 });
  assert.equal(withoutKernelMessages('ab[    1.000001] x\ncd\n'), 'abcd\n');
});
