import { fileDataSize } from '../assemble/tree-types.ts';
import { fileDataBytes } from '../fs/file-slice.ts';
import type { NewcRecord } from './newc-record.ts';

/**
 * Encoding of one newc record: a 110-byte ASCII header, the NUL-terminated name padded
 * to a 4-byte boundary, then the body padded to a 4-byte boundary. The layout is the one
 * the kernel's init/initramfs.c parses (Documentation/driver-api/early-userspace/
 * buffer-format.rst).
 */

const NEWC_MAGIC = '070701';
export const NEWC_HEADER_LENGTH = 110;
const MAX_HEX_FIELD = 0xffff_ffff;

/**
 * The kernel skips (not fails on) names and symlink targets longer than PATH_MAX, which
 * would leave a silently missing file in the booted system; refuse them here instead.
 */
const PATH_MAX = 4096;

/** Bytes needed to bring `length` up to the next multiple of 4. */
export function paddingTo4(length: number): number {
  return (4 - (length % 4)) % 4;
}

/** The 8-digit hex form of a header field; throws naming the record when it cannot fit. */
function hexField(value: number, field: string, name: string): string {
  if (!Number.isInteger(value) || value < 0 || value > MAX_HEX_FIELD) {
    throw new Error(
      `cpio record "${name}": ${field}=${value} does not fit a newc header field ` +
        `(a whole number 0..0xffffffff); fix the ${field} of this entry`,
    );
  }
  return value.toString(16).padStart(8, '0');
}

/** The header and the padded name of one record: what comes before its body. */
export function newcRecordHead(record: NewcRecord): Buffer {
  const { name } = record;
  if (name.includes('\0')) {
    throw new Error(`cpio record "${name}": the name contains a NUL byte, which would end it early`);
  }
  const nameBytes = Buffer.from(name, 'utf8');
  const namesize = nameBytes.length + 1; // counts the terminating NUL
  if (namesize > PATH_MAX) {
    throw new Error(
      `cpio record "${name}": the name is ${namesize} bytes with its NUL; ` +
        `the kernel ignores names over ${PATH_MAX} bytes, so shorten the path`,
    );
  }

  const fields: Array<[string, number]> = [
    ['ino', record.ino],
    ['mode', record.mode],
    ['uid', record.uid],
    ['gid', record.gid],
    ['nlink', record.nlink],
    ['mtime', record.mtime],
    ['filesize', fileDataSize(record.body)],
    ['devmajor', 0], // the device the file came from: meaningless in an image, so 0
    ['devminor', 0],
    ['rdevmajor', record.rdevmajor],
    ['rdevminor', record.rdevminor],
    ['namesize', namesize],
    ['check', 0], // only the "070702" crc format uses it
  ];
  const header = NEWC_MAGIC + fields.map(([field, value]) => hexField(value, field, name)).join('');

  const headerAndNameLength = NEWC_HEADER_LENGTH + namesize;
  // The NUL terminator and the padding are zero from Buffer.alloc.
  const out = Buffer.alloc(headerAndNameLength + paddingTo4(headerAndNameLength));
  out.write(header, 0, 'latin1');
  nameBytes.copy(out, NEWC_HEADER_LENGTH);
  return out;
}

/** The complete bytes of one record: header, padded name, padded body. */
export function newcRecordBytes(record: NewcRecord): Buffer {
  const body = fileDataBytes(record.body);
  return Buffer.concat([newcRecordHead(record), body, Buffer.alloc(paddingTo4(body.length))]);
}

/** Checked apart from the name because the kernel applies the same limit to link targets. */
export function assertSymlinkTargetFits(name: string, target: Buffer): void {
  if (target.length === 0) {
    throw new Error(`cpio record "${name}": the symlink target is empty; Linux cannot create such a link`);
  }
  if (target.includes(0)) {
    throw new Error(`cpio record "${name}": the symlink target contains a NUL byte, which would cut it short`);
  }
  if (target.length > PATH_MAX) {
    throw new Error(
      `cpio record "${name}": the symlink target is ${target.length} bytes; ` + `the kernel skips targets over ${PATH_MAX} bytes`,
    );
  }
}
