/**
 * Reading a built initramfs back the way the kernel does (init/initramfs.c): the file
 * is a sequence of members, each either zero padding, an uncompressed cpio archive or
 * a compressed one; a compressed member is one zstd frame whose content must end right
 * after a trailer ("junk at the end of compressed archive" otherwise). emb writes one
 * member per layer. The reproducibility check names the record two images differ in
 * from these; the tests read images with them (test/helpers/initramfs-read.ts).
 */
import { zstdDecompressSync } from 'node:zlib';
import { TRAILER_NAME } from '../pack/newc-record.ts';

export interface NewcRecordSpan {
  name: string;
  /** Where the record lies in its archive's bytes. */
  start: number;
  end: number;
  mode: number;
  uid: number;
  gid: number;
  ino: number;
  nlink: number;
  mtime: number;
  rdevmajor: number;
  rdevminor: number;
  body: Buffer;
}

const ZSTD_MAGIC = 0xfd2fb528;

const field = (archive: Buffer, offset: number, index: number): number =>
  Number.parseInt(archive.toString('latin1', offset + 6 + index * 8, offset + 14 + index * 8), 16);

/**
 * The records of one or more newc archives laid end to end, trailers included, as the
 * kernel parses them: NUL bytes at a 4-byte boundary between archives are skipped, a
 * record that runs past the end is an error.
 */
export function newcRecords(bytes: Buffer): NewcRecordSpan[] {
  const records: NewcRecordSpan[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes[offset] === 0 && offset % 4 === 0) {
      offset++;
      continue;
    }
    if (bytes.toString('latin1', offset, offset + 6) !== '070701') throw new Error(`no newc magic at offset ${offset}`);
    const namesize = field(bytes, offset, 11);
    const filesize = field(bytes, offset, 6);
    const name = bytes.toString('utf8', offset + 110, offset + 110 + namesize - 1);
    const bodyStart = offset + Math.ceil((110 + namesize) / 4) * 4;
    const end = bodyStart + Math.ceil(filesize / 4) * 4;
    if (bodyStart + filesize > bytes.length) throw new Error(`record "${name}" at offset ${offset} runs past the end of the archive`);
    records.push({
      name,
      start: offset,
      end: Math.min(end, bytes.length),
      ino: field(bytes, offset, 0),
      mode: field(bytes, offset, 1),
      uid: field(bytes, offset, 2),
      gid: field(bytes, offset, 3),
      nlink: field(bytes, offset, 4),
      mtime: field(bytes, offset, 5),
      rdevmajor: field(bytes, offset, 9),
      rdevminor: field(bytes, offset, 10),
      body: bytes.subarray(bodyStart, bodyStart + filesize),
    });
    offset = end;
  }
  return records;
}

/** The length of the zstd frame at `at` (header, blocks, checksum), from its block headers. */
export function zstdFrameLength(data: Buffer, at: number): number {
  if (data.readUInt32LE(at) !== ZSTD_MAGIC) throw new Error(`no zstd frame at offset ${at}`);
  const descriptor = data[at + 4] ?? 0;
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const hasChecksum = (descriptor >> 2) & 1;
  const dictIdBytes = [0, 1, 2, 4][descriptor & 3] ?? 0;
  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag] ?? 0;
  let offset = at + 5 + (singleSegment ? 0 : 1) + dictIdBytes + contentSizeBytes;
  for (;;) {
    if (offset + 3 > data.length) throw new Error(`zstd frame at offset ${at} is cut short`);
    const header = data.readUIntLE(offset, 3);
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >> 3;
    offset += 3 + (type === 1 ? 1 : size);
    if (last) break;
  }
  return offset + (hasChecksum ? 4 : 0) - at;
}

/** True when `data` starts the way an initramfs emb writes does: a zstd frame or a newc archive. */
export function looksLikeInitramfs(data: Buffer): boolean {
  return (data.length >= 4 && data.readUInt32LE(0) === ZSTD_MAGIC) || data.toString('latin1', 0, 6) === '070701';
}

export interface InitramfsMember {
  compressed: boolean;
  /** Where it starts in the file, and its length there. */
  offset: number;
  length: number;
  /** Its (decompressed) cpio bytes. */
  archive: Buffer;
  records: NewcRecordSpan[];
}

/**
 * The members of an initramfs, each read as the kernel reads it. Throws the kernel's
 * complaint for a compressed member that does not end on a trailer.
 */
export function initramfsMembers(image: Buffer): InitramfsMember[] {
  const members: InitramfsMember[] = [];
  let offset = 0;
  while (offset < image.length) {
    if (image[offset] === 0) {
      offset++;
      continue;
    }
    if (image.length - offset >= 4 && image.readUInt32LE(offset) === ZSTD_MAGIC) {
      const length = zstdFrameLength(image, offset);
      const archive = zstdDecompressSync(image.subarray(offset, offset + length));
      const records = newcRecords(archive);
      if (records.at(-1)?.name !== TRAILER_NAME) {
        throw new Error(`member at offset ${offset}: junk at the end of compressed archive (it does not end with a trailer)`);
      }
      members.push({ compressed: true, offset, length, archive, records });
      offset += length;
      continue;
    }
    // Uncompressed: the kernel parses cpio until a trailer, then looks at what follows.
    const rest = image.subarray(offset);
    const records = newcRecords(rest);
    const trailer = records.findIndex((record) => record.name === TRAILER_NAME);
    if (trailer < 0) throw new Error(`member at offset ${offset}: an uncompressed archive without a trailer`);
    const end = records[trailer]?.end ?? rest.length;
    members.push({ compressed: false, offset, length: end, archive: rest.subarray(0, end), records: records.slice(0, trailer + 1) });
    offset += end;
  }
  return members;
}
