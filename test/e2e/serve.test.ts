/**
 * emb serve as a user runs it, as a long-running child: (1) HTTP alone over a tree on
 * loopback: files byte for byte, HEAD, 404s, traversal refused however it is spelled
 * (.., %2e%2e, a symlink out), emb's state file hidden, one log line per request, and
 * SIGINT ends it with 0. (2) With dnsmasq, inside a pair of network namespaces joined
 * by a veth, so the host's network is never touched: its TFTP serves the tree, its
 * proxy DHCP answers each kind of boot client with what the config promises (real
 * DHCPDISCOVERs from the client namespace), HTTP reaches the nodes' side, and SIGINT
 * stops both: no dnsmasq is left.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import { findOnPath } from '../../src/host/host-tools.ts';
import { projectRoot } from '../../src/paths.ts';
import { freePort } from '../helpers/free-port.ts';
import { tempDir } from '../helpers/run-emb.ts';
import { skipOrFail } from '../helpers/skip-or-fail.ts';
import { waitFor } from '../helpers/wait-for.ts';

const kernel = randomBytes(300_000);

/** A tree as emb pxe leaves it, plus the things that must not be served. */
async function makeTree(): Promise<string> {
  const tree = await tempDir('serve-tree');
  await mkdir(join(tree, 'boards', 'qemu-amd64'), { recursive: true });
  await writeFile(join(tree, 'boards', 'qemu-amd64', 'vmlinuz'), kernel);
  await writeFile(join(tree, 'boot.ipxe'), '#!ipxe\nchain /ipxe/${mac:hexhyp}.ipxe\n');
  await writeFile(join(tree, '.emb-pxe.json'), '{"format":"emb-pxe-tree-2"}\n');
  await writeFile(join(tree, 'boards', 'qemu-amd64', '.tmp-1-abcd-vmlinuz'), 'half written');
  await symlink('/etc', join(tree, 'etc-link'));
  await symlink('boards/qemu-amd64/vmlinuz', join(tree, 'kernel-link'));
  // dnsmasq serves TFTP as nobody: the tree must be reachable by others (mkdtemp makes 0700).
  for (const dir of [tree, join(tree, 'boards'), join(tree, 'boards', 'qemu-amd64')]) await chmod(dir, 0o755);
  return tree;
}

/** A started emb serve: its process, and its stdout so far. */
interface Serving {
  child: ResultPromise;
  output: () => string;
}

