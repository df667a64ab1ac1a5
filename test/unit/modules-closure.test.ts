/**
 * Module selection as data: modinfo parsing, alias globs, and the closure over synthetic
 * indexes (no files). Table-driven; messages read `f(x) = y, want z`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  canonicalAlias,
  globMatches,
  moduleClosure,
  moduleIndexOf,
  modulesTotals,
  orderedByEdges,
  parseBuiltinModinfo,
  parseModinfo,
  parseModulesBuiltin,
  parseSoftdep,
  type ModInfo,
  type ModuleRecord,
} from '../../src/kernel/modules/index.ts';

const section = (...strings: string[]): Buffer => Buffer.from(strings.map((s) => `${s}\0`).join(''));

describe('parseModinfo', () => {
  const rows: Array<{ in: string[]; want: ModInfo }> = [
    { in: [], want: { depends: [], softdepPre: [], softdepPost: [], firmware: [], aliases: [] } },
    {
      in: ['license=GPL', 'alias=virtio:d00000001v*', 'depends=net_failover', 'intree=Y', 'name=virtio_net', 'vermagic=6.1.0 SMP'],
      want: {
        name: 'virtio_net',
        license: 'GPL',
        depends: ['net_failover'],
        softdepPre: [],
        softdepPost: [],
        firmware: [],
        aliases: ['virtio:d00000001v*'],
      },
    },
    {
      in: ['depends=', 'softdep=pre: crypto-crc32c', 'name=ext4', 'alias=fs-ext4', 'alias=ext3'],
      want: { name: 'ext4', depends: [], softdepPre: ['crypto-crc32c'], softdepPost: [], firmware: [], aliases: ['fs-ext4', 'ext3'] },
    },
    {
      in: ['depends=jbd2,mbcache,crc16', 'firmware=rtl_nic/rtl8168d-1.fw', 'firmware=rtl_nic/rtl8168e-2.fw', 'description=a=b'],
      want: {
        depends: ['jbd2', 'mbcache', 'crc16'],
        softdepPre: [],
        softdepPost: [],
        firmware: ['rtl_nic/rtl8168d-1.fw', 'rtl_nic/rtl8168e-2.fw'],
        aliases: [],
      },
    },
    {
      in: ['softdep=pre: a  b post: c', 'softdep=post: d', 'depends=snd-pcm,'],
      want: { depends: ['snd_pcm'], softdepPre: ['a', 'b'], softdepPost: ['c', 'd'], firmware: [], aliases: [] },
    },
  ];
  for (const row of rows) {
    test(JSON.stringify(row.in), () => {
      assert.deepEqual(parseModinfo(section(...row.in)), row.want);
    });
  }
});

test('parseSoftdep: names before pre:/post: are ignored, as kmod does', () => {
  const rows = [
    { in: 'pre: a b post: c', want: { pre: ['a', 'b'], post: ['c'] } },
    { in: 'post: c pre: a', want: { pre: ['a'], post: ['c'] } },
    { in: 'gcm', want: { pre: [], post: [] } },
    { in: '  pre:   x\tpost:', want: { pre: ['x'], post: [] } },
  ];
  for (const row of rows) assert.deepEqual(parseSoftdep(row.in), row.want, `parseSoftdep(${JSON.stringify(row.in)})`);
});

test('globMatches: fnmatch(3) without flags', () => {
  const rows: Array<[pattern: string, text: string, want: boolean]> = [
    ['crc32c', 'crc32c', true],
    ['crc32c', 'crc32', false],
    ['virtio:d00000001v*', 'virtio:d00000001v00001AF4', true],
    ['virtio:d00000001v*', 'virtio:d00000002v00001AF4', false],
    ['pci:v00008086d*sv*sd*bc02sc00i*', 'pci:v00008086d000010D3sv0sd0bc02sc00i00', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*', '', true],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXbYbZ', false],
    ['of:N*T*Cfoo,bar', 'of:NdevTxCfoo,bar', true],
    ['usb:v*p*d*dc[0-9]*', 'usb:v1p2d3dc7x', true],
    ['usb:v*p*d*dc[0-9]*', 'usb:v1p2d3dcAx', false],
    ['x[!a-c]', 'xd', true],
    ['x[!a-c]', 'xb', false],
    ['x[^a]', 'xa', false],
    ['x[]]', 'x]', true],
    ['x[', 'x[', true],
    ['x\\*', 'x*', true],
    ['x\\*', 'xy', false],
    ['*/*', 'a/b', true],
  ];
  for (const [pattern, text, want] of rows) {
    assert.equal(globMatches(pattern, text), want, `globMatches(${pattern}, ${text}) = ${!want}, want ${want}`);
  }
});

test('canonicalAlias keeps - inside brackets', () => {
  assert.equal(canonicalAlias('crypto-crc32c'), 'crypto_crc32c');
  assert.equal(canonicalAlias('x-[a-c]-y'), 'x_[a-c]_y');
});

test('modules.builtin and modules.builtin.modinfo', () => {
  assert.deepEqual(parseModulesBuiltin('kernel/drivers/virtio/virtio.ko\nkernel/crypto/crc32c-generic.ko\n\n'), [
    'virtio',
    'crc32c_generic',
  ]);
  assert.deepEqual(parseBuiltinModinfo(section('crc32c_generic.alias=crypto-crc32c', 'crc32c_generic.license=GPL', 'kvm.parm=x=y')), [
    ['crypto-crc32c', 'crc32c_generic'],
  ]);
});

