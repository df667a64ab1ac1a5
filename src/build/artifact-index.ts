import { open } from 'node:fs/promises';
import type { TreeEntry } from '../assemble/tree-types.ts';
import { EmbError } from '../errors.ts';

/**
 * The entries of an artifact tar with each file as a slice of the tar (offset and
 * size), not its bytes: the assemble stage merges hundreds of MB this way and the pack
 * stage streams the bytes once. Reads only the 512-byte headers. Artifacts are written
 * by tar-stream (ustar, with pax headers for long names), which is all this reads.
 */
const BLOCK = 512;

export async function indexArtifact(path: string): Promise<TreeEntry[]> {
  const handle = await open(path, 'r');
  const entries: TreeEntry[] = [];
  const corrupt = (why: string): EmbError =>
    new EmbError(`cache artifact ${path} is corrupt: ${why}`, 'delete it (or run `emb cache gc`) and build again');
  try {
    const { size: total } = await handle.stat();
    const header = Buffer.alloc(BLOCK);
    let pax: Record<string, string> = {};
    for (let position = 0; position + BLOCK <= total; ) {
      const { bytesRead } = await handle.read(header, 0, BLOCK, position);
      if (bytesRead !== BLOCK) throw corrupt(`short header at ${position}`);
      if (header.every((byte) => byte === 0)) return entries;
      if (!hasValidChecksum(header)) throw corrupt(`bad header checksum at ${position}`);
      const size = numberField(header, 124, 12);
      const dataOffset = position + BLOCK;
      if (dataOffset + size > total) throw corrupt(`entry at ${position} runs past the end`);
      position = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      const type = String.fromCharCode(header[156] ?? 0);
      if (type === 'x') {
        const body = Buffer.alloc(size);
        await handle.read(body, 0, size, dataOffset);
        pax = parsePax(body);
        continue;
      }
      if (type === 'g') continue;
      const prefix = textField(header, 345, 155);
      const rawName = pax.path ?? (prefix ? `${prefix}/${textField(header, 0, 100)}` : textField(header, 0, 100));
      const base = {
        path: `/${rawName.replace(/\/$/, '')}`,
        mode: numberField(header, 100, 8) & 0o7777,
        uid: numberField(header, 108, 8),
        gid: numberField(header, 116, 8),
      };
      const linkname = pax.linkpath ?? textField(header, 157, 100);
      pax = {};
      if (type === '0' || type === '\0') entries.push({ ...base, type: 'file', data: { path, offset: dataOffset, size } });
      else if (type === '5') entries.push({ ...base, type: 'dir' });
      else if (type === '2') entries.push({ ...base, type: 'symlink', target: linkname });
      else if (type === '3' || type === '4')
        entries.push({
          ...base,
          type: type === '3' ? 'char' : 'block',
          major: numberField(header, 329, 8),
          minor: numberField(header, 337, 8),
        });
      else throw corrupt(`entry ${rawName} has tar type "${type}", which emb never writes`);
    }
    throw corrupt('no end-of-archive blocks');
  } finally {
    await handle.close();
  }
}

function textField(header: Buffer, offset: number, length: number): string {
  const field = header.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** Octal, or base-256 when the first byte has its high bit set (sizes of 8 GiB and up). */
function numberField(header: Buffer, offset: number, length: number): number {
  const field = header.subarray(offset, offset + length);
  if ((field[0] ?? 0) & 0x80) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let index = 1; index < length; index++) value = value * 256 + (field[index] ?? 0);
    return value;
  }
  const text = textField(header, offset, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function hasValidChecksum(header: Buffer): boolean {
  let sum = 0;
  for (let index = 0; index < BLOCK; index++) sum += index >= 148 && index < 156 ? 0x20 : (header[index] ?? 0);
  return sum === numberField(header, 148, 8);
}

/** pax records: "<length> <key>=<value>\n", repeated. */
function parsePax(body: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  for (let at = 0; at < body.length; ) {
    const space = body.indexOf(0x20, at);
    const length = Number.parseInt(body.subarray(at, space).toString('ascii'), 10);
    if (space === -1 || !Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }
  return records;
}
