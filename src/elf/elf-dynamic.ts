/**
 * DT_NEEDED entries of the dynamic section: the shared libraries a binary asks the loader
 * for. Read through PT_DYNAMIC like the loader does, with the .dynamic/.dynstr sections
 * as the fallback when the string table cannot be mapped through the segments.
 */
import { ElfBytes } from './elf-bytes.ts';
import { readElfHeader } from './elf-header.ts';
import { fileOffsetOfAddress, PT_DYNAMIC, readProgramHeaders } from './elf-program.ts';
import { readSectionHeaders, sectionContents } from './elf-sections.ts';

const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_STRSZ = 10n;
const SHT_DYNAMIC = 6;

interface DynamicEntry {
  tag: bigint;
  value: number;
}

/** Entries of a dynamic table held in bytes[offset, offset + size), up to DT_NULL. */
function dynamicEntries(bytes: ElfBytes, offset: number, size: number, is64: boolean): DynamicEntry[] {
  const entrySize = is64 ? 16 : 8;
  bytes.check(offset, size, 'dynamic section');
  const entries: DynamicEntry[] = [];
  for (let pos = offset; pos + entrySize <= offset + size; pos += entrySize) {
    const tag = is64 ? bytes.i64(pos, 'd_tag') : BigInt(bytes.i32(pos, 'd_tag'));
    if (tag === DT_NULL) break;
    entries.push({ tag, value: bytes.word(pos + entrySize / 2, is64, 'd_val') });
  }
  return entries;
}

function neededNames(entries: readonly DynamicEntry[], strings: Buffer, what: string): string[] {
  const table = new ElfBytes(strings, true, what);
  return entries.filter((e) => e.tag === DT_NEEDED).map((e) => table.cString(e.value, 'DT_NEEDED name in the dynamic string table'));
}

/** DT_NEEDED library names in file order, e.g. ['libm.so.6', 'libc.so.6']; [] for a static binary. */
export function readDynamicNeeded(buf: Buffer, what = 'input'): string[] {
  const header = readElfHeader(buf, what);
  const is64 = header.class === 64;
  const bytes: ElfBytes = new ElfBytes(buf, header.littleEndian, what);

  const segments = readProgramHeaders(buf, what);
  const dynamicSegment = segments.find((s) => s.type === PT_DYNAMIC);
  if (dynamicSegment !== undefined) {
    const entries = dynamicEntries(bytes, dynamicSegment.offset, dynamicSegment.filesz, is64);
    const strtabAddress = entries.find((e) => e.tag === DT_STRTAB)?.value;
    const strtabSize = entries.find((e) => e.tag === DT_STRSZ)?.value;
    const strtabOffset = strtabAddress === undefined ? undefined : fileOffsetOfAddress(segments, strtabAddress);
    if (strtabOffset !== undefined) {
      const size = strtabSize ?? buf.length - strtabOffset;
      return neededNames(entries, bytes.slice(strtabOffset, size, 'dynamic string table (DT_STRTAB)'), what);
    }
    if (!entries.some((e) => e.tag === DT_NEEDED)) return [];
  }

  const sections = readSectionHeaders(buf, what);
  const dynamicSection = sections.find((s) => s.type === SHT_DYNAMIC);
  if (dynamicSection === undefined) {
    if (dynamicSegment !== undefined) bytes.fail('DT_STRTAB is not inside any PT_LOAD segment and there is no .dynamic section');
    return [];
  }
  const strings = sections[dynamicSection.link];
  if (strings === undefined) bytes.fail(`.dynamic links to section ${dynamicSection.link}, which does not exist`);
  const entries = dynamicEntries(bytes, dynamicSection.offset, dynamicSection.size, is64);
  return neededNames(entries, sectionContents(bytes, strings, `dynamic string table (${strings.name})`), what);
}