function record(name: string, info: Partial<ModInfo> = {}, size = 1000): ModuleRecord {
  return {
    name,
    relPath: `kernel/${name}.ko`,
    size,
    info: { depends: [], softdepPre: [], softdepPost: [], firmware: [], aliases: [], ...info },
  };
}

const index = moduleIndexOf(
  '/lib/modules/test',
  [
    record('a', { depends: ['b', 'c'] }),
    record('b', { depends: ['c'] }),
    record('c'),
    record('d', { softdepPre: ['crypto-x'], softdepPost: ['e'] }),
    record('x_generic', { aliases: ['crypto-x', 'x'] }),
    record('x_fast', { aliases: ['crypto-x'] }),
    record('e', { depends: ['c'] }),
    record('f', { depends: ['gone'] }),
    record('g', { aliases: ['pci:v00001AF4d*sv*'] }),
    record('h', { firmware: ['h/fw-2.bin', 'h/fw-1.bin'], softdepPre: ['nothere', 'crypto-builtin'] }),
    record('i', { firmware: ['h/fw-1.bin'], depends: ['virtio'] }),
    record('cyc1', { softdepPre: ['cyc2'] }),
    record('cyc2', { softdepPre: ['cyc1'], depends: ['c'] }),
    record('dash_name', { softdepPost: ['dash-name'] }),
  ],
  { names: ['virtio', 'somebuiltin'], aliases: [['crypto-builtin', 'somebuiltin']] },
);

describe('moduleClosure', () => {
  const rows: Array<{ wanted: string[]; order: string[]; builtin?: string[]; firmware?: string[]; missing?: string[] }> = [
    { wanted: ['a'], order: ['c', 'b', 'a'] },
    { wanted: ['c', 'b', 'a'], order: ['c', 'b', 'a'] },
    { wanted: ['d'], order: ['c', 'x_fast', 'x_generic', 'd', 'e'] },
    { wanted: ['crypto-x'], order: ['x_fast', 'x_generic'] },
    { wanted: ['crypto_x'], order: ['x_fast', 'x_generic'] },
    { wanted: ['x'], order: ['x_generic'] },
    { wanted: ['virtio', 'a', 'virtio'], order: ['c', 'b', 'a'], builtin: ['virtio'] },
    { wanted: ['crypto-builtin'], order: [], builtin: ['crypto-builtin'] },
    { wanted: ['pci:v00001AF4d00001000sv00001AF4'], order: ['g'] },
    { wanted: ['dash-name'], order: ['dash_name'] },
    { wanted: ['cyc1'], order: ['c', 'cyc1', 'cyc2'] },
    { wanted: ['h', 'i'], order: ['h', 'i'], firmware: ['h/fw-1.bin', 'h/fw-2.bin'], missing: ['nothere'] },
  ];
  for (const row of rows) {
    test(`moduleClosure(${row.wanted.join(', ')})`, () => {
      const closure = moduleClosure(index, row.wanted);
      assert.deepEqual(
        closure.order.map((m) => m.name),
        row.order,
      );
      assert.deepEqual(closure.builtin, row.builtin ?? []);
      assert.deepEqual(closure.firmware, row.firmware ?? []);
      assert.deepEqual(closure.missing, row.missing ?? []);
    });
  }

  test('the order of the wanted list does not change the result', () => {
    const names = (wanted: string[]): string[] => moduleClosure(index, wanted).order.map((m) => m.name);
    assert.deepEqual(names(['a', 'd', 'cyc2', 'h']), names(['h', 'cyc2', 'd', 'a']));
  });

  test('an unknown wanted name names the tree and the fix', () => {
    assert.throws(() => moduleClosure(index, ['a', 'nope']), {
      message: `kernel module "nope" is not in /lib/modules/test nor built in; check the board's modules list`,
    });
  });

  test('a missing depends= entry is an error about the tree', () => {
    assert.throws(
      () => moduleClosure(index, ['f']),
      /kernel module "f" \(kernel\/f\.ko\) depends on "gone", which is not in \/lib\/modules\/test nor built in/,
    );
  });
});

test('orderedByEdges: ties by name, cycles end', () => {
  assert.deepEqual(orderedByEdges(['z', 'y', 'x'], []), ['x', 'y', 'z']);
  assert.deepEqual(
    orderedByEdges(
      ['a', 'b', 'c'],
      [
        ['c', 'a'],
        ['b', 'a'],
      ],
    ),
    ['b', 'c', 'a'],
  );
  assert.deepEqual(
    orderedByEdges(
      ['a', 'b', 'c'],
      [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
      ],
    ),
    ['a', 'b', 'c'],
  );
  assert.deepEqual(
    orderedByEdges(
      ['a', 'b'],
      [
        ['a', 'a'],
        ['b', 'ghost'],
      ],
    ),
    ['a', 'b'],
  );
});

test('modulesTotals', () => {
  const closure = moduleClosure(index, ['a']);
  assert.deepEqual(modulesTotals(index, [...closure.order, ...closure.order]), {
    keptCount: 3,
    totalCount: 14,
    keptBytes: 3000,
    totalBytes: 14000,
  });
});
