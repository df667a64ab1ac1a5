/**
 * Test-only edits of a built initramfs.zst, to boot the real image with one fault in
 * it (a marker for another kernel, a truncated module, a missing file) without a build
 * per case: every member is decompressed, the named records are dropped or replaced,
 * and the rest is kept byte for byte, each archive again in a zstd frame of its own.
 */
import { writeFile } from 'node:fs/promises';
import { zstdCompressSync } from 'node:zlib';
import { newcRecordBytes } from '../../src/pack/newc-header.ts';
import { S_IFREG } from '../../src/pack/newc-record.ts';
import { initramfsArchives, newcRecords } from './initramfs-read.ts';

/** A file's bytes in the image, by its path ("/usr/local/lib/nvidia/marker"): its last record, the one the kernel keeps. */
export function imageFile(archive: Buffer, path: string): Buffer {
  const span = newcRecords(archive)
    .filter((record) => record.name === path.slice(1))
    .at(-1);
  if (span === undefined) throw new Error(`${path} is not in the image`);
  return span.body;
}

/** The image's archives (one per layer), decompressed and laid end to end. */
export async function readCpio(initramfs: string): Promise<Buffer> {
  return Buffer.concat(await initramfsArchives(initramfs));
}

/**
 * Write `to` as `archive` with the `drop` paths removed and the `replace` files put in
 * their place (mode 0644 unless given); each archive (up to its trailer) compressed at
 * zstd level 1 as a member of its own, as emb writes them.
 */
export async function writeEditedInitramfs(
  archive: Buffer,
  to: string,
  edits: { drop?: readonly string[]; replace?: Record<string, Buffer | string> },
): Promise<void> {
  const replace = new Map(Object.entries(edits.replace ?? {}).map(([path, data]) => [path.slice(1), Buffer.from(data)]));
  const drop = new Set((edits.drop ?? []).map((path) => path.slice(1)));
  const members: Buffer[] = [];
  let parts: Buffer[] = [];
  const seen = new Set<string>();
  for (const span of newcRecords(archive)) {
    const data = replace.get(span.name);
    if (drop.has(span.name)) {
      seen.add(span.name);
    } else if (data !== undefined) {
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
    } else {
      parts.push(archive.subarray(span.start, span.end));
    }
    if (span.name === 'TRAILER!!!') {
      members.push(zstdCompressSync(Buffer.concat(parts)));
      parts = [];
    }
  }
  const missing = [...drop, ...replace.keys()].filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`not in the image: ${missing.join(', ')}`);
  if (parts.length > 0) throw new Error('the archive does not end with a trailer');
  await writeFile(to, Buffer.concat(members));
}
