/**
 * The ELF reader against real binaries from the host's compilers, checked against what
 * binutils' readelf says about the same files. Cross compilers that are not installed
 * skip their row (Debian: gcc-aarch64-linux-gnu, gcc-arm-linux-gnueabihf, gcc-powerpc-linux-gnu
 * and libc6-dev-powerpc-cross), or fail it under CI=true.
 */
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { skipOrFail } from '../helpers/skip-or-fail.ts';
import {
  ElfFormatError,
  isElf,
  machineName,
  readDynamicNeeded,
  readElfHeader,
  readInterpreter,
  readSection,
  readSectionFromFile,
} from '../../src/elf/index.ts';

const HELLO_C = `#include <stdio.h>
#include <math.h>
int main(int argc, char **argv) { printf("%f\\n", sqrt((double)argc)); return 0; }
`;

let workDir = '';
before(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'emb-elf-'));
  await writeFile(path.join(workDir, 'hello.c'), HELLO_C);
});
after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function hasProgram(name: string): Promise<boolean> {
  const found = await execa('which', [name], { reject: false });
  return found.exitCode === 0;
}

/** Compiles hello.c with `cc` and `flags`; returns the output path. */
async function compile(cc: string, output: string, flags: string[]): Promise<string> {
  const out = path.join(workDir, output);
  await execa(cc, [path.join(workDir, 'hello.c'), '-o', out, ...flags]);
  return out;
}

/** DT_NEEDED names as readelf prints them: ` 0x… (NEEDED)  Shared library: [libc.so.6]`. */
async function readelfNeeded(file: string): Promise<string[]> {
  const { stdout } = await execa('readelf', ['-d', '-W', file]);
  return [...stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!);
}

async function readelfInterpreter(file: string): Promise<string | undefined> {
  const { stdout } = await execa('readelf', ['-l', '-W', file]);
  return /\[Requesting program interpreter: ([^\]]+)\]/.exec(stdout)?.[1];
}

const targets = [
  { cc: 'gcc', deb: 'gcc', machine: 'x86_64', elfClass: 64, littleEndian: true, interpreter: '/lib64/ld-linux-x86-64.so.2' },
  {
    cc: 'aarch64-linux-gnu-gcc',
    deb: 'gcc-aarch64-linux-gnu',
    machine: 'aarch64',
    elfClass: 64,
    littleEndian: true,
    interpreter: '/lib/ld-linux-aarch64.so.1',
  },
  {
    cc: 'arm-linux-gnueabihf-gcc',
    deb: 'gcc-arm-linux-gnueabihf',
    machine: 'arm',
    elfClass: 32,
    littleEndian: true,
    interpreter: '/lib/ld-linux-armhf.so.3',
  },
  {
    cc: 'powerpc-linux-gnu-gcc',
    deb: 'gcc-powerpc-linux-gnu',
    machine: 'powerpc',
    elfClass: 32,
    littleEndian: false,
    interpreter: '/lib/ld.so.1',
  },
] as const;

describe('dynamically linked executables', () => {
  for (const target of targets) {
    test(`${target.cc}: ${target.machine}, ELF${target.elfClass}`, async (t) => {
      if (!(await hasProgram(target.cc))) return skipOrFail(t, `${target.cc} is not installed (apt-get install ${target.deb})`);
      const file = await compile(target.cc, `hello-${target.machine}`, ['-lm']);
      const buf = await readFile(file);

      assert.equal(isElf(buf), true);
      const header = readElfHeader(buf, file);
      assert.equal(machineName(header.machine), target.machine);
      assert.equal(header.class, target.elfClass);
      assert.equal(header.littleEndian, target.littleEndian);
      assert.equal(header.type, 3, 'a PIE is ET_DYN');

      const needed = readDynamicNeeded(buf, file);
      assert.ok(needed.includes('libc.so.6'), `readDynamicNeeded = ${JSON.stringify(needed)}, want libc.so.6 in it`);
      assert.deepEqual(needed, await readelfNeeded(file));

      const interpreter = readInterpreter(buf, file);
      assert.equal(interpreter, target.interpreter);
      assert.equal(interpreter, await readelfInterpreter(file));

      assert.equal(readSection(buf, '.interp', file)?.toString(), `${target.interpreter}\0`);
      assert.match(readSection(buf, '.comment', file)?.toString() ?? '', /GCC/);
      assert.equal(readSection(buf, '.no-such-section', file), undefined);

      const handle = await open(file, 'r');
      try {
        assert.deepEqual(await readSectionFromFile(handle, '.dynstr', file), readSection(buf, '.dynstr', file));
      } finally {
        await handle.close();
      }
    });
  }
});

