/**
 * The hardened node's settings as data: the console's shell (board field, its default
 * per board kind, emb build --console-shell, the files the console service reads) and
 * the exporters' listening address (board metrics.listen, kernel argument
 * uebo.metrics.listen). The node's side is booted in test/e2e/hardened-node.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consoleRootShellPath, metricsListenPath, serviceSettingsFiles } from '../../src/assemble/service-settings-files.ts';
import { consoleLoginProblem, withConsoleShell } from '../../src/boards/console-shell.ts';
import { boardKernelCmdline } from '../../src/cmdline/board-cmdline.ts';
import { listenAddressProblem } from '../../src/cmdline/listen-address.ts';
import { parseCmdline } from '../../src/cmdline/parse-cmdline.ts';
import { argsProblem } from '../../src/pxe/node-args.ts';
import { listBoardNames, loadBoard } from '../../src/plan/load-board.ts';
import { boardSchema } from '../../src/schema/board.ts';

const realBoard = {
  name: 'x',
  description: 'x',
  arch: 'aarch64',
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  ramMiB: 1024,
  bootloader: { kind: 'u-boot', from: 'x', maxInitrdMiB: 128 },
  console: 'ttyS0,115200',
  packages: ['busybox'],
};
const qemuBoard = { ...realBoard, bootloader: { kind: 'qemu', from: 'x', maxInitrdMiB: 128 } };

const parse = (input: Record<string, unknown>) => boardSchema.parse(input);
const issuesOf = (input: Record<string, unknown>): string => {
  const parsed = boardSchema.safeParse(input);
  assert.equal(parsed.success, false, JSON.stringify(input));
  return parsed.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') ?? '';
};

test("console: a plain device takes the board kind's shell, login on real boards and root on QEMU ones", () => {
  assert.deepEqual(parse(realBoard).console, { device: 'ttyS0,115200', shell: 'login' });
  assert.deepEqual(parse(qemuBoard).console, { device: 'ttyS0,115200', shell: 'root' });
  assert.deepEqual(parse({ ...realBoard, console: { device: 'ttyS2,1500000', shell: 'root' } }).console, {
    device: 'ttyS2,1500000',
    shell: 'root',
  });
  assert.deepEqual(parse({ ...qemuBoard, console: { device: 'ttyAMA0', shell: 'login' } }).console, { device: 'ttyAMA0', shell: 'login' });
  assert.deepEqual(parse({ ...qemuBoard, console: { device: 'ttyAMA0' } }).console, { device: 'ttyAMA0', shell: 'root' });
  // The kernel's console= still gets the device alone.
  assert.equal(boardKernelCmdline(parse(realBoard)), 'console=ttyS0,115200');
});

test('console: a wrong shell, device or field is refused, naming the field', () => {
  assert.match(issuesOf({ ...realBoard, console: { device: 'ttyS0', shell: 'bash' } }), /^console/);
  assert.match(issuesOf({ ...realBoard, console: { device: 'ttyS0,fast' } }), /^console/);
  assert.match(issuesOf({ ...realBoard, console: { device: 'ttyS0', login: true } }), /^console/);
  assert.match(issuesOf({ ...realBoard, console: { shell: 'root' } }), /^console/);
});

test("every shipped board: the real ones' consoles ask for a login, the QEMU ones' give a root shell", async () => {
  for (const name of await listBoardNames()) {
    const { board } = await loadBoard(name);
    assert.equal(board.console.shell, board.bootloader.kind === 'qemu' ? 'root' : 'login', name);
  }
});

test('the console service reads /etc/emb/console-root-shell: written for root only; --console-shell overrides the board', async () => {
  const loaded = { board: parse(realBoard), file: '/boards/x.ts' };
  assert.deepEqual(
    serviceSettingsFiles(loaded.board).map((entry) => entry.path),
    [],
  );
  const asRoot = withConsoleShell(loaded, 'root');
  assert.equal(asRoot.board.console.shell, 'root');
  assert.equal(loaded.board.console.shell, 'login', 'the loaded board is not changed');
  const [marker] = serviceSettingsFiles(asRoot.board);
  assert.equal(marker?.path, consoleRootShellPath);
  assert.equal(marker?.mode, 0o644);
  assert.equal(withConsoleShell(loaded, undefined), loaded);
  assert.equal(withConsoleShell(loaded, 'login'), loaded);
});

test("a login console with a hash busybox's login cannot check is a warning; SHA-256/512 or no hash is not", () => {
  const board = parse(realBoard);
  const yescrypt = '$y$j9T$abcdefghijklmnop$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
  assert.match(consoleLoginProblem(board, yescrypt) ?? '', /busybox's login checks only SHA-256 and SHA-512.*openssl passwd -6/);
  assert.equal(consoleLoginProblem(board, `$6$salt$${'a'.repeat(86)}`), undefined);
  assert.equal(consoleLoginProblem(board, `$5$salt$${'a'.repeat(43)}`), undefined);
  assert.equal(consoleLoginProblem(board, undefined), undefined);
  assert.equal(consoleLoginProblem(parse(qemuBoard), yescrypt), undefined, 'a root console checks no password');
});

test('listening address: an IPv4 address without leading zeros, as board metrics.listen and as uebo.metrics.listen', () => {
  for (const good of ['0.0.0.0', '127.0.0.1', '10.0.2.15', '255.255.255.255', '192.168.100.9']) {
    assert.equal(listenAddressProblem(good), undefined, good);
  }
  for (const bad of ['', '256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1..2.3', '::1', 'localhost', '1.2.3.4:9100', ' 1.2.3.4']) {
    assert.match(listenAddressProblem(bad) ?? '', /must be an IPv4 address/, bad);
  }
  assert.equal(parse({ ...realBoard, metrics: { listen: '127.0.0.1' } }).metrics?.listen, '127.0.0.1');
  assert.equal(parse(realBoard).metrics, undefined, 'absent: every address');
  assert.match(issuesOf({ ...realBoard, metrics: { listen: '127.1' } }), /^metrics\.listen: must be an IPv4 address/);
  assert.match(issuesOf({ ...realBoard, metrics: { listen: '0.0.0.0', port: 1 } }), /^metrics/);

  assert.equal(parseCmdline('uebo.metrics.listen=10.0.0.5').known['uebo.metrics.listen'], '10.0.0.5');
  const bad = parseCmdline('uebo.metrics.listen=10.0.0.256');
  assert.equal(bad.known['uebo.metrics.listen'], undefined);
  assert.match(bad.warnings.map((warning) => `${warning.key}: ${warning.message}`).join('\n'), /uebo\.metrics\.listen: .*IPv4/);
});

test("the board's listening address becomes /etc/emb/metrics-listen; without one no file (every address)", () => {
  const [file] = serviceSettingsFiles(parse({ ...qemuBoard, metrics: { listen: '127.0.0.1' } })).filter(
    (entry) => entry.path === metricsListenPath,
  );
  assert.equal(file?.type === 'file' ? file.data.toString() : undefined, '127.0.0.1\n');
  assert.equal(
    serviceSettingsFiles(parse(qemuBoard)).some((entry) => entry.path === metricsListenPath),
    false,
  );
});

test("an inventory node's args may set uebo.metrics.listen; a bad address is refused there, naming the key", () => {
  assert.equal(argsProblem('uebo.metrics.listen=127.0.0.1'), undefined);
  assert.match(argsProblem('uebo.metrics.listen=127.0.0') ?? '', /^uebo\.metrics\.listen: must be an IPv4 address/);
});
