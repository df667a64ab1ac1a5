/**
 * The ELF reader on hand-built files, so that all four layouts (ELF32/ELF64, little and
 * big endian) and the odd corners (extended section numbering, corrupt offsets) are
 * covered on any host, with or without cross compilers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ElfFormatError, readDynamicNeeded, readElfHeader, readInterpreter, readSection, readSectionHeaders } from '../../src/elf/index.ts';

interface Layout {
  is64: boolean;
  littleEndian: boolean;
  /** Write e_shnum = 0 and e_shstrndx = 0xffff, with the real values in section 0. */
  extendedNumbering?: boolean;
}

const INTERP = '/lib/ld-test.so.1';
const NEEDED = ['libfoo.so.1', 'libc.so.6'];
const BASE_ADDRESS = 0x400000;

/** A tiny ET_DYN file: PT_LOAD over everything, PT_INTERP, PT_DYNAMIC, and five sections. */
function syntheticElf(layout: Layout): Buffer {
  const { is64, littleEndian } = layout;
  const w = is64 ? 8 : 4;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const align = (n: number): number => Math.ceil(n / 8) * 8;

  const interp = Buffer.from(`${INTERP}\0`);
  const dynstr = Buffer.from(`\0${NEEDED.join('\0')}\0`);
  const shstrtab = Buffer.from('\0.interp\0.dynstr\0.dynamic\0.shstrtab\0');
  const nameAt = (name: string): number => shstrtab.indexOf(`${name}\0`);
  const dynEntries: Array<[number, number]> = [
    [1, 1],
    [1, 1 + NEEDED[0]!.length + 1],
    [5, 0], // DT_STRTAB, filled below
    [10, dynstr.length],
    [0, 0],
  ];
  const dynsize = dynEntries.length * 2 * w;

  const phoff = ehsize;
  const interpAt = align(phoff + 3 * phentsize);
  const dynstrAt = align(interpAt + interp.length);
  const dynamicAt = align(dynstrAt + dynstr.length);
  const shstrtabAt = dynamicAt + dynsize;
  const shoff = align(shstrtabAt + shstrtab.length);
  const size = shoff + 5 * shentsize;
  dynEntries[2]![1] = BASE_ADDRESS + dynstrAt;

  const buf = Buffer.alloc(size);
  const u16 = (at: number, v: number): number => (littleEndian ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at));
  const u32 = (at: number, v: number): number => (littleEndian ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at));
  const word = (at: number, v: number): number =>
    is64 ? (littleEndian ? buf.writeBigUInt64LE(BigInt(v), at) : buf.writeBigUInt64BE(BigInt(v), at)) : u32(at, v);

  Buffer.from([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, littleEndian ? 1 : 2, 1]).copy(buf, 0);
  u16(16, 3);
  u16(18, 183);
  u32(20, 1);
  const flagsAt = 24 + 3 * w;
  word(24 + w, phoff);
  word(24 + 2 * w, shoff);
  u16(flagsAt + 4, ehsize);
  u16(flagsAt + 6, phentsize);
  u16(flagsAt + 8, 3);
  u16(flagsAt + 10, shentsize);
  u16(flagsAt + 12, layout.extendedNumbering ? 0 : 5);
  u16(flagsAt + 14, layout.extendedNumbering ? 0xffff : 4);

  const segment = (index: number, type: number, offset: number, filesz: number): void => {
    const at = phoff + index * phentsize;
    u32(at, type);
    if (is64) {
      word(at + 8, offset);
      word(at + 16, BASE_ADDRESS + offset);
      word(at + 32, filesz);
      word(at + 40, filesz);
    } else {
      u32(at + 4, offset);
      u32(at + 8, BASE_ADDRESS + offset);
      u32(at + 16, filesz);
      u32(at + 20, filesz);
    }
  };
  segment(0, 1, 0, size);
  segment(1, 3, interpAt, interp.length);
  segment(2, 2, dynamicAt, dynsize);

  interp.copy(buf, interpAt);
  dynstr.copy(buf, dynstrAt);
  shstrtab.copy(buf, shstrtabAt);
  dynEntries.forEach(([tag, value], i) => {
    word(dynamicAt + i * 2 * w, tag);
    word(dynamicAt + i * 2 * w + w, value);
  });

  const section = (index: number, name: number, type: number, offset: number, length: number, link: number): void => {
    const at = shoff + index * shentsize;
    u32(at, name);
    u32(at + 4, type);
    word(at + (is64 ? 24 : 16), offset);
    word(at + (is64 ? 32 : 20), length);
    u32(at + (is64 ? 40 : 24), link);
  };
  // Section 0 carries the real count and name-table index under extended numbering.
  section(0, 0, 0, 0, layout.extendedNumbering ? 5 : 0, layout.extendedNumbering ? 4 : 0);
  section(1, nameAt('.interp'), 1, interpAt, interp.length, 0);
  section(2, nameAt('.dynstr'), 3, dynstrAt, dynstr.length, 0);
  section(3, nameAt('.dynamic'), 6, dynamicAt, dynsize, 2);
  section(4, nameAt('.shstrtab'), 3, shstrtabAt, shstrtab.length, 0);
  return buf;
}

