/**
 * One section of an ELF file read through a file handle: the header, the section table,
 * the name table and the section itself, four small reads instead of the whole file.
 * Indexing a kernel's module tree (thousands of files, hundreds of MB) needs only .modinfo.
 */
import type { FileHandle } from 'node:fs/promises';
import { ElfBytes, ElfFormatError } from './elf-bytes.ts';
import { ELF_HEADER_MAX_SIZE, readElfHeader } from './elf-header.ts';
import { nameTableSection, sectionHeaderAt, sectionTableLayout, SHT_NOBITS, type SectionHeader } from './elf-sections.ts';

interface OpenElf {
  file: FileHandle;
  size: number;
  what: string;
}

/** Exactly `length` bytes at `position`, or an ElfFormatError naming `field` when the file is shorter. */
async function readExactly(elf: OpenElf, position: number, length: number, field: string): Promise<Buffer> {
  // Checked before allocating: a corrupt size field must not become a huge allocation.
  if (!Number.isSafeInteger(position + length) || position + length > elf.size) {
    throw new ElfFormatError(
      elf.what,
      `${field} (bytes ${position}..${position + length}) extends past the end of the file (${elf.size} bytes); the file is truncated or corrupt`,
    );
  }
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await elf.file.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new ElfFormatError(elf.what, `${field} ends early: the file shrank while it was read`);
    filled += bytesRead;
  }
  return buffer;
}

/** True when `table` holds `name` followed by NUL at `offset`: no string is decoded per section. */
function nameIsAt(table: Buffer, offset: number, name: Buffer): boolean {
  const end = offset + name.length;
  return end < table.length && table[end] === 0 && table.compare(name, 0, name.length, offset, end) === 0;
}

/**
 * Contents of the first section called `name`, or undefined when there is none.
 * `size` is the file's size when the caller already has it (saves an fstat per file).
 */
export async function readSectionFromFile(file: FileHandle, name: string, what: string, size?: number): Promise<Buffer | undefined> {
  const elf: OpenElf = { file, size: size ?? (await file.stat()).size, what };
  const head = await readExactly(elf, 0, Math.min(ELF_HEADER_MAX_SIZE, elf.size), 'ELF header');
  const header = readElfHeader(head, what);
  if (header.shoff === 0) return undefined;

  // Section 0 only matters for files with 0xff00+ sections; otherwise read the table at once.
  const extended = header.shnum === 0 || header.shstrndx === 0xffff;
  const firstEntry = extended ? await readExactly(elf, header.shoff, header.shentsize, 'section header 0') : undefined;
  const layoutBytes: ElfBytes = new ElfBytes(firstEntry ?? head, header.littleEndian, what);
  const first = firstEntry === undefined ? undefined : sectionHeaderAt(layoutBytes, 0, header);
  const { count, stringTableIndex } = sectionTableLayout(header, first, layoutBytes);
  if (count === 0 || stringTableIndex === 0) return undefined;

  const table = await readExactly(elf, header.shoff, count * header.shentsize, `section header table (${count} entries)`);
  const tableBytes = new ElfBytes(table, header.littleEndian, what);
  const sections: SectionHeader[] = [];
  for (let i = 0; i < count; i++) sections.push(sectionHeaderAt(tableBytes, i * header.shentsize, header));

  const names = nameTableSection(sections, stringTableIndex);
  const nameTable = await readExactly(elf, names.offset, names.size, 'section name table (.shstrtab)');
  const wanted = Buffer.from(name, 'utf8');
  const found = sections.find((s) => nameIsAt(nameTable, s.nameOffset, wanted));
  if (found === undefined) return undefined;
  if (found.type === SHT_NOBITS) return Buffer.alloc(0);
  return readExactly(elf, found.offset, found.size, `section ${name}`);
}
