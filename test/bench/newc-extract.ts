/**
 * Unpack an initramfs (one or several concatenated newc archives, as the kernel takes
 * them) into a directory, for the pack bench's input tree. GNU cpio stops at the first
 * archive's trailer, so a layered image needs this. Device nodes are left out: neither
 * emb's tree reader nor the peers' `find` tree would treat them alike.
 */
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const HEADER = 110;
const MAGIC = '070701';
const align4 = (n: number): number => (n + 3) & ~3;

export interface ExtractCount {
  entries: number;
  skippedDevices: number;
}

export async function extractNewc(archive: Buffer, root: string): Promise<ExtractCount> {
  const count: ExtractCount = { entries: 0, skippedDevices: 0 };
  let at = 0;
  while (at + HEADER <= archive.length) {
    // Between archives the kernel allows zero padding.
    if (archive[at] === 0) {
      at++;
      continue;
    }
    if (archive.toString('latin1', at, at + 6) !== MAGIC) throw new Error(`no newc header at byte ${at}`);
    const field = (index: number): number => Number.parseInt(archive.toString('latin1', at + 6 + index * 8, at + 14 + index * 8), 16);
    const mode = field(1);
    const size = field(6);
    const nameSize = field(11);
    const name = archive.toString('utf8', at + HEADER, at + HEADER + nameSize - 1);
    const dataAt = align4(at + HEADER + nameSize);
    const data = archive.subarray(dataAt, dataAt + size);
    at = align4(dataAt + size);
    if (name === 'TRAILER!!!' || name === '.' || name === '') continue;
    const path = join(root, name.replace(/^\/+/, ''));
    const type = mode & 0o170000;
    if (type === 0o040000) {
      await mkdir(path, { recursive: true });
      await chmod(path, mode & 0o7777);
    } else if (type === 0o100000) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, data);
      await chmod(path, mode & 0o7777);
    } else if (type === 0o120000) {
      await mkdir(dirname(path), { recursive: true });
      await symlink(data.toString('utf8'), path);
    } else {
      count.skippedDevices++;
      continue;
    }
    count.entries++;
  }
  return count;
}