const layouts: Layout[] = [
  { is64: true, littleEndian: true },
  { is64: true, littleEndian: false },
  { is64: false, littleEndian: true },
  { is64: false, littleEndian: false },
  { is64: true, littleEndian: false, extendedNumbering: true },
  { is64: false, littleEndian: true, extendedNumbering: true },
];

describe('synthetic ELF files', () => {
  for (const layout of layouts) {
    const name = `ELF${layout.is64 ? 64 : 32} ${layout.littleEndian ? 'LE' : 'BE'}${layout.extendedNumbering ? ' extended numbering' : ''}`;
    test(name, () => {
      const buf = syntheticElf(layout);
      const header = readElfHeader(buf);
      assert.equal(header.class, layout.is64 ? 64 : 32);
      assert.equal(header.littleEndian, layout.littleEndian);
      assert.equal(header.machine, 183);
      assert.deepEqual(
        readSectionHeaders(buf).map((s) => s.name),
        ['', '.interp', '.dynstr', '.dynamic', '.shstrtab'],
      );
      assert.equal(readInterpreter(buf), INTERP);
      assert.deepEqual(readDynamicNeeded(buf), NEEDED);
      assert.equal(readSection(buf, '.interp')?.toString(), `${INTERP}\0`);
    });
  }
});

describe('corrupt synthetic files', () => {
  const base = (): Buffer => syntheticElf({ is64: true, littleEndian: true });
  const shoff = (buf: Buffer): number => Number(buf.readBigUInt64LE(40));
  const rows: Array<{ name: string; corrupt: (buf: Buffer) => void; run: (buf: Buffer) => unknown; want: RegExp }> = [
    {
      name: 'unknown class',
      corrupt: (b) => {
        b[4] = 3;
      },
      run: (b) => readElfHeader(b),
      want: /unknown EI_CLASS 3/,
    },
    {
      name: 'unknown byte order',
      corrupt: (b) => {
        b[5] = 0;
      },
      run: (b) => readElfHeader(b),
      want: /unknown EI_DATA/,
    },
    {
      name: 'shstrndx out of range',
      corrupt: (b) => b.writeUInt16LE(9, 62),
      run: (b) => readSection(b, '.interp'),
      want: /e_shstrndx 9 is outside the section table \(5 sections\)/,
    },
    {
      name: 'section past the end',
      corrupt: (b) => b.writeBigUInt64LE(1n << 40n, shoff(b) + 64 + 24),
      run: (b) => readSection(b, '.interp'),
      want: /section \.interp .*past the end/,
    },
    {
      name: 'name offset past the table',
      corrupt: (b) => b.writeUInt32LE(5000, shoff(b) + 64),
      run: (b) => readSectionHeaders(b),
      want: /name of section 1/,
    },
    {
      name: 'absurd 64-bit size',
      corrupt: (b) => b.writeBigUInt64LE(1n << 60n, shoff(b) + 64 + 32),
      run: (b) => readSectionHeaders(b),
      want: /sh_size is too large/,
    },
    {
      name: 'small e_shentsize',
      corrupt: (b) => b.writeUInt16LE(10, 58),
      run: (b) => readSectionHeaders(b),
      want: /e_shentsize 10 is smaller/,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const buf = base();
      row.corrupt(buf);
      assert.throws(
        () => row.run(buf),
        (error: unknown) =>
          error instanceof ElfFormatError && /^input is not a valid ELF file: /.test(error.message) && row.want.test(error.message),
      );
    });
  }
});
