/**
 * emb pxe as a user runs it, with real builds of the QEMU boards (seconds each from the
 * shared package cache; one dist dir for the whole file, zstd -3):
 * - every refused run (each bad inventory fixture, and the CLI's own mistakes) is one
 *   "emb: " line and a user-error exit, and leaves an existing tree exactly as it was:
 *   every path, mode, size, mtime and byte, .emb-pxe.json included;
 * - a second run writes nothing; two MACs of one board get their own files; --prune;
 * - the BSS payload of a checked-in inventory equals checked-in files, and --bss-url
 *   PUTs it to a stand-in on loopback with the token from a 0600 file.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, lstat, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Result } from 'execa';
import { startBssStandIn } from '../helpers/bss-stand-in.ts';
import { errorLines, runEmb, scratchDirs } from '../helpers/run-emb.ts';

const fixtures = 'test/fixtures/pxe';
const badDir = 'test/fixtures/inventories/bad';
const goodInventory = join(fixtures, 'nodes.yaml');
/** A cold package cache builds for minutes; a warm one in seconds. */
const buildTimeout = { timeout: 30 * 60_000 };
/** Temp dirs of this file (builds and trees: hundreds of MB), removed when it ends. */
const { scratch, removeAll } = scratchDirs();
after(removeAll);
const dist = await scratch('pxe-dist');

function pxe(inventory: string, tree: string, ...extra: string[]): Promise<Result> {
  return runEmb(['pxe', '--inventory', inventory, '--out', tree, '--dist', dist, '--zstd-level', '3', ...extra]);
}

/** A run that must succeed: its stdout. */
async function pxeOk(inventory: string, tree: string, ...extra: string[]): Promise<string> {
  const result = await pxe(inventory, tree, ...extra);
  assert.equal(result.exitCode, 0, `emb pxe failed:\n${String(result.stderr)}`);
  return String(result.stdout);
}

