/** The node inventory of emb pxe: every bad file is one EmbError line naming file, node and field; good files merge. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EmbError } from '../../src/errors.ts';
import { loadInventory, parseInventory, type InventoryNode } from '../../src/pxe/inventory.ts';
import { macProblem, normalMac } from '../../src/pxe/inventory-mac.ts';
import { argsProblem, nodeKernelArgs } from '../../src/pxe/node-args.ts';

const knownBoards = ['qemu-aarch64', 'qemu-armhf', 'qemu-amd64', 'sopine', 'rpi3', 'orangepi-pc'];
const fixtures = 'test/fixtures/inventories';
const badDir = join(fixtures, 'bad');
const goodDir = join(fixtures, 'good');

function yamlCases(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort();
}

/** The EmbError `run` throws, or a failure. */
async function embErrorOf(run: () => unknown): Promise<EmbError> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof EmbError, `threw ${String(error)}, want an EmbError`);
    return error;
  }
  assert.fail('did not throw');
}

function assertOneLine(error: EmbError): void {
  assert.ok(!error.message.includes('\n'), `message is more than one line: ${JSON.stringify(error.message)}`);
  assert.ok(error.hint && !error.hint.includes('\n'), `hint missing or more than one line: ${JSON.stringify(error.hint)}`);
}

const expected = JSON.parse(readFileSync(join(badDir, 'expected.json'), 'utf8')) as Record<string, string>;

test('every bad inventory has an expected message, and every expectation a file', () => {
  assert.deepEqual(Object.keys(expected).sort(), yamlCases(badDir));
  assert.ok(yamlCases(badDir).length >= 16);
});

for (const name of yamlCases(badDir)) {
  test(`bad/${name}.yaml`, async () => {
    const file = join(badDir, `${name}.yaml`);
    const want = new RegExp(expected[name] ?? 'no expectation');
    const loaded = await embErrorOf(() => loadInventory(file, knownBoards));
    assert.match(loaded.message, want);
    assert.ok(loaded.message.startsWith(`${file}:`) || loaded.message.startsWith(`${file} `), `does not name ${file}: ${loaded.message}`);
    assertOneLine(loaded);
    // The pure parser says the same about the same text, under the name it is given.
    const parsed = await embErrorOf(() => parseInventory(readFileSync(file, 'utf8'), 'nodes.yaml', knownBoards));
    assert.equal(parsed.message, loaded.message.replace(file, 'nodes.yaml'));
  });
}

test('a missing file and a directory are named', async () => {
  const missing = await embErrorOf(() => loadInventory(join(fixtures, 'no-such.yaml'), knownBoards));
  assert.equal(missing.message, `${join(fixtures, 'no-such.yaml')}: no such inventory file`);
  const directory = await embErrorOf(() => loadInventory(fixtures, knownBoards));
  assert.match(directory.message, /^test\/fixtures\/inventories: cannot be read: EISDIR/);
  assertOneLine(directory);
});

test('an unknown board lists the known ones in the hint', async () => {
  const error = await embErrorOf(() => loadInventory(join(badDir, 'board-unknown.yaml'), knownBoards));
  assert.equal(error.hint, `known boards: ${knownBoards.join(', ')}`);
});

test('several schema problems: three spelled out with their lines, the rest counted', async () => {
  const nodes = [1, 2, 3, 4, 5].map((n) => `  - { mac: "02:00:00:00:00:0${n}", hostname: "bad_${n}" }`);
  const error = await embErrorOf(() =>
    parseInventory(['defaults: { board: sopine }', 'nodes:', ...nodes].join('\n'), 'n.yaml', knownBoards),
  );
  assert.match(error.message, /^n\.yaml:3: nodes\[1\] .*; line 4: nodes\[2\] .*; line 5: nodes\[3\] .* \(and 2 more problems\)$/);
});

test('good/example.yaml: boards resolved, MACs lower-case, args merged defaults, group, node, hostname', async () => {
  const inventory = await loadInventory(join(goodDir, 'example.yaml'), knownBoards);
  const want: InventoryNode[] = [
    { index: 1, mac: '02:00:00:00:00:01', hostname: 'node01', board: 'sopine', args: 'uebo.consul=10.0.0.2:8500 uebo.hostname=node01' },
    {
      index: 2,
      mac: '02:00:00:00:00:02',
      hostname: 'gpu01',
      board: 'rpi3',
      group: 'gpu',
      serial: '1a2b3c4d',
      args: 'uebo.consul=10.0.0.2:8500 bee.nvidia.mode=gsp-off uebo.boinc.remote_hosts=10.0.0.5 uebo.hostname=gpu01',
    },
    {
      index: 3,
      mac: '02:00:00:00:00:ab',
      hostname: 'gpu02',
      board: 'qemu-amd64',
      group: 'gpu',
      args: 'uebo.consul=10.0.0.2:8500 bee.nvidia.mode=gsp-off uebo.hostname=gpu02',
    },
    {
      index: 4,
      mac: '02:00:00:00:00:ac',
      hostname: 'node04.cluster.lan',
      board: 'sopine',
      group: 'quiet',
      args: 'uebo.consul=10.0.0.2:8500 quiet loglevel=3 uebo.consul=consul.lan:8500 dyndbg="file net.c +p" uebo.hostname=node04.cluster.lan',
    },
  ];
  assert.deepEqual(inventory, { file: join(goodDir, 'example.yaml'), nodes: want });
});

