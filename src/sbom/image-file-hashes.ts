import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EmbError } from '../errors.ts';
import { S_IFMT, S_IFREG } from '../pack/newc-record.ts';
import { initramfsMembers } from '../repro/read-initramfs.ts';

/**
 * The sha256 of each regular file `wanted` names (by absolute path), read from an
 * initramfs's members as the kernel unpacks them: a later record of a path replaces an
 * earlier one.
 */
export function regularFileHashes(image: Buffer, wanted: (path: string) => boolean): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const member of initramfsMembers(image)) {
    for (const record of member.records) {
      const path = `/${record.name.replace(/^\.?\/*/, '')}`;
      if ((record.mode & S_IFMT) !== S_IFREG) hashes.delete(path);
      else if (wanted(path)) hashes.set(path, createHash('sha256').update(record.body).digest('hex'));
    }
  }
  return hashes;
}

/** The hashes of dist/'s initramfs.zst (see regularFileHashes); one line naming the file when it is not an image emb wrote. */
export async function imageFileHashes(initramfsPath: string, wanted: (path: string) => boolean): Promise<Map<string, string>> {
  try {
    return regularFileHashes(await readFile(initramfsPath), wanted);
  } catch (error) {
    throw new EmbError(`${initramfsPath} cannot be read as an initramfs: ${(error as Error).message}`, 'run emb build for the board again');
  }
}