function startServe(args: readonly string[], prefix: readonly string[] = []): Serving {
  const command = [...prefix, process.execPath, join(projectRoot, 'bin', 'emb.js'), 'serve', ...args];
  const [file, ...rest] = command;
  if (file === undefined) throw new Error('no command');
  const child = execa(file, rest, { cwd: projectRoot, env: { CI: 'true' }, reject: false, all: true, buffer: false, timeout: 120_000 });
  let output = '';
  child.all?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

/** SIGINT, then the exit code and how long it took; fails the test if it takes over `seconds`. */
async function interrupt(serving: Serving, seconds: number): Promise<{ exitCode?: number; ms: number }> {
  const started = Date.now();
  serving.child.kill('SIGINT');
  const result = await waitFor('emb serve to exit after SIGINT', seconds, async () => serving.child, 50);
  return { exitCode: result.exitCode, ms: Date.now() - started };
}

/** One raw request (the path sent exactly as given, no client-side normalising): status, headers, body bytes. */
function rawRequest(
  port: number,
  method: string,
  path: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error(`${method} ${path}: no answer in 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

test('emb serve --no-dnsmasq: the tree over HTTP, nothing outside it, SIGINT ends it with 0', { timeout: 60_000 }, async () => {
  const tree = await makeTree();
  const port = await freePort();
  const serving = startServe(['--tree', tree, '--no-dnsmasq', '--bind', '127.0.0.1', '--http-port', String(port)]);
  try {
    await waitFor(
      'emb serve to answer',
      30,
      async () => (await rawRequest(port, 'HEAD', '/boot.ipxe').catch(() => undefined))?.status,
      200,
    );
    assert.match(serving.output(), /emb serve: .*\n\s+http\s+127\.0\.0\.1:\d+, nodes fetch http:\/\/127\.0\.0\.1:\d+\/\n\s+ctrl-c stops/);

    const got = await rawRequest(port, 'GET', '/boards/qemu-amd64/vmlinuz');
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-length'], String(kernel.length));
    assert.ok(got.body.equals(kernel), 'GET returns the file byte for byte');
    const head = await rawRequest(port, 'HEAD', '/boards/qemu-amd64/vmlinuz');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(kernel.length));
    assert.equal(head.body.length, 0, 'HEAD has no body');
    assert.ok((await rawRequest(port, 'GET', '/kernel-link')).body.equals(kernel), 'a symlink inside the tree is served');

    const refused: { path: string; status: number; method?: string }[] = [
      { path: '/no/such/file', status: 404 },
      { path: '/../etc/passwd', status: 403 },
      { path: '/boards/../../etc/passwd', status: 403 },
      { path: '/%2e%2e/etc/passwd', status: 403 },
      { path: '/%2E%2E%2Fetc%2Fpasswd', status: 403 },
      { path: '/etc-link/passwd', status: 403 },
      { path: '/etc-link', status: 403 },
      { path: '/.emb-pxe.json', status: 404 },
      { path: '/%2eemb-pxe.json', status: 404 },
      { path: '/boards/qemu-amd64/.tmp-1-abcd-vmlinuz', status: 404 },
      { path: '/', status: 404 },
      { path: '/boards', status: 404 },
      { path: '/%zz', status: 400 },
      { path: '/boot.ipxe', status: 405, method: 'PUT' },
    ];
    for (const { path, status, method } of refused) {
      const answer = await rawRequest(port, method ?? 'GET', path);
      assert.equal(answer.status, status, `${method ?? 'GET'} ${path}`);
      assert.doesNotMatch(answer.body.toString(), /root:/, `${path} leaks nothing`);
    }
    assert.match(serving.output(), new RegExp(`^GET /boards/qemu-amd64/vmlinuz 200 ${kernel.length}$`, 'm'), 'one log line per request');
    assert.match(serving.output(), /^HEAD \/boards\/qemu-amd64\/vmlinuz 200 0$/m);
    assert.match(serving.output(), /^GET \/%2e%2e\/etc\/passwd 403 0$/m);

    const stop = await interrupt(serving, 5);
    assert.equal(stop.exitCode, 0, serving.output());
    assert.match(serving.output(), /emb serve: stopping/);
  } finally {
    serving.child.kill('SIGKILL');
  }
});

test('emb serve refuses flags that do not go together, in one line', { timeout: 60_000 }, async () => {
  const tree = await makeTree();
  const rows: { args: string[]; want: RegExp }[] = [
    { args: ['--tree', tree], want: /needs the interface the nodes boot on/ },
    { args: ['--tree', tree, '--no-dnsmasq', '--interface', 'lo'], want: /--no-dnsmasq serves HTTP alone/ },
    { args: ['--tree', tree, '--interface', 'no-such-if0'], want: /no network interface no-such-if0/ },
    { args: ['--tree', join(tree, 'missing'), '--no-dnsmasq', '--http-port', String(await freePort())], want: /no tree at / },
    { args: ['--tree', tree, '--no-dnsmasq', '--bind', 'localhost'], want: /--bind localhost is not an IPv4 address/ },
  ];
  for (const { args, want } of rows) {
    const serving = startServe(args);
    const result = await serving.child;
    assert.equal(result.exitCode, 1, `emb serve ${args.join(' ')}: ${serving.output()}`);
    const lines = serving.output().trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${serving.output()}`);
    assert.match(lines[0] ?? '', want);
  }
});

// --- With dnsmasq, in network namespaces ---------------------------------------------

const suffix = String(process.pid % 100000);
const serverNs = `emb-serve-s${suffix}`;
const clientNs = `emb-serve-c${suffix}`;
const serverIf = `embs${suffix}`;
const clientIf = `embc${suffix}`;
const serverAddress = '10.213.0.1';
let namespacesMade = false;

after(async () => {
  if (!namespacesMade) return;
  // Deleting a namespace deletes the veth end in it, and with it the pair.
  for (const ns of [serverNs, clientNs]) await execa('ip', ['netns', 'del', ns], { reject: false, timeout: 10_000 });
});

async function ip(args: string[]): Promise<void> {
  await execa('ip', args, { timeout: 10_000 });
}

/** Two namespaces joined by a veth: the server end 10.213.0.1/24, the client end .2 with a default route for broadcasts. */
async function makeNamespaces(): Promise<void> {
  await ip(['netns', 'add', serverNs]);
  namespacesMade = true;
  await ip(['netns', 'add', clientNs]);
  await ip(['link', 'add', serverIf, 'netns', serverNs, 'type', 'veth', 'peer', 'name', clientIf, 'netns', clientNs]);
  await ip(['-n', serverNs, 'addr', 'add', `${serverAddress}/24`, 'dev', serverIf]);
  await ip(['-n', clientNs, 'addr', 'add', '10.213.0.2/24', 'dev', clientIf]);
  for (const [ns, dev] of [
    [serverNs, serverIf],
    [clientNs, clientIf],
    [serverNs, 'lo'],
    [clientNs, 'lo'],
  ] as const) {
    await ip(['-n', ns, 'link', 'set', dev, 'up']);
  }
  await ip(['-n', clientNs, 'route', 'add', 'default', 'dev', clientIf]);
}

