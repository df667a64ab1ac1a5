/**
 * Reading a built initramfs back the way the kernel does (init/initramfs.c): the file
 * is a sequence of members, each either zero padding, an uncompressed cpio archive or
 * a compressed one; a compressed member is one zstd frame whose content must end right
 * after a trailer ("junk at the end of compressed archive" otherwise). emb writes one
 * member per layer. GNU cpio stops at the first trailer, so tests that list or unpack
 * an image with it run it once per archive (gnuCpioEachArchive).
 */
import { readFile } from 'node:fs/promises';
import { zstdDecompressSync } from 'node:zlib';
import { execa } from 'execa';

export interface NewcRecordSpan {
  name: string;
  /** Where the record lies in its archive's bytes. */
  start: number;
  end: number;
  mode: number;
  uid: number;
  gid: number;
  ino: number;
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
      mode: field(bytes, offset, 1),
      uid: field(bytes, offset, 2),
      gid: field(bytes, offset, 3),
      ino: field(bytes, offset, 0),
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
      if (records.at(-1)?.name !== 'TRAILER!!!') {
        throw new Error(`member at offset ${offset}: junk at the end of compressed archive (it does not end with a trailer)`);
      }
      members.push({ compressed: true, offset, length, archive, records });
      offset += length;
      continue;
    }
    // Uncompressed: the kernel parses cpio until a trailer, then looks at what follows.
    const rest = image.subarray(offset);
    const records = newcRecords(rest);
    const trailer = records.findIndex((record) => record.name === 'TRAILER!!!');
    if (trailer < 0) throw new Error(`member at offset ${offset}: an uncompressed archive without a trailer`);
    const end = records[trailer]?.end ?? rest.length;
    members.push({ compressed: false, offset, length: end, archive: rest.subarray(0, end), records: records.slice(0, trailer + 1) });
    offset += end;
  }
  return members;
}

/** The image's files as the kernel leaves them: every member's records in order, a later record of a path replacing an earlier one. */
export function unpackedRecords(image: Buffer): Map<string, NewcRecordSpan> {
  const byName = new Map<string, NewcRecordSpan>();
  for (const member of initramfsMembers(image)) {
    for (const record of member.records) if (record.name !== 'TRAILER!!!') byName.set(record.name, record);
  }
  return byName;
}

/** The cpio archives of the image at `path`, decompressed, in the kernel's order. */
export async function initramfsArchives(path: string): Promise<Buffer[]> {
  return initramfsMembers(await readFile(path)).map((member) => member.archive);
}

/**
 * GNU cpio run over each archive of the image in turn (it stops at the first trailer),
 * with `args` (e.g. ['-t', '--quiet']); the outputs joined in order.
 */
export async function gnuCpioEachArchive(
  path: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Buffer> {
  const outputs: Buffer[] = [];
  for (const archive of await initramfsArchives(path)) {
    const result = await execa('cpio', args, { input: archive, encoding: 'buffer', stripFinalNewline: false, ...options });
    outputs.push(Buffer.from(result.stdout));
  }
  return Buffer.concat(outputs);
}
