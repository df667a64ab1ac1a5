/**
 * Test-only edits of a built initramfs.zst, to boot the real image with one fault in
 * it (a marker for another kernel, a truncated module, a missing file) without a build
 * per case: the archive is decompressed, the named records are dropped or replaced,
 * and the rest is kept byte for byte.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { newcRecordBytes } from '../../src/pack/newc-header.ts';
import { S_IFREG } from '../../src/pack/newc-record.ts';

interface Span {
  name: string;
  start: number;
  end: number;
  mode: number;
  body: Buffer;
}

const field = (archive: Buffer, offset: number, index: number): number =>
  Number.parseInt(archive.toString('latin1', offset + 6 + index * 8, offset + 14 + index * 8), 16);

/** Every record of a newc archive with where it lies; the trailer is the last. */
export function newcSpans(archive: Buffer): Span[] {
  const spans: Span[] = [];
  for (let offset = 0; ; ) {
    if (archive.toString('latin1', offset, offset + 6) !== '070701') throw new Error(`no newc magic at offset ${offset}`);
    const namesize = field(archive, offset, 11);
    const filesize = field(archive, offset, 6);
    const name = archive.toString('utf8', offset + 110, offset + 110 + namesize - 1);
    const bodyStart = offset + Math.ceil((110 + namesize) / 4) * 4;
    const end = bodyStart + Math.ceil(filesize / 4) * 4;
    spans.push({ name, start: offset, end, mode: field(archive, offset, 1), body: archive.subarray(bodyStart, bodyStart + filesize) });
    if (name === 'TRAILER!!!') return spans;
    offset = end;
  }
}

/** A file's bytes in the image, by its path ("/usr/local/lib/nvidia/marker"). */
export function imageFile(archive: Buffer, path: string): Buffer {
  const span = newcSpans(archive).find((record) => record.name === path.slice(1));
  if (span === undefined) throw new Error(`${path} is not in the image`);
  return span.body;
}

export async function readCpio(initramfs: string): Promise<Buffer> {
  return zstdDecompressSync(await readFile(initramfs));
}

/**
 * Write `to` as `archive` with the `drop` paths removed and the `replace` files put in
 * their place (mode 0644 unless given), compressed at zstd level 1.
 */
export async function writeEditedInitramfs(
  archive: Buffer,
  to: string,
  edits: { drop?: readonly string[]; replace?: Record<string, Buffer | string> },
): Promise<void> {
  const replace = new Map(Object.entries(edits.replace ?? {}).map(([path, data]) => [path.slice(1), Buffer.from(data)]));
  const drop = new Set((edits.drop ?? []).map((path) => path.slice(1)));
  const parts: Buffer[] = [];
  const seen = new Set<string>();
  for (const span of newcSpans(archive)) {
    const data = replace.get(span.name);
    if (drop.has(span.name)) {
      seen.add(span.name);
      continue;
    }
    if (data !== undefined) {
      seen.add(span.name);
      parts.push(
        newcRecordBytes({
          name: span.name,
          ino: 0,
          mode: S_IFREG | (span.mode & 0o7777),
          uid: 0,
          gid: 0,
          nlink: 1,
          mtime: 0,
          body: data,
          rdevmajor: 0,
          rdevminor: 0,
        }),
      );
      continue;
    }
    parts.push(archive.subarray(span.start, span.end));
  }
  const missing = [...drop, ...replace.keys()].filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`not in the image: ${missing.join(', ')}`);
  await writeFile(to, zstdCompressSync(Buffer.concat(parts)));
}