describe('other kinds of ELF file', () => {
  test('a shared library has DT_NEEDED but no interpreter', async () => {
    const file = await compile('gcc', 'libhello.so', ['-shared', '-fPIC', '-lm']);
    const buf = await readFile(file);
    assert.deepEqual(readDynamicNeeded(buf), await readelfNeeded(file));
    assert.equal(readInterpreter(buf), undefined);
  });

  test('a static executable needs nothing', async (t) => {
    const built = await execa('gcc', [path.join(workDir, 'hello.c'), '-static', '-o', path.join(workDir, 'static'), '-lm'], {
      reject: false,
    });
    if (built.exitCode !== 0) return skipOrFail(t, 'gcc cannot link statically here (no libc.a: apt-get install libc6-dev)');
    const buf = await readFile(path.join(workDir, 'static'));
    assert.equal(readElfHeader(buf).type, 2);
    assert.deepEqual(readDynamicNeeded(buf), []);
    assert.equal(readInterpreter(buf), undefined);
  });

  test('a relocatable object has sections but no segments', async () => {
    const file = await compile('gcc', 'hello.o', ['-c']);
    const buf = await readFile(file);
    assert.equal(readElfHeader(buf).type, 1);
    assert.deepEqual(readDynamicNeeded(buf), []);
    assert.equal(readInterpreter(buf), undefined);
    assert.ok(readSection(buf, '.text') !== undefined);
  });

  test('without section headers, DT_NEEDED still comes from PT_DYNAMIC', async () => {
    const file = await compile('gcc', 'hello-noshdr', ['-lm']);
    const buf = Buffer.from(await readFile(file));
    // What sstrip does: drop e_shoff, e_shnum and e_shstrndx.
    buf.writeBigUInt64LE(0n, 40);
    buf.writeUInt16LE(0, 60);
    buf.writeUInt16LE(0, 62);
    assert.deepEqual(readDynamicNeeded(buf), await readelfNeeded(file));
    assert.equal(readSection(buf, '.dynstr'), undefined);
  });
});

describe('invalid input', () => {
  test('errors say what is not ELF and why', async () => {
    const file = await compile('gcc', 'hello-truncated', ['-lm']);
    const buf = await readFile(file);
    const rows: Array<{ name: string; run: () => unknown; want: RegExp }> = [
      { name: 'empty', run: () => readElfHeader(Buffer.alloc(0)), want: /^input is not a valid ELF file: shorter than the ELF magic$/ },
      {
        name: 'a script',
        run: () => readElfHeader(Buffer.from('#!/bin/sh\necho hi\n'), '/bin/x'),
        want: /^\/bin\/x is not a valid ELF file: no ELF magic/,
      },
      { name: 'cut header', run: () => readElfHeader(buf.subarray(0, 40)), want: /^input is not a valid ELF file: ELF header .*truncated/ },
      {
        name: 'cut at half: sections',
        run: () => readSection(buf.subarray(0, buf.length >> 1), '.comment', 'f'),
        want: /^f is not a valid ELF file: section header/,
      },
      {
        name: 'cut at 1 KiB: dynamic',
        run: () => readDynamicNeeded(buf.subarray(0, 1024), 'f'),
        want: /^f is not a valid ELF file: .*past the end/,
      },
    ];
    for (const row of rows) {
      assert.throws(row.run, (error: unknown) => {
        assert.ok(error instanceof ElfFormatError, `${row.name}: ${String(error)} is not an ElfFormatError`);
        assert.match(error.message, row.want, `${row.name}`);
        return true;
      });
    }
    assert.equal(isElf(Buffer.from('\x7fEL')), false);
  });

  test('a truncated file read through a handle gives the same kind of error', async () => {
    const file = await compile('gcc', 'hello-cut', ['-lm']);
    const cut = path.join(workDir, 'cut');
    await writeFile(cut, (await readFile(file)).subarray(0, 2000));
    const handle = await open(cut, 'r');
    try {
      await assert.rejects(readSectionFromFile(handle, '.modinfo', cut), /cut is not a valid ELF file: section header table .*truncated/);
    } finally {
      await handle.close();
    }
  });
});