/**
 * A DHCP client in the client namespace: broadcasts one DHCPDISCOVER with the given
 * vendor class (60), user class (77) and client architecture (93), and prints the
 * first answer's yiaddr, siaddr, boot file and options as JSON ({answered: false} if
 * none comes in time).
 */
const dhcpProbe = `
import { createSocket } from 'node:dgram';
const ask = JSON.parse(process.argv[1]);
const mac = Buffer.from(ask.mac.split(':').map((h) => Number.parseInt(h, 16)));
const options = [Buffer.from([53, 1, 1])];
const text = (code, value) => { const bytes = Buffer.from(value); options.push(Buffer.concat([Buffer.from([code, bytes.length]), bytes])); };
if (ask.vendorClass) text(60, ask.vendorClass);
if (ask.userClass) text(77, ask.userClass);
if (ask.arch !== undefined) options.push(Buffer.from([93, 2, ask.arch >> 8, ask.arch & 0xff]));
options.push(Buffer.from([94, 3, 1, 2, 1]), Buffer.from([255]));
const head = Buffer.alloc(240);
head[0] = 1; head[1] = 1; head[2] = 6;
const xid = Math.floor(Math.random() * 0xffffffff);
head.writeUInt32BE(xid, 4);
head.writeUInt16BE(0x8000, 10);
mac.copy(head, 28);
head.writeUInt32BE(0x63825363, 236);
const socket = createSocket({ type: 'udp4', reuseAddr: true });
const timer = setTimeout(() => { console.log(JSON.stringify({ answered: false })); socket.close(); }, ask.timeoutMs);
socket.on('message', (message) => {
  if (message.readUInt32BE(4) !== xid) return;
  const address = (at) => [...message.subarray(at, at + 4)].join('.');
  const found = {};
  for (let i = 240; i < message.length && message[i] !== 255; ) {
    if (message[i] === 0) { i++; continue; }
    found[message[i]] = message.subarray(i + 2, i + 2 + message[i + 1]).toString('latin1');
    i += 2 + message[i + 1];
  }
  clearTimeout(timer);
  const file = message.subarray(108, 236).toString('latin1').replace(/\\0.*$/s, '');
  console.log(JSON.stringify({ answered: true, yiaddr: address(16), siaddr: address(20), file, options: found }));
  socket.close();
});
socket.bind(68, () => { socket.setBroadcast(true); socket.send(Buffer.concat([head, ...options]), 67, '255.255.255.255'); });
`;

interface DhcpAnswer {
  answered: boolean;
  yiaddr?: string;
  siaddr?: string;
  file?: string;
  options?: Record<string, string>;
}

