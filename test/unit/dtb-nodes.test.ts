/**
 * Reading a parsed tree: string lists, `status` (on the node and through its ancestors),
 * /chosen stdout-path by alias and by path, and the modalias the kernel would announce.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  chosenStdout,
  compatiblesOf,
  enabledNodes,
  isNodeEnabled,
  nodeOfPathOrAlias,
  ofModalias,
  parseDtb,
  stringListOf,
  stringPropertyOf,
  type DtbNode,
} from '../../src/dtb/index.ts';
import { type DtbSpec, writeDtb } from './dtb-writer.ts';

const parsed = (root: DtbSpec) => parseDtb(writeDtb(root), 'test.dtb');

function nodeWith(props: DtbSpec['props'], name = 'n@1'): DtbNode {
  const node = parsed({ name: '', children: [{ name, props }] }).nodes.get(`/${name}`);
  assert.ok(node);
  return node;
}

test('stringListOf: NUL-separated strings like of_property_for_each_string', () => {
  const rows: Array<{ value: Buffer | string[] | undefined; want: string[] }> = [
    { value: ['allwinner,sun50i-a64-emac', 'allwinner,sun8i-h3-emac'], want: ['allwinner,sun50i-a64-emac', 'allwinner,sun8i-h3-emac'] },
    { value: ['one'], want: ['one'] },
    { value: undefined, want: [] },
    { value: Buffer.alloc(0), want: [] },
    { value: Buffer.from('a\0\0b\0'), want: ['a', '', 'b'] },
    { value: Buffer.from('a\0b'), want: ['a', 'b'] },
  ];
  for (const row of rows) {
    const node = nodeWith(row.value === undefined ? {} : { compatible: row.value });
    assert.deepEqual(stringListOf(node, 'compatible'), row.want, `stringListOf(${JSON.stringify(row.value)})`);
    assert.deepEqual(compatiblesOf(node), row.want);
  }
});

test('stringPropertyOf: up to the first NUL', () => {
  assert.equal(stringPropertyOf(nodeWith({ status: 'okay' }), 'status'), 'okay');
  assert.equal(stringPropertyOf(nodeWith({ status: Buffer.from('ok\0junk') }), 'status'), 'ok');
  assert.equal(stringPropertyOf(nodeWith({ status: Buffer.from('ok') }), 'status'), 'ok');
  assert.equal(stringPropertyOf(nodeWith({}), 'status'), undefined);
});

describe('status', () => {
  const tree = parsed({
    name: '',
    children: [
      { name: 'absent' },
      { name: 'okay', props: { status: 'okay' } },
      { name: 'ok', props: { status: 'ok' } },
      {
        name: 'disabled',
        props: { status: 'disabled' },
        children: [{ name: 'child', props: { status: 'okay' }, children: [{ name: 'grandchild' }] }],
      },
      { name: 'fail', props: { status: 'fail' } },
      { name: 'empty', props: { status: Buffer.alloc(0) } },
      { name: 'bus', children: [{ name: 'off', props: { status: 'disabled' } }, { name: 'on' }] },
    ],
  });

  test('isNodeEnabled: the node and every ancestor must be okay', () => {
    const rows: Array<[path: string, want: boolean]> = [
      ['/', true],
      ['/absent', true],
      ['/okay', true],
      ['/ok', true],
      ['/disabled', false],
      ['/disabled/child', false],
      ['/disabled/child/grandchild', false],
      ['/fail', false],
      ['/empty', false],
      ['/bus/off', false],
      ['/bus/on', true],
      ['/nowhere', false],
      ['nowhere', false],
    ];
    for (const [path, want] of rows) assert.equal(isNodeEnabled(tree, path), want, `isNodeEnabled(${path}) = ${!want}, want ${want}`);
  });

  test('enabledNodes: sorted by path, nothing under a disabled node', () => {
    assert.deepEqual(
      enabledNodes(tree).map((n) => n.path),
      ['/', '/absent', '/bus', '/bus/on', '/ok', '/okay'],
    );
  });
});

describe('chosenStdout', () => {
  const board = (chosen: DtbSpec['props'] | undefined): ReturnType<typeof parsed> =>
    parsed({
      name: '',
      children: [
        { name: 'aliases', props: { serial0: '/soc/serial@1c28000', soc: '/soc', broken: '/soc/missing' } },
        ...(chosen === undefined ? [] : [{ name: 'chosen', props: chosen }]),
        { name: 'soc', children: [{ name: 'serial@1c28000', props: { compatible: 'snps,dw-apb-uart' } }, { name: 'serial@1c28400' }] },
      ],
    });
  const rows: Array<{ chosen: DtbSpec['props'] | undefined; want: ReturnType<typeof chosenStdout> | 'no node' }> = [
    { chosen: undefined, want: undefined },
    { chosen: {}, want: undefined },
    { chosen: { 'stdout-path': 'serial0:115200n8' }, want: { stdoutPath: 'serial0:115200n8', options: '115200n8' } },
    { chosen: { 'stdout-path': 'serial0' }, want: { stdoutPath: 'serial0' } },
    {
      chosen: { 'stdout-path': '/soc/serial@1c28000:115200n8' },
      want: { stdoutPath: '/soc/serial@1c28000:115200n8', options: '115200n8' },
    },
    { chosen: { 'stdout-path': '/soc/serial@1c28000' }, want: { stdoutPath: '/soc/serial@1c28000' } },
    { chosen: { 'linux,stdout-path': '/soc/serial@1c28000' }, want: { stdoutPath: '/soc/serial@1c28000' } },
    { chosen: { 'stdout-path': 'serial1:115200n8' }, want: 'no node' },
    { chosen: { 'stdout-path': 'broken' }, want: 'no node' },
    // The kernel needs the unit address: '/soc/serial' is no node.
    { chosen: { 'stdout-path': '/soc/serial' }, want: 'no node' },
  ];
  for (const row of rows) {
    test(JSON.stringify(row.chosen), () => {
      const tree = board(row.chosen);
      const got = chosenStdout(tree);
      if (row.want === undefined) return assert.equal(got, undefined);
      if (row.want === 'no node') return assert.equal(got?.node, undefined);
      const { node, ...rest } = got ?? {};
      assert.deepEqual(rest, row.want);
      assert.equal(node?.path, '/soc/serial@1c28000');
      assert.deepEqual(compatiblesOf(node ?? nodeWith({})), ['snps,dw-apb-uart']);
    });
  }

  test('nodeOfPathOrAlias: an alias followed by a path below it', () => {
    const tree = board({});
    assert.equal(nodeOfPathOrAlias(tree, 'soc/serial@1c28400')?.path, '/soc/serial@1c28400');
    assert.equal(nodeOfPathOrAlias(tree, '/')?.path, '/');
    // As in the kernel, with ':' the alias name runs up to it: 'soc/serial@1c28400' is no alias.
    assert.equal(nodeOfPathOrAlias(tree, 'soc/serial@1c28400:9600'), undefined);
  });
});

test('ofModalias: of:N<name>T<device_type>C<compatible>… as drivers/of/device.c prints it', () => {
  const rows: Array<{ name: string; props: DtbSpec['props']; want: string }> = [
    {
      name: 'ethernet@1c30000',
      props: { compatible: ['allwinner,sun50i-a64-emac', 'allwinner,sun8i-h3-emac'] },
      want: 'of:NethernetT(null)Callwinner,sun50i-a64-emacCallwinner,sun8i-h3-emac',
    },
    { name: 'kcs@ca2', props: { compatible: 'ipmi-kcs', device_type: 'ipmi' }, want: 'of:NkcsTipmiCipmi-kcs' },
    { name: 'odd', props: { compatible: ['vendor,with space'] }, want: 'of:NoddT(null)Cvendor,with_space' },
    { name: 'bare', props: {}, want: 'of:NbareT(null)' },
  ];
  for (const row of rows) assert.equal(ofModalias(nodeWith(row.props, row.name)), row.want);
});
