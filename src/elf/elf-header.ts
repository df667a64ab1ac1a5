/**
 * The ELF file header (e_ident and the Ehdr that follows), for ELF32 and ELF64 in either
 * byte order. Layouts from the System V gABI, "ELF Header".
 */
import { ElfBytes, ElfFormatError } from './elf-bytes.ts';

export interface ElfHeader {
  class: 32 | 64;
  littleEndian: boolean;
  /** e_type: 1 relocatable (.o, .ko), 2 executable, 3 shared object or PIE, 4 core. */
  type: number;
  /** e_machine; see machineName(). */
  machine: number;
  /** Program header table: file offset, entry size, entry count (0xffff = see section 0). */
  phoff: number;
  phentsize: number;
  phnum: number;
  /** Section header table: file offset, entry size, entry count (0 = see section 0). */
  shoff: number;
  shentsize: number;
  shnum: number;
  /** Index of .shstrtab (0xffff = see section 0's sh_link). */
  shstrndx: number;
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const EI_CLASS = 4;
const EI_DATA = 5;
/** Enough bytes for the largest (ELF64) header. */
export const ELF_HEADER_MAX_SIZE = 64;

/** True when `buf` starts with the ELF magic; says nothing about the rest being sane. */
export function isElf(buf: Buffer): boolean {
  return buf.length >= ELF_MAGIC.length && buf.subarray(0, ELF_MAGIC.length).equals(ELF_MAGIC);
}

/** Parses the file header; `what` names the input in errors (a path, when the caller has one). */
export function readElfHeader(buf: Buffer, what = 'input'): ElfHeader {
  if (!isElf(buf)) {
    throw new ElfFormatError(what, buf.length < ELF_MAGIC.length ? 'shorter than the ELF magic' : 'no ELF magic (\\x7fELF)');
  }
  if (buf.length < 16) throw new ElfFormatError(what, `truncated identification (${buf.length} of 16 bytes)`);
  const elfClass = buf[EI_CLASS];
  if (elfClass !== 1 && elfClass !== 2) throw new ElfFormatError(what, `unknown EI_CLASS ${elfClass}`);
  const data = buf[EI_DATA];
  if (data !== 1 && data !== 2) throw new ElfFormatError(what, `unknown EI_DATA (byte order) ${data}`);

  const is64 = elfClass === 2;
  const bytes = new ElfBytes(buf, data === 1, what);
  bytes.check(0, is64 ? 64 : 52, 'ELF header');
  // After e_type, e_machine, e_version (4 bytes) and e_entry (word), the offsets differ only by word size.
  const w = is64 ? 8 : 4;
  const phoffAt = 24 + w;
  const shoffAt = phoffAt + w;
  const flagsAt = shoffAt + w;
  return {
    class: is64 ? 64 : 32,
    littleEndian: bytes.littleEndian,
    type: bytes.u16(16, 'e_type'),
    machine: bytes.u16(18, 'e_machine'),
    phoff: bytes.word(phoffAt, is64, 'e_phoff'),
    shoff: bytes.word(shoffAt, is64, 'e_shoff'),
    phentsize: bytes.u16(flagsAt + 6, 'e_phentsize'),
    phnum: bytes.u16(flagsAt + 8, 'e_phnum'),
    shentsize: bytes.u16(flagsAt + 10, 'e_shentsize'),
    shnum: bytes.u16(flagsAt + 12, 'e_shnum'),
    shstrndx: bytes.u16(flagsAt + 14, 'e_shstrndx'),
  };
}

const MACHINE_NAMES: ReadonlyMap<number, string> = new Map([
  [3, 'i386'],
  [8, 'mips'],
  [20, 'powerpc'],
  [21, 'powerpc64'],
  [22, 's390'],
  [40, 'arm'],
  [62, 'x86_64'],
  [183, 'aarch64'],
  [243, 'riscv'],
  [258, 'loongarch'],
]);

export type MachineName = 'aarch64' | 'arm' | 'x86_64' | (string & {});

/** Name of an e_machine value; `e_machine <n>` for one this table does not know. */
export function machineName(machine: number): MachineName {
  return MACHINE_NAMES.get(machine) ?? `e_machine ${machine}`;
}
