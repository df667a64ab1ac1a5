/**
 * The FDT parser on synthetic blobs: header, tree, paths and properties; then corrupt
 * inputs, each of which must end in an EmbError naming the file and what broke.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDtb } from '../../src/dtb/index.ts';
import { EmbError } from '../../src/errors.ts';
import { type DtbSpec, FDT, structureOf, writeDtb } from './dtb-writer.ts';

const LABEL = 'boards/x/test.dtb';

const tree: DtbSpec = {
  name: '',
  props: { compatible: ['pine64,sopine-baseboard', 'allwinner,sun50i-a64'], '#address-cells': 1 },
  children: [
    { name: 'chosen', props: { 'stdout-path': 'serial0:115200n8' } },
    {
      name: 'soc',
      props: { compatible: 'simple-bus' },
      children: [
        { name: 'ethernet@1c30000', props: { compatible: ['allwinner,sun50i-a64-emac', 'allwinner,sun8i-h3-emac'], reg: 0x1c30000 } },
        { name: 'serial@1c28000', props: { compatible: 'snps,dw-apb-uart', empty: Buffer.alloc(0) } },
      ],
    },
  ],
};

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

describe('parseDtb', () => {
  test('header fields', () => {
    const { header } = parseDtb(writeDtb(tree, { header: { bootCpuidPhys: 3 } }), LABEL);
    const { struct, strings } = structureOf(tree);
    assert.deepEqual(header, {
      totalsize: 56 + struct.length + strings.length,
      offDtStruct: 56,
      offDtStrings: 56 + struct.length,
      offMemRsvmap: 40,
      version: 17,
      lastCompVersion: 16,
      bootCpuidPhys: 3,
      sizeDtStrings: strings.length,
      sizeDtStruct: struct.length,
    });
  });

  test('nodes, paths and property values', () => {
    const dtb = parseDtb(writeDtb(tree), LABEL);
    assert.equal(dtb.label, LABEL);
    assert.deepEqual([...dtb.nodes.keys()], ['/', '/chosen', '/soc', '/soc/ethernet@1c30000', '/soc/serial@1c28000']);
    assert.equal(dtb.root.path, '/');
    assert.equal(dtb.root.name, '');
    assert.deepEqual(
      dtb.root.children.map((c) => c.name),
      ['chosen', 'soc'],
    );
    const ethernet = dtb.nodes.get('/soc/ethernet@1c30000');
    assert.equal(ethernet?.name, 'ethernet@1c30000');
    assert.deepEqual(ethernet?.properties.get('reg'), Buffer.from([0x01, 0xc3, 0x00, 0x00]));
    assert.equal(ethernet?.properties.get('compatible')?.toString(), 'allwinner,sun50i-a64-emac\0allwinner,sun8i-h3-emac\0');
    assert.deepEqual(dtb.nodes.get('/soc/serial@1c28000')?.properties.get('empty'), Buffer.alloc(0));
    assert.equal(dtb.root.properties.get('#address-cells')?.readUInt32BE(0), 1);
  });

  test('FDT_NOP tokens anywhere between tokens are skipped', () => {
    const nop = u32(FDT.NOP);
    const withNops = writeDtb(tree, {
      editStruct: (s) => Buffer.concat([nop, s.subarray(0, 8), nop, nop, s.subarray(8, -4), nop, s.subarray(-4)]),
    });
    assert.deepEqual([...parseDtb(withNops, LABEL).nodes.keys()], [...parseDtb(writeDtb(tree), LABEL).nodes.keys()]);
  });

  test('version 16 (no size_dt_struct) reads the structure block up to totalsize', () => {
    const dtb = parseDtb(writeDtb(tree, { header: { version: 16, sizeDtStruct: 0xffffffff } }), LABEL);
    assert.equal(dtb.header.sizeDtStruct, undefined);
    assert.equal(dtb.nodes.size, 5);
  });

  test('bytes after totalsize are ignored', () => {
    const dtb = parseDtb(Buffer.concat([writeDtb(tree), Buffer.alloc(64, 0xff)]), LABEL);
    assert.equal(dtb.nodes.size, 5);
  });
});

/** Replaces the 4-byte word at `index` (in words) of the structure block. */
const withWord =
  (index: number, word: number) =>
  (s: Buffer): Buffer =>
    Buffer.concat([s.subarray(0, index * 4), u32(word), s.subarray(index * 4 + 4)]);

