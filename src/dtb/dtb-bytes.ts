/**
 * Bounds-checked big-endian reads from a flattened device tree. Every offset and size in
 * a DTB comes from the file itself, so every read is checked against the region it must
 * stay in: a truncated or corrupt file ends in an EmbError that names the file and the
 * structure that broke, never in a RangeError from Buffer or a silently wrong value.
 */
import { EmbError } from '../errors.ts';

const HINT = 'the file is truncated or corrupt: copy the .dtb from the kernel package again, or rebuild it with dtc';

/** `<label> is not a valid device tree blob: <reason>`. */
export function dtbError(label: string, reason: string): EmbError {
  return new EmbError(`${label} is not a valid device tree blob: ${reason}`, HINT);
}

/** `n` rounded up to a multiple of 4: the structure block keeps every token 4-aligned. */
export function alignedTo4(n: number): number {
  return (n + 3) & ~3;
}

export class DtbBytes {
  readonly buf: Buffer;
  readonly label: string;

  constructor(buf: Buffer, label: string) {
    this.buf = buf;
    this.label = label;
  }

  fail(reason: string): never {
    throw dtbError(this.label, reason);
  }

  /** Throws unless `length` bytes at `offset` lie inside [0, end). */
  check(offset: number, length: number, end: number, field: string): void {
    if (offset < 0 || length < 0 || offset + length > end) {
      const limit = end === this.buf.length ? 'the end of the file' : `byte ${end}, the end of its block`;
      this.fail(`${field} (bytes ${offset}..${offset + length}) runs past ${limit}`);
    }
  }

  u32(offset: number, end: number, field: string): number {
    this.check(offset, 4, end, field);
    return this.buf.readUInt32BE(offset);
  }

  /** The NUL-terminated string at `offset`; its NUL must come before `end`. */
  cString(offset: number, end: number, field: string): { text: string; next: number } {
    this.check(offset, 0, end, field);
    const nul = this.buf.indexOf(0, offset);
    if (nul < 0 || nul >= end) this.fail(`${field} at byte ${offset} has no terminating NUL before byte ${end}`);
    return { text: this.buf.toString('utf8', offset, nul), next: nul + 1 };
  }
}
