/**
 * Program headers (segments): what the kernel and the dynamic loader look at. The
 * interpreter and the dynamic section are read from here first because stripped or
 * sstripped binaries may have no section headers at all.
 */
import { ElfBytes } from './elf-bytes.ts';
import { readElfHeader, type ElfHeader } from './elf-header.ts';
import { sectionHeaderAt } from './elf-sections.ts';

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
const PN_XNUM = 0xffff;

export interface ProgramHeader {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

function programHeaderAt(bytes: ElfBytes, pos: number, header: ElfHeader): ProgramHeader {
  if (header.class === 64) {
    bytes.check(pos, 56, `program header at offset ${pos}`);
    return {
      type: bytes.u32(pos, 'p_type'),
      offset: bytes.u64(pos + 8, 'p_offset'),
      vaddr: bytes.u64(pos + 16, 'p_vaddr'),
      filesz: bytes.u64(pos + 32, 'p_filesz'),
      memsz: bytes.u64(pos + 40, 'p_memsz'),
    };
  }
  bytes.check(pos, 32, `program header at offset ${pos}`);
  return {
    type: bytes.u32(pos, 'p_type'),
    offset: bytes.u32(pos + 4, 'p_offset'),
    vaddr: bytes.u32(pos + 8, 'p_vaddr'),
    filesz: bytes.u32(pos + 16, 'p_filesz'),
    memsz: bytes.u32(pos + 20, 'p_memsz'),
  };
}

/** Every program header; empty for relocatable files (.o, .ko), which have none. */
export function readProgramHeaders(buf: Buffer, what = 'input'): ProgramHeader[] {
  const header = readElfHeader(buf, what);
  if (header.phoff === 0 || header.phnum === 0) return [];
  const bytes: ElfBytes = new ElfBytes(buf, header.littleEndian, what);
  const entrySize = header.class === 64 ? 56 : 32;
  if (header.phentsize < entrySize) {
    bytes.fail(`e_phentsize ${header.phentsize} is smaller than a program header (${entrySize})`);
  }
  // More than 0xfffe segments: the real count is in section 0's sh_info.
  const count = header.phnum === PN_XNUM && header.shoff !== 0 ? sectionHeaderAt(bytes, header.shoff, header).info : header.phnum;
  bytes.check(header.phoff, count * header.phentsize, `program header table (${count} entries)`);
  const headers: ProgramHeader[] = [];
  for (let i = 0; i < count; i++) headers.push(programHeaderAt(bytes, header.phoff + i * header.phentsize, header));
  return headers;
}

/** The file offset that holds virtual address `vaddr`, through the PT_LOAD segments. */
export function fileOffsetOfAddress(segments: readonly ProgramHeader[], vaddr: number): number | undefined {
  const load = segments.find((s) => s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz);
  return load === undefined ? undefined : load.offset + (vaddr - load.vaddr);
}

/** The program interpreter (PT_INTERP), e.g. '/lib/ld-linux-aarch64.so.1'; undefined for static binaries. */
export function readInterpreter(buf: Buffer, what = 'input'): string | undefined {
  const header = readElfHeader(buf, what);
  const interp = readProgramHeaders(buf, what).find((s) => s.type === PT_INTERP);
  if (interp === undefined) return undefined;
  const bytes: ElfBytes = new ElfBytes(buf, header.littleEndian, what);
  const raw = bytes.slice(interp.offset, interp.filesz, 'PT_INTERP segment');
  const end = raw.indexOf(0);
  return raw.toString('utf8', 0, end < 0 ? raw.length : end);
}