describe('corrupt inputs throw an EmbError naming the file', () => {
  const valid = writeDtb(tree);
  const leaf: DtbSpec = { name: '', children: [{ name: 'a' }] };
  // Root: BEGIN_NODE, name '' padded (1 word); child: BEGIN_NODE, 'a\0' padded, END_NODE; END_NODE; END.
  const rows: Array<{ name: string; input: Buffer; want: RegExp }> = [
    { name: 'empty file', input: Buffer.alloc(0), want: /0 bytes long, shorter than the FDT magic/ },
    { name: 'bad magic', input: writeDtb(tree, { header: { magic: 0x12345678 } }), want: /bad magic 0x12345678 \(want 0xd00dfeed\)/ },
    { name: 'a header cut short', input: valid.subarray(0, 30), want: /the header \(bytes 0\.\.40\) runs past the end of the file/ },
    {
      name: 'truncated',
      input: valid.subarray(0, valid.length - 10),
      want: /says totalsize \d+ bytes but the file has \d+: it is truncated/,
    },
    { name: 'version 15', input: writeDtb(tree, { header: { version: 15 } }), want: /version 15 is older than 16/ },
    { name: 'last_comp_version 18', input: writeDtb(tree, { header: { lastCompVersion: 18 } }), want: /needs a reader of version 18/ },
    {
      name: 'totalsize below the header',
      input: writeDtb(tree, { header: { totalsize: 20 } }),
      want: /totalsize 20 is smaller than the header/,
    },
    {
      name: 'strings block past totalsize',
      input: writeDtb(tree, { header: { offDtStrings: 1_000_000 } }),
      want: /the strings block \(bytes 1000000\.\.\d+\) ends past totalsize/,
    },
    {
      name: 'structure block past totalsize',
      input: writeDtb(tree, { header: { sizeDtStruct: 1_000_000 } }),
      want: /the structure block \(bytes 56\.\.1000056\) ends past totalsize/,
    },
    {
      name: 'structure block inside the header',
      input: writeDtb(tree, { header: { offDtStruct: 8 } }),
      want: /starts at byte 8, inside the 40-byte header/,
    },
    {
      name: 'unaligned structure block',
      input: writeDtb(tree, { header: { offDtStruct: 58 } }),
      want: /structure block offset 58 is not 4-byte aligned/,
    },
    {
      name: 'memory map past totalsize',
      input: writeDtb(tree, { header: { offMemRsvmap: 0x7ffffff8 } }),
      want: /memory reservation map .* ends past totalsize/,
    },
    {
      name: 'unterminated node name',
      input: writeDtb(leaf, { editStruct: () => Buffer.concat([u32(FDT.BEGIN_NODE), Buffer.from('abcdefgh')]) }),
      want: /the node name at byte 60 has no terminating NUL before byte 68/,
    },
    {
      name: 'missing FDT_END',
      input: writeDtb(leaf, { editStruct: (s) => s.subarray(0, -4) }),
      want: /the structure block \(no FDT_END token\)/,
    },
    {
      name: 'FDT_END with a node open',
      input: writeDtb(leaf, { editStruct: (s) => Buffer.concat([s.subarray(0, -8), u32(FDT.END)]) }),
      want: /FDT_END at byte \d+ comes before node \/ is closed/,
    },
    {
      name: 'an extra FDT_END_NODE',
      input: writeDtb(leaf, { editStruct: withWord(6, FDT.END_NODE) }),
      want: /FDT_END_NODE at byte 80 closes no node/,
    },
    { name: 'an unknown token', input: writeDtb(leaf, { editStruct: withWord(2, 7) }), want: /unknown token 0x7 at byte 64/ },
    {
      name: 'a second root node',
      input: writeDtb(leaf, { editStruct: (s) => Buffer.concat([s.subarray(0, -4), s]) }),
      want: /a second root node "" starts at byte 80/,
    },
    {
      name: 'no root node',
      input: writeDtb(leaf, { editStruct: () => u32(FDT.END) }),
      want: /the structure block has no root node/,
    },
    {
      name: 'a property outside every node',
      input: writeDtb({ name: '', props: { a: 1 } }, { editStruct: (s) => Buffer.concat([s.subarray(8, 24), s]) }),
      want: /the property "a" at byte 56 is outside every node/,
    },
    {
      name: 'a property name offset past the strings block',
      input: writeDtb({ name: '', props: { a: 1 } }, { editStruct: withWord(4, 500) }),
      want: /names string 500, outside the 2-byte strings block/,
    },
    {
      name: 'a property value past the structure block',
      input: writeDtb({ name: '', props: { a: 1 } }, { editStruct: withWord(3, 4000) }),
      want: /the value of \/:a \(bytes 76\.\.4076\) runs past byte \d+, the end of its block/,
    },
    {
      name: 'two nodes with one path',
      input: writeDtb({ name: '', children: [{ name: 'x' }, { name: 'x' }] }),
      want: /two nodes have the path \/x/,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      assert.throws(
        () => parseDtb(row.input, LABEL),
        (error: unknown) => {
          assert.ok(error instanceof EmbError, `parseDtb(${row.name}) threw ${String(error)}, want an EmbError`);
          assert.ok(error.message.startsWith(`${LABEL} is not a valid device tree blob: `), error.message);
          assert.match(error.message, row.want);
          assert.ok(error.hint);
          return true;
        },
      );
    });
  }

  test('every truncation and byte flip either parses or throws an EmbError', () => {
    const inputs: Buffer[] = [];
    for (let length = 0; length < valid.length; length++) inputs.push(valid.subarray(0, length));
    for (let at = 0; at < valid.length; at++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const copy = Buffer.from(valid);
        copy[at] = (copy[at] ?? 0) ^ flip;
        inputs.push(copy);
      }
    }
    for (const [n, input] of inputs.entries()) {
      try {
        parseDtb(input, LABEL);
      } catch (error) {
        assert.ok(error instanceof EmbError, `input ${n}: ${String(error)}`);
      }
    }
  });
});
