import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';

const NEWC_MAGIC = '070701';
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/** A newc header field: 8 hex digits after the 6-byte magic. */
function headerField(bytes: Buffer, offset: number, index: number): number {
  return Number.parseInt(bytes.toString('latin1', offset + 6 + index * 8, offset + 14 + index * 8), 16);
}

/**
 * The sha256 of each regular file `wanted` names, read from the cpio archives that
 * follow one another in `cpio` (one per layer, each with its trailer, zero padding
 * between them), as the kernel unpacks them: a later record of a path replaces an
 * earlier one.
 */
export function regularFileHashes(cpio: Buffer, wanted: (path: string) => boolean): Map<string, string> {
  const hashes = new Map<string, string>();
  let offset = 0;
  while (offset < cpio.length) {
    if (cpio[offset] === 0) {
      offset++;
      continue;
    }
    if (cpio.toString('latin1', offset, offset + 6) !== NEWC_MAGIC) throw new Error(`no newc record at offset ${offset}`);
    const mode = headerField(cpio, offset, 1);
    const fileSize = headerField(cpio, offset, 6);
    const nameSize = headerField(cpio, offset, 11);
    const path = `/${cpio.toString('utf8', offset + 110, offset + 110 + nameSize - 1).replace(/^\.?\/*/, '')}`;
    const bodyStart = offset + Math.ceil((110 + nameSize) / 4) * 4;
    if (bodyStart + fileSize > cpio.length) throw new Error(`record ${path} at offset ${offset} runs past the end`);
    if ((mode & S_IFMT) === S_IFREG && wanted(path)) {
      hashes.set(
        path,
        createHash('sha256')
          .update(cpio.subarray(bodyStart, bodyStart + fileSize))
          .digest('hex'),
      );
    }
    offset = bodyStart + Math.ceil(fileSize / 4) * 4;
  }
  return hashes;
}

/**
 * The image's files' hashes, from dist/'s initramfs.zst: zstd's command-line tool
 * decompresses every frame (one per layer; node's zlib stops after the first).
 */
export async function imageFileHashes(
  initramfsPath: string,
  uncompressedBytes: number,
  wanted: (path: string) => boolean,
): Promise<Map<string, string>> {
  const result = await execa('zstd', ['-dc', '--', initramfsPath], {
    encoding: 'buffer',
    maxBuffer: uncompressedBytes + 1024 * 1024,
    reject: false,
  });
  if (result.failed) {
    const said = Buffer.from(result.stderr).toString('utf8').trim().split('\n').pop() ?? result.shortMessage;
    throw new EmbError(
      `${initramfsPath} cannot be read: ${said}`,
      'run emb build for the board again (and apt-get install zstd if it is missing)',
    );
  }
  try {
    return regularFileHashes(Buffer.from(result.stdout), wanted);
  } catch (error) {
    throw new EmbError(`${initramfsPath} is not an image emb wrote: ${(error as Error).message}`, 'run emb build for the board again');
  }
}
