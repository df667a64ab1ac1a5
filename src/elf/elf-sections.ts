/**
 * Section headers and section contents by name (through .shstrtab). The parsing of one
 * table entry is exported on its own so that a reader working on a file handle can read
 * just the table and one section instead of the whole file.
 */
import { ElfBytes, stringAt } from './elf-bytes.ts';
import { readElfHeader, type ElfHeader } from './elf-header.ts';

export const SHT_NOBITS = 8;
const SHN_XINDEX = 0xffff;

export interface SectionHeader {
  /** Offset of the name in .shstrtab. */
  nameOffset: number;
  type: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

export interface NamedSectionHeader extends SectionHeader {
  index: number;
  name: string;
}

/** Size of one section header entry for this class; e_shentsize must be at least that. */
export function sectionEntrySize(header: ElfHeader): number {
  return header.class === 64 ? 64 : 40;
}

/** The section header entry at byte `pos` of `bytes` (which may hold just the table). */
export function sectionHeaderAt(bytes: ElfBytes, pos: number, header: ElfHeader): SectionHeader {
  // One bounds check for the entry; the fields inside it cannot fail after that, so their
  // names stay constant strings (this runs for every section of every module indexed).
  bytes.check(pos, sectionEntrySize(header), `section header at offset ${pos}`);
  if (header.class === 64) {
    return {
      nameOffset: bytes.u32(pos, 'sh_name'),
      type: bytes.u32(pos + 4, 'sh_type'),
      addr: bytes.u64(pos + 16, 'sh_addr'),
      offset: bytes.u64(pos + 24, 'sh_offset'),
      size: bytes.u64(pos + 32, 'sh_size'),
      link: bytes.u32(pos + 40, 'sh_link'),
      info: bytes.u32(pos + 44, 'sh_info'),
      entsize: bytes.u64(pos + 56, 'sh_entsize'),
    };
  }
  return {
    nameOffset: bytes.u32(pos, 'sh_name'),
    type: bytes.u32(pos + 4, 'sh_type'),
    addr: bytes.u32(pos + 12, 'sh_addr'),
    offset: bytes.u32(pos + 16, 'sh_offset'),
    size: bytes.u32(pos + 20, 'sh_size'),
    link: bytes.u32(pos + 24, 'sh_link'),
    info: bytes.u32(pos + 28, 'sh_info'),
    entsize: bytes.u32(pos + 36, 'sh_entsize'),
  };
}

export interface SectionTableLayout {
  count: number;
  stringTableIndex: number;
}

/**
 * Section count and .shstrtab index. Files with 0xff00 or more sections keep the real
 * values in section 0 (sh_size, sh_link), so `first` is that entry when there is a table.
 */
export function sectionTableLayout(header: ElfHeader, first: SectionHeader | undefined, bytes: ElfBytes): SectionTableLayout {
  if (header.shoff === 0) return { count: 0, stringTableIndex: 0 };
  if (header.shentsize < sectionEntrySize(header)) {
    bytes.fail(`e_shentsize ${header.shentsize} is smaller than a section header (${sectionEntrySize(header)})`);
  }
  const count = header.shnum === 0 ? (first?.size ?? 0) : header.shnum;
  const stringTableIndex = header.shstrndx === SHN_XINDEX ? (first?.link ?? 0) : header.shstrndx;
  if (count > 0 && stringTableIndex >= count) {
    bytes.fail(`e_shstrndx ${stringTableIndex} is outside the section table (${count} sections)`);
  }
  return { count, stringTableIndex };
}

/** The .shstrtab header: sectionTableLayout has already refused an index outside the table. */
export function nameTableSection(sections: readonly SectionHeader[], stringTableIndex: number): SectionHeader {
  const section = sections[stringTableIndex];
  if (section === undefined)
    throw new Error(`internal: e_shstrndx ${stringTableIndex} is outside the ${sections.length} section headers read`);
  return section;
}

/** Every section header with its name; empty when the file has no section table. */
export function readSectionHeaders(buf: Buffer, what = 'input'): NamedSectionHeader[] {
  const header = readElfHeader(buf, what);
  const bytes: ElfBytes = new ElfBytes(buf, header.littleEndian, what);
  if (header.shoff === 0) return [];
  const first = sectionHeaderAt(bytes, header.shoff, header);
  const { count, stringTableIndex } = sectionTableLayout(header, first, bytes);
  bytes.check(header.shoff, count * header.shentsize, `section header table (${count} entries)`);
  const raw: SectionHeader[] = [];
  for (let i = 0; i < count; i++) raw.push(sectionHeaderAt(bytes, header.shoff + i * header.shentsize, header));
  if (count === 0) return [];
  // e_shstrndx 0 (SHN_UNDEF) means the file has no section names at all.
  const names =
    stringTableIndex === 0 ? undefined : sectionContents(bytes, nameTableSection(raw, stringTableIndex), 'section name table (.shstrtab)');
  return raw.map((section, index) => ({
    ...section,
    index,
    name: names === undefined ? '' : stringAt(names, section.nameOffset, what, `name of section ${index}`),
  }));
}

/** Contents of a section, checked against the file; SHT_NOBITS (.bss) has none in the file. */
export function sectionContents(bytes: ElfBytes, section: SectionHeader, field: string): Buffer {
  if (section.type === SHT_NOBITS) return Buffer.alloc(0);
  return bytes.slice(section.offset, section.size, field);
}

/**
 * Contents of the first section called `name` (e.g. '.modinfo'), or undefined when there is
 * none. The result is a view into `buf`, not a copy.
 */
export function readSection(buf: Buffer, name: string, what = 'input'): Buffer | undefined {
  const header = readElfHeader(buf, what);
  const bytes: ElfBytes = new ElfBytes(buf, header.littleEndian, what);
  const section = readSectionHeaders(buf, what).find((s) => s.name === name);
  return section === undefined ? undefined : sectionContents(bytes, section, `section ${name}`);
}
