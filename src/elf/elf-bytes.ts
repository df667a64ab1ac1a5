/**
 * Bounds-checked, endian-aware reads from the bytes of an ELF file. Every offset in an
 * ELF file comes from the file itself, so every read is checked: a corrupt or truncated
 * file must end in an ElfFormatError that says which structure broke, never in a
 * RangeError from Buffer or a silently wrong value.
 */

/** `<what> is not a valid ELF file: <reason>`; `what` is a path when the caller has one. */
export class ElfFormatError extends Error {
  readonly what: string;
  readonly reason: string;

  constructor(what: string, reason: string) {
    super(`${what} is not a valid ELF file: ${reason}`);
    this.name = 'ElfFormatError';
    this.what = what;
    this.reason = reason;
  }
}

export class ElfBytes {
  readonly buf: Buffer;
  readonly littleEndian: boolean;
  readonly what: string;

  constructor(buf: Buffer, littleEndian: boolean, what: string) {
    this.buf = buf;
    this.littleEndian = littleEndian;
    this.what = what;
  }

  fail(reason: string): never {
    throw new ElfFormatError(this.what, reason);
  }

  /** Throws unless `length` bytes at `offset` lie inside the buffer. */
  check(offset: number, length: number, field: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      this.fail(`${field} has an impossible offset or size (${offset}, ${length})`);
    }
    if (offset + length > this.buf.length) {
      this.fail(
        `${field} (bytes ${offset}..${offset + length}) extends past the end of the data (${this.buf.length} bytes); the file is truncated or corrupt`,
      );
    }
  }

  u8(offset: number, field: string): number {
    this.check(offset, 1, field);
    return this.buf.readUInt8(offset);
  }

  u16(offset: number, field: string): number {
    this.check(offset, 2, field);
    return this.littleEndian ? this.buf.readUInt16LE(offset) : this.buf.readUInt16BE(offset);
  }

  u32(offset: number, field: string): number {
    this.check(offset, 4, field);
    return this.littleEndian ? this.buf.readUInt32LE(offset) : this.buf.readUInt32BE(offset);
  }

  i32(offset: number, field: string): number {
    this.check(offset, 4, field);
    return this.littleEndian ? this.buf.readInt32LE(offset) : this.buf.readInt32BE(offset);
  }

  /** A 64-bit field as a number; offsets and sizes past 2^53 cannot be real in a file we can read. */
  u64(offset: number, field: string): number {
    this.check(offset, 8, field);
    // Two 32-bit halves instead of a BigInt: this runs for every field of every section header.
    const low = this.littleEndian ? this.buf.readUInt32LE(offset) : this.buf.readUInt32BE(offset + 4);
    const high = this.littleEndian ? this.buf.readUInt32LE(offset + 4) : this.buf.readUInt32BE(offset);
    if (high >= 0x200000) this.fail(`${field} is too large (${BigInt(high) * 2n ** 32n + BigInt(low)})`);
    return high * 2 ** 32 + low;
  }

  /** Signed 64-bit, for d_tag: processor-specific tags use the high range. */
  i64(offset: number, field: string): bigint {
    this.check(offset, 8, field);
    return this.littleEndian ? this.buf.readBigInt64LE(offset) : this.buf.readBigInt64BE(offset);
  }

  /** An address-sized field: 4 bytes in ELF32, 8 in ELF64. */
  word(offset: number, is64: boolean, field: string): number {
    return is64 ? this.u64(offset, field) : this.u32(offset, field);
  }

  slice(offset: number, length: number, field: string): Buffer {
    this.check(offset, length, field);
    return this.buf.subarray(offset, offset + length);
  }

  /** The NUL-terminated string starting at `offset`. */
  cString(offset: number, field: string): string {
    this.check(offset, 0, field);
    const end = this.buf.indexOf(0, offset);
    if (end < 0) this.fail(`${field} at offset ${offset} is not NUL-terminated`);
    return this.buf.toString('utf8', offset, end);
  }
}

/** The NUL-terminated string at `offset` inside a string table (.shstrtab, .dynstr). */
export function stringAt(table: Buffer, offset: number, what: string, field: string): string {
  return new ElfBytes(table, true, what).cString(offset, field);
}