function escapeRegExp(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A user error: exit 1 or 2 (not 70, an internal error), one line on stderr matching `pattern`. */
function assertRefused(result: Result, pattern: RegExp): string {
  assert.ok(result.exitCode === 1 || result.exitCode === 2, `exit code ${result.exitCode}, want 1 or 2:\n${String(result.stderr)}`);
  const lines = errorLines(result);
  assert.equal(lines.length, 1, `one line on stderr, got:\n${lines.join('\n')}`);
  const line = lines[0]!;
  assert.ok(line.startsWith('emb: '), line);
  assert.doesNotMatch(line, /internal error/);
  assert.match(line, pattern);
  return line;
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** Every path under `root` (and root itself) as "kind mode size mtime sha256": what "exactly as it was" means. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const paths = ['.', ...(await readdir(root, { recursive: true })).sort()];
  const entries: Record<string, string> = {};
  for (const path of paths) {
    const full = join(root, path);
    // The root through its link: the tree is a link to its current generation folder (src/fs/generations.ts).
    const info = path === '.' ? await stat(full, { bigint: true }) : await lstat(full, { bigint: true });
    const kind = info.isFile() ? 'file' : info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'symlink' : 'other';
    const sha256 = info.isFile() ? await sha256Of(full) : '-';
    entries[path] = `${kind} ${(info.mode & 0o7777n).toString(8)} ${info.size} ${info.mtimeNs} ${sha256}`;
  }
  return entries;
}

const badExpected = JSON.parse(readFileSync(join(badDir, 'expected.json'), 'utf8')) as Record<string, string>;
const badCases = Object.keys(badExpected).sort();

describe('a refused run leaves the tree exactly as it was', () => {
  let tree = '';
  let original: Record<string, string> = {};
  before(async () => {
    tree = await scratch('pxe-tree');
    await pxeOk(goodInventory, tree);
    original = await snapshot(tree);
  }, buildTimeout);

  test('the tree refused runs must not touch has its board and node files', () => {
    assert.deepEqual(
      Object.keys(original).filter((path) => !original[path]?.startsWith('dir ')),
      [
        '.emb-pxe.json',
        'boards/qemu-aarch64/Image',
        'boards/qemu-aarch64/initramfs.zst',
        'boards/qemu-amd64/initramfs.zst',
        'boards/qemu-amd64/vmlinuz',
        'boot.ipxe',
        'boot.scr.uimg',
        'ipxe/52-54-00-e2-e0-03.ipxe',
        'pxelinux.cfg/01-52-54-00-e2-e0-01',
        'pxelinux.cfg/01-52-54-00-e2-e0-02',
      ],
    );
  });

  test('there are at least 15 bad inventories, each with its expected message', () => {
    assert.ok(badCases.length >= 15, `${badCases.length} cases`);
  });

  for (const name of badCases) {
    test(`bad/${name}.yaml`, async () => {
      const file = join(badDir, `${name}.yaml`);
      // expected.json's patterns are for the message; on the CLI's line the hint follows in parentheses.
      const message = (badExpected[name] ?? '').replace(/\$$/, '(?: \\(.*\\))?$');
      const line = assertRefused(await pxe(file, tree), new RegExp(message));
      assert.ok(line.startsWith(`emb: ${file}:`) || line.startsWith(`emb: ${file} `), `names ${file}: ${line}`);
      assert.deepEqual(await snapshot(tree), original);
    });
  }

  const cliCases: { name: string; inventory?: string; extra?: string[]; pattern: RegExp }[] = [
    {
      name: 'a missing inventory file',
      inventory: join(fixtures, 'no-such.yaml'),
      pattern: /^emb: test\/fixtures\/pxe\/no-such\.yaml: no such inventory file \(give the path of the YAML file/,
    },
    { name: 'an inventory that is a directory', inventory: fixtures, pattern: /^emb: test\/fixtures\/pxe: cannot be read: EISDIR/ },
    {
      name: '--bss without --base-url',
      extra: ['--bss', 'bss.json'],
      pattern: /^emb: --bss and --bss-url need --base-url: .* \(add --base-url http:\/\/<server>:<port>\/\)$/,
    },
    {
      name: '--bss-url without --bss-token-file',
      extra: ['--bss-url', 'http://127.0.0.1:9/boot/v1', '--base-url', 'http://10.0.0.2:8080/'],
      pattern: /^emb: --bss-url needs --bss-token-file: .* \(add --bss-token-file <file, mode 0600>\)$/,
    },
    {
      name: '--bss with a .txt name',
      extra: ['--bss', 'bss.txt', '--base-url', 'http://10.0.0.2:8080/'],
      pattern: /^emb: --bss bss\.txt: the file name must end in \.json \(the API's form\) or \.yaml \(ochami's\) \(rename it\)$/,
    },
    {
      name: 'a board whose bootloader cannot boot from the network (odroid-c1)',
      inventory: join(fixtures, 'odroid-c1.yaml'),
      pattern:
        /^emb: board odroid-c1 cannot boot from the network: its bootloader \(.+\) has none \(boot it from an SD card with dist\/odroid-c1's boot\.ini, uImage and uInitrd\)$/,
    },
    {
      name: 'a Raspberry Pi 3 node without its serial (its firmware finds its folder by serial only)',
      inventory: join(fixtures, 'rpi3.yaml'),
      pattern:
        /^emb: test\/fixtures\/pxe\/rpi3\.yaml: nodes\[1\] \(mac b8:27:eb:00:00:01, hostname pi01\): field "serial": a rpi3 node needs its Raspberry Pi's serial \(its firmware \(bootcode\.bin from the TFTP root\) asks for <serial>\/start\.elf and has no setting to look by MAC.*\)$/,
    },
    {
      name: "a node whose command line is longer than its arch's kernel keeps",
      inventory: join(fixtures, 'cmdline-too-long.yaml'),
      pattern:
        /^emb: test\/fixtures\/pxe\/cmdline-too-long\.yaml: nodes\[1\] \(mac 52:54:00:e2:e0:11, hostname arm32\): field "args": the command line is 1271 bytes; the armhf kernel keeps 1023 and silently cuts the rest \(shorten/,
    },
    {
      name: 'a node whose command line hands init more environment than the kernel takes (it would panic)',
      inventory: join(fixtures, 'init-env-panic.yaml'),
      pattern:
        /^emb: test\/fixtures\/pxe\/init-env-panic\.yaml: nodes\[1\] \(mac 52:54:00:e2:e0:12, hostname envs\): field "args": 32 key=value words reach init's environment; the kernel takes 31 .* panics .*at this one \(drop words/,
    },
    {
      name: "a node's secret file that is not there",
      inventory: join(fixtures, 'secret-missing.yaml'),
      pattern:
        /^emb: test\/fixtures\/pxe\/secret-missing\.yaml: nodes\[1\] \(mac 52:54:00:e2:e0:13, hostname sec\): field "secrets\.boinc-password": cannot read .*no-such-secret-file \(ENOENT\) \(give a file holding the secret on one line\)$/,
    },
    { name: '--zstd-level 0', extra: ['--zstd-level', '0'], pattern: /^emb: bad option: zstdLevel: / },
    {
      name: '--bss with a --base-url that is not http(s)',
      extra: ['--bss', 'bss.json', '--base-url', 'ftp://10.0.0.2/'],
      pattern: /^emb: --base-url ftp:\/\/10\.0\.0\.2\/ is not http\(s\)/,
    },
    {
      name: '--bss-url that is not http(s)',
      extra: ['--bss-url', 'ftp://bss/boot/v1', '--bss-token-file', '/dev/null', '--base-url', 'http://10.0.0.2:8080/'],
      pattern: /^emb: --bss-url ftp:\/\/bss\/boot\/v1 is not an http\(s\) URL/,
    },
    { name: '--dnsmasq without --subnet', extra: ['--dnsmasq', 'bss.conf'], pattern: /^emb: --dnsmasq needs --subnet/ },
    {
      name: '--dnsmasq with a subnet that is not an IPv4 address',
      extra: ['--dnsmasq', 'bss.conf', '--subnet', '10.0.0.0,proxy\nport=53'],
      pattern: /^emb: .*10\.0\.0\.0,proxy/,
    },
  ];
  for (const each of cliCases) {
    test(each.name, async () => {
      const work = await scratch('pxe-cli');
      // Relative names (bss.json, bss.txt) are resolved in the project root, where emb runs: point them at a temp dir.
      const extra = (each.extra ?? []).map((arg) => (/^bss\.\w+$/.test(arg) ? join(work, arg) : arg));
      const pattern = new RegExp(each.pattern.source.replace('bss\\.txt', `${escapeRegExp(work)}\\/bss\\.txt`));
      assertRefused(await pxe(each.inventory ?? goodInventory, tree, ...extra), pattern);
      assert.deepEqual(await snapshot(tree), original);
      assert.deepEqual(await readdir(work), [], 'no BSS file is written');
    });
  }

  test('a second run writes nothing', async () => {
    const stdout = await pxeOk(goodInventory, tree);
    assert.match(stdout, /^ {2}files +0 written \(0 bytes\), 9 unchanged$/m);
    // Nothing at all changes, the state file and the root's mtime included.
    assert.deepEqual(await snapshot(tree), original);
  });

  test('two MACs of one board get two pxelinux files, each with its own hostname', async () => {
    const config = (host: string) =>
      [
        '# Written by emb pxe: rewritten by every run, do not edit.',
        'default emb',
        'label emb',
        `  menu label ${host}`,
        '  kernel boards/qemu-aarch64/Image',
        '  initrd boards/qemu-aarch64/initramfs.zst',
        `  append console=ttyAMA0 uebo.consul=10.0.0.2:8500 uebo.hostname=${host}`,
        '',
      ].join('\n');
    assert.equal(await readFile(join(tree, 'pxelinux.cfg/01-52-54-00-e2-e0-01'), 'utf8'), config('arm01'));
    // Given as 52-54-00-E2-E0-02 in the inventory: the file name is the lower-case, dashed form U-Boot asks for.
    assert.equal(await readFile(join(tree, 'pxelinux.cfg/01-52-54-00-e2-e0-02'), 'utf8'), config('arm02'));
    assert.equal(
      await readFile(join(tree, 'ipxe/52-54-00-e2-e0-03.ipxe'), 'utf8'),
      '#!ipxe\nkernel /boards/qemu-amd64/vmlinuz initrd=initramfs.zst console=ttyS0 uebo.consul=10.0.0.2:8500 quiet uebo.hostname=pc01\ninitrd /boards/qemu-amd64/initramfs.zst\nboot\n',
    );
  });
});

test('a dropped node: its file is kept and reported as stale, and removed with --prune', buildTimeout, async () => {
  const tree = await scratch('pxe-tree');
  const dropped = join(tree, 'pxelinux.cfg/01-52-54-00-e2-e0-02');
  const kept = join(tree, 'pxelinux.cfg/01-52-54-00-e2-e0-01');
  await pxeOk(goodInventory, tree);
  const fewer = join(fixtures, 'nodes-without-arm02.yaml');

  const withoutPrune = await pxeOk(fewer, tree);
  assert.match(withoutPrune, /^ {2}stale +1 file\(s\) no node uses: kept \(--prune removes them\)$/m);
  await stat(dropped);
  const state = JSON.parse(await readFile(join(tree, '.emb-pxe.json'), 'utf8')) as { files: string[] };
  assert.ok(state.files.includes('pxelinux.cfg/01-52-54-00-e2-e0-02'), 'the next run still knows the kept file');

  const keptBefore = await stat(kept);
  const withPrune = await pxeOk(fewer, tree, '--prune');
  assert.match(withPrune, /^ {2}stale +1 file\(s\) no node uses: removed$/m);
  await assert.rejects(stat(dropped), /ENOENT/);
  assert.equal((await stat(kept)).mtimeMs, keptBefore.mtimeMs, 'the other node is left alone');

  const again = await pxeOk(fewer, tree, '--prune');
  assert.doesNotMatch(again, /stale/, 'nothing left to prune');
});

describe('BSS boot parameters of a checked-in inventory', () => {
  const inventory = join(fixtures, 'bss-inventory.yaml');
  const baseUrl = 'http://10.0.0.2:8080/';
  const token = 'eyJhbGciOiJIUzI1NiJ9.ZW1iLXB4ZS1lMmU.c2lnbmF0dXJl';
  let tree = '';
  let expected: unknown[] = [];
  before(async () => {
    tree = await scratch('pxe-bss-tree');
    expected = JSON.parse(await readFile(join(fixtures, 'bss-expected.json'), 'utf8')) as unknown[];
  });

  async function tokenFile(mode: number): Promise<string> {
    const path = join(await scratch('pxe-token'), 'token');
    await writeFile(path, `${token}\n`);
    await chmod(path, mode);
    return path;
  }

  test('--bss writes the checked-in JSON and YAML', buildTimeout, async () => {
    const out = await scratch('pxe-bss');
    const stdout = await pxeOk(inventory, tree, '--bss', join(out, 'bss.json'), '--base-url', baseUrl);
    assert.match(stdout, /^4 nodes on 3 boards \(qemu-aarch64, qemu-amd64, qemu-armhf\) -> /m);
    assert.match(stdout, new RegExp(`^ {2}bss +4 entries -> ${escapeRegExp(join(out, 'bss.json'))}$`, 'm'));
    // Biome formats the checked-in JSON (short arrays on one line): compare with it re-indented as emb writes it.
    assert.equal(await readFile(join(out, 'bss.json'), 'utf8'), `${JSON.stringify(expected, null, 2)}\n`);
    await pxeOk(inventory, tree, '--bss', join(out, 'bss.yaml'), '--base-url', baseUrl);
    assert.equal(await readFile(join(out, 'bss.yaml'), 'utf8'), await readFile(join(fixtures, 'bss-expected.yaml'), 'utf8'));
  });

  test('--bss-url PUTs one entry per node with the bearer token', buildTimeout, async () => {
    const bss = await startBssStandIn();
    try {
      const result = await pxe(inventory, tree, '--bss-url', bss.url, '--bss-token-file', await tokenFile(0o600), '--base-url', baseUrl);
      assert.equal(result.exitCode, 0, String(result.stderr));
      assert.match(String(result.stdout), new RegExp(`^ {2}bss +4 entries, 4 sent to ${escapeRegExp(bss.url)}$`, 'm'));
      assert.deepEqual(
        bss.received.map((request) => [request.method, request.url]),
        Array(4).fill(['PUT', '/boot/v1/bootparameters']),
      );
      for (const request of bss.received) {
        assert.equal(request.headers.authorization, `Bearer ${token}`);
        assert.equal(request.headers['content-type'], 'application/json');
      }
      assert.deepEqual(
        bss.received.map((request) => request.body),
        expected,
      );
      assert.ok(!`${String(result.stdout)}${String(result.stderr)}`.includes(token), 'the token is not printed');
    } finally {
      await bss.close();
    }
  });

  test('a token file others can read is refused in one line without the token', buildTimeout, async () => {
    const bss = await startBssStandIn();
    try {
      const file = await tokenFile(0o644);
      const before = await snapshot(tree);
      const result = await pxe(inventory, tree, '--bss-url', bss.url, '--bss-token-file', file, '--base-url', baseUrl);
      const line = assertRefused(
        result,
        new RegExp(`^emb: token file ${escapeRegExp(file)} can be read by other users \\(mode 0644\\) \\(run: chmod 600 `),
      );
      assert.ok(!line.includes(token) && !String(result.stdout).includes(token), 'the token is not printed');
      assert.deepEqual(bss.received, [], 'nothing is sent');
      assert.deepEqual(await snapshot(tree), before, 'the token is checked before the tree is touched');
    } finally {
      await bss.close();
    }
  });
});