test('good/flow-style.yaml: folded args become one line', async () => {
  const inventory = await loadInventory(join(goodDir, 'flow-style.yaml'), knownBoards);
  assert.deepEqual(
    inventory.nodes.map((node) => `${node.board} ${node.args}`),
    [
      'orangepi-pc uebo.hostname=opi01',
      'qemu-armhf uebo.hostname=opi02',
      'orangepi-pc uebo.nfsdir=nas.lan:/export/nodes uebo.boinc.remote_hosts=10.0.0.5,10.0.0.6 uebo.hostname=opi03',
    ],
  );
});

for (const name of yamlCases(goodDir)) {
  test(`good/${name}.yaml: every node numbered, normalised and named last on its command line`, async () => {
    const inventory = await loadInventory(join(goodDir, `${name}.yaml`), knownBoards);
    assert.ok(inventory.nodes.length > 0);
    for (const [at, node] of inventory.nodes.entries()) {
      assert.equal(node.index, at + 1);
      assert.match(node.mac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      assert.ok(knownBoards.includes(node.board), `board ${node.board}`);
      assert.ok(node.args.endsWith(` uebo.hostname=${node.hostname}`) || node.args === `uebo.hostname=${node.hostname}`, node.args);
    }
  });
}

const macRows: { in: string; want: string | RegExp }[] = [
  { in: '02:00:00:00:00:01', want: '02:00:00:00:00:01' },
  { in: 'B8-27-EB-0A-0B-0C', want: 'b8:27:eb:0a:0b:0c' },
  { in: 'b8:27:EB:0a:0B:0c', want: 'b8:27:eb:0a:0b:0c' },
  { in: '2:0:0:0:0:1', want: /is not a MAC address/ },
  { in: '02:00:00:00:00:01:02', want: /is not a MAC address/ },
  { in: '020000000001', want: /is not a MAC address/ },
  { in: '02:00:00:00:00:0g', want: /is not a MAC address/ },
  { in: '01:00:5e:00:00:01', want: /multicast/ },
  { in: 'ff:ff:ff:ff:ff:ff', want: /multicast/ },
  { in: '00:00:00:00:00:00', want: /all zeros/ },
];

for (const row of macRows) {
  test(`MAC ${row.in}`, () => {
    const problem = macProblem(row.in);
    if (typeof row.want === 'string') {
      assert.equal(problem, undefined, `macProblem(${row.in}) = ${problem}, want none`);
      assert.equal(normalMac(row.in), row.want);
    } else assert.match(problem ?? '', row.want, `macProblem(${row.in}) = ${problem}, want ${row.want}`);
  });
}

const argsRows: { in: string; want: RegExp | undefined }[] = [
  { in: '', want: undefined },
  { in: 'quiet console=ttyS0,115200 uebo.consul=c.lan:8500', want: undefined },
  { in: 'uebo.boinc.password=s3cret', want: undefined },
  { in: '"uebo.hostname=x"', want: /sets uebo\.hostname/ },
  { in: 'uebo.hostname', want: /sets uebo\.hostname/ },
  { in: 'a --', want: /has "--"/ },
  { in: 'a=-- b', want: undefined },
  { in: 'bee.gpu=1', want: /bee\.gpu: unknown key/ },
  { in: 'uebo.nfsdir=nas:export uebo.consul=x', want: /uebo\.nfsdir: .*; uebo\.consul: / },
  { in: 'a="b c"', want: undefined },
  { in: 'a="b c', want: /unclosed quote/ },
  { in: 'a\tb', want: /control character/ },
];

for (const row of argsRows) {
  test(`argsProblem(${JSON.stringify(row.in)})`, () => {
    const problem = argsProblem(row.in);
    if (row.want) assert.match(problem ?? '', row.want, `argsProblem = ${problem}, want ${row.want}`);
    else assert.equal(problem, undefined);
  });
}

test('nodeKernelArgs joins the layers in order, skips empty ones, and names the node last', () => {
  assert.equal(nodeKernelArgs([' a=1 ', undefined, '', 'b=2'], 'n1'), 'a=1 b=2 uebo.hostname=n1');
  assert.equal(nodeKernelArgs([], 'n1'), 'uebo.hostname=n1');
});
