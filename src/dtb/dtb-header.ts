/**
 * The header of a flattened device tree (Devicetree Specification v0.4, chapter 5.2): ten
 * big-endian u32 fields saying where the memory reservation map, the structure block and
 * the strings block are. Checked here so that the block readers can trust the offsets.
 */
import { DtbBytes, dtbError } from './dtb-bytes.ts';

export const FDT_MAGIC = 0xd00dfeed;
/** The oldest layout this parser reads: version 16 is the first with names instead of paths in nodes. */
export const FDT_FIRST_SUPPORTED_VERSION = 16;
/** The newest layout: a file whose last_comp_version is above it needs a newer reader. */
export const FDT_LAST_SUPPORTED_VERSION = 17;

export interface DtbHeader {
  totalsize: number;
  offDtStruct: number;
  offDtStrings: number;
  offMemRsvmap: number;
  version: number;
  lastCompVersion: number;
  bootCpuidPhys: number;
  sizeDtStrings: number;
  /** Absent from version 16 headers: then the structure block may run up to `totalsize`. */
  sizeDtStruct?: number;
}

/** Version 16 headers end before size_dt_struct (36 bytes); version 17 ones are 40. */
function headerSizeOf(version: number): number {
  return version >= 17 ? 40 : 36;
}

/** Throws unless the block [offset, offset + size) starts after the header and ends by totalsize. */
function checkBlock(bytes: DtbBytes, header: DtbHeader, name: string, offset: number, size: number): void {
  const headerSize = headerSizeOf(header.version);
  if (offset < headerSize) bytes.fail(`the ${name} starts at byte ${offset}, inside the ${headerSize}-byte header`);
  if (offset + size > header.totalsize) {
    bytes.fail(`the ${name} (bytes ${offset}..${offset + size}) ends past totalsize ${header.totalsize}`);
  }
}

/** Parses and checks the header; `label` names the file in errors. */
export function readDtbHeader(buf: Buffer, label: string): DtbHeader {
  if (buf.length < 4) throw dtbError(label, `it is ${buf.length} bytes long, shorter than the FDT magic`);
  const magic = buf.readUInt32BE(0);
  if (magic !== FDT_MAGIC) {
    throw dtbError(label, `bad magic 0x${magic.toString(16).padStart(8, '0')} (want 0xd00dfeed)`);
  }
  const bytes = new DtbBytes(buf, label);
  // version sits at byte 20; read it first because it decides how long the header is.
  const version = bytes.u32(20, buf.length, 'the header version field');
  if (version < FDT_FIRST_SUPPORTED_VERSION) {
    bytes.fail(`version ${version} is older than ${FDT_FIRST_SUPPORTED_VERSION}, the oldest this reader supports`);
  }
  bytes.check(0, headerSizeOf(version), buf.length, 'the header');
  const header: DtbHeader = {
    totalsize: buf.readUInt32BE(4),
    offDtStruct: buf.readUInt32BE(8),
    offDtStrings: buf.readUInt32BE(12),
    offMemRsvmap: buf.readUInt32BE(16),
    version,
    lastCompVersion: buf.readUInt32BE(24),
    bootCpuidPhys: buf.readUInt32BE(28),
    sizeDtStrings: buf.readUInt32BE(32),
    ...(version >= 17 ? { sizeDtStruct: buf.readUInt32BE(36) } : {}),
  };
  if (header.lastCompVersion > FDT_LAST_SUPPORTED_VERSION) {
    bytes.fail(
      `it needs a reader of version ${header.lastCompVersion} (last_comp_version); this one reads up to ${FDT_LAST_SUPPORTED_VERSION}`,
    );
  }
  if (header.totalsize > buf.length) {
    bytes.fail(`the header says totalsize ${header.totalsize} bytes but the file has ${buf.length}: it is truncated`);
  }
  if (header.totalsize < headerSizeOf(version)) bytes.fail(`totalsize ${header.totalsize} is smaller than the header`);
  if (header.offDtStruct % 4 !== 0) bytes.fail(`the structure block offset ${header.offDtStruct} is not 4-byte aligned`);
  if (header.offMemRsvmap % 8 !== 0) bytes.fail(`the memory reservation map offset ${header.offMemRsvmap} is not 8-byte aligned`);
  // The map ends with an all-zero 16-byte entry, so at least that much must fit.
  checkBlock(bytes, header, 'memory reservation map', header.offMemRsvmap, 16);
  checkBlock(bytes, header, 'structure block', header.offDtStruct, header.sizeDtStruct ?? 0);
  checkBlock(bytes, header, 'strings block', header.offDtStrings, header.sizeDtStrings);
  return header;
}

/** Where the structure block ends: its declared size, or totalsize in a version 16 file. */
export function structEndOf(header: DtbHeader): number {
  return header.sizeDtStruct === undefined ? header.totalsize : header.offDtStruct + header.sizeDtStruct;
}