async function discover(ask: {
  mac: string;
  vendorClass?: string;
  userClass?: string;
  arch?: number;
  timeoutMs: number;
}): Promise<DhcpAnswer> {
  const result = await execa(
    'ip',
    ['netns', 'exec', clientNs, process.execPath, '--input-type=module', '-e', dhcpProbe, JSON.stringify(ask)],
    {
      timeout: ask.timeoutMs + 10_000,
    },
  );
  return JSON.parse(result.stdout) as DhcpAnswer;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function missingForNamespaces(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'network namespaces and dnsmasq need root';
  for (const [tool, pkg] of [
    ['ip', 'iproute2'],
    ['dnsmasq', 'dnsmasq-base'],
    ['busybox', 'busybox'],
  ]) {
    if ((await findOnPath(tool ?? '')) === undefined) return `no ${tool} (apt-get install ${pkg})`;
  }
  return undefined;
}

test('emb serve with dnsmasq in a network namespace: TFTP, proxy DHCP by client, HTTP; SIGINT stops both', {
  timeout: 120_000,
}, async (t) => {
  const missing = await missingForNamespaces();
  if (missing) return skipOrFail(t, missing);
  await makeNamespaces();
  const tree = await makeTree();
  const port = await freePort();
  let dnsmasqPid = 0;
  const serving = startServe(['--tree', tree, '--interface', serverIf, '--http-port', String(port)], ['ip', 'netns', 'exec', serverNs]);
  try {
    await waitFor(
      'emb serve and dnsmasq to start',
      30,
      async () => {
        if (serving.child.exitCode !== null) throw new Error(`emb serve exited: ${serving.output()}`);
        return /ctrl-c stops/.test(serving.output()) ? true : undefined;
      },
      100,
    );
    const httpUrl = `http://${serverAddress}:${port}/`;
    assert.match(
      serving.output(),
      new RegExp(`dnsmasq\\s+proxy DHCP on 10\\.213\\.0\\.0 \\(${serverIf}\\), TFTP at ${serverAddress}; iPXE boots ${httpUrl}boot\\.ipxe`),
    );
    dnsmasqPid = Number(/dnsmasq\[(\d+)\]: started, version/.exec(serving.output())?.[1]);
    assert.ok(dnsmasqPid > 0 && processAlive(dnsmasqPid), `dnsmasq runs: ${serving.output()}`);

    // TFTP from the nodes' side: the kernel, byte for byte.
    const local = join(await tempDir('serve-tftp'), 'vmlinuz');
    await execa('ip', ['netns', 'exec', clientNs, 'busybox', 'tftp', '-g', '-r', 'boards/qemu-amd64/vmlinuz', '-l', local, serverAddress], {
      timeout: 30_000,
    });
    assert.ok((await readFile(local)).equals(kernel), 'TFTP returns the file byte for byte');
    assert.match(serving.output(), /dnsmasq-tftp\[\d+\]: sent .*boards\/qemu-amd64\/vmlinuz to 10\.213\.0\.2/);

    // HTTP from the nodes' side, at the URL the DHCP answers name.
    const overHttp = await execa('ip', ['netns', 'exec', clientNs, 'busybox', 'wget', '-q', '-O', '-', `${httpUrl}boot.ipxe`], {
      timeout: 15_000,
    });
    assert.match(overHttp.stdout, /^#!ipxe/);

    // Proxy DHCP: what each kind of boot client is told; never an address.
    const pxeRom = 'PXEClient:Arch:00000:UNDI:002001';
    const ipxeBios = await discover({ mac: '52:54:00:00:01:01', vendorClass: pxeRom, userClass: 'iPXE', arch: 0, timeoutMs: 5000 });
    assert.equal(ipxeBios.file, `${httpUrl}boot.ipxe`, `iPXE (BIOS) is sent to the chain script over HTTP: ${JSON.stringify(ipxeBios)}`);
    assert.equal(ipxeBios.yiaddr, '0.0.0.0', 'a proxy gives no address');
    const ipxeEfi = await discover({
      mac: '52:54:00:00:01:02',
      vendorClass: 'PXEClient:Arch:00009:UNDI:003010',
      userClass: 'iPXE',
      arch: 9,
      timeoutMs: 5000,
    });
    assert.equal(ipxeEfi.file, `${httpUrl}boot.ipxe`, `iPXE (x86-64 EFI): ${JSON.stringify(ipxeEfi)}`);
    for (const [vendorClass, arch] of [
      ['U-Boot.armv8', 0x16],
      ['U-Boot.armv7', 0x15],
    ] as const) {
      const uboot = await discover({ mac: '52:54:00:00:01:03', vendorClass, arch, timeoutMs: 5000 });
      assert.equal(uboot.file, 'boot.scr.uimg', `${vendorClass}: ${JSON.stringify(uboot)}`);
      assert.equal(uboot.siaddr, serverAddress, `${vendorClass} is told this host is its TFTP server`);
      assert.equal(uboot.yiaddr, '0.0.0.0');
    }
    const plainRom = await discover({ mac: '52:54:00:00:01:04', vendorClass: pxeRom, arch: 0, timeoutMs: 5000 });
    assert.ok(plainRom.answered, 'a plain PXE ROM (or a Raspberry Pi) is answered');
    assert.equal(plainRom.file, '', 'with no boot file');
    assert.match(plainRom.options?.['43'] ?? '', /Raspberry Pi Boot/, 'but the menu entry the Pi firmware looks for');
    const phone = await discover({ mac: '52:54:00:00:01:05', vendorClass: 'android-dhcp-14', timeoutMs: 1500 });
    assert.equal(phone.answered, false, 'a client that is not booting is left to the real DHCP server');

    const stop = await interrupt(serving, 10);
    assert.equal(stop.exitCode, 0, serving.output());
    assert.ok(stop.ms < 5000, `stopped in ${stop.ms} ms`);
    assert.equal(processAlive(dnsmasqPid), false, 'no dnsmasq is left');
    assert.match(serving.output(), /dnsmasq\[\d+\]: exiting on receipt of SIGTERM/);
  } finally {
    serving.child.kill('SIGKILL');
    // A failed run must not leave dnsmasq holding the namespace.
    if (dnsmasqPid > 0 && processAlive(dnsmasqPid)) process.kill(dnsmasqPid, 'SIGKILL');
  }
});
