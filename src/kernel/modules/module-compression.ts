/**
 * Compressed kernel modules (`.ko.xz`, `.ko.zst`, `.ko.gz`), which newer Debian kernels
 * ship. emb reads them (for .modinfo) and ships them decompressed as `.ko`: the node's
 * busybox insmod loads plain modules only, and the initramfs is compressed as a whole.
 * xz goes through the `xz` program, many files a call (a call costs more than a small
 * module's decompression); zstd and gzip through node:zlib.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import { execa } from 'execa';
import { EmbError } from '../../errors.ts';

export type ModuleCompression = 'xz' | 'zst' | 'gz';

/** A module file as found on disk: its path in the image (always `.ko`) and how it is stored. */
export interface ModuleFile {
  /** Relative to the module root, ending in `.ko`: where the image puts it. */
  relPath: string;
  /** Absent for a plain `.ko`; else the file on disk is `relPath` + '.' + compression. */
  compression?: ModuleCompression;
}

const MODULE_FILE = /\.ko(?:\.(xz|zst|gz))?$/;

/** The module file a name on disk is, or undefined when it is not one ('x.ko.xz' → x.ko, xz). */
export function moduleFileOf(relPathOnDisk: string): ModuleFile | undefined {
  const match = MODULE_FILE.exec(relPathOnDisk);
  if (match === null) return undefined;
  const compression = match[1] as ModuleCompression | undefined;
  const relPath = compression === undefined ? relPathOnDisk : relPathOnDisk.slice(0, -(compression.length + 1));
  return compression === undefined ? { relPath } : { relPath, compression };
}

/** The file's path on disk, relative to the module root. */
export function diskPathOf(file: ModuleFile): string {
  return file.compression === undefined ? file.relPath : `${file.relPath}.${file.compression}`;
}

function damaged(file: string, reason: string): EmbError {
  return new EmbError(
    `kernel module ${file} cannot be decompressed: ${reason}`,
    'the unpacked kernel in the cache is damaged: delete it (under <cache>/kernels/) and build again, which unpacks it again',
  );
}

/** How many .xz files one `xz` call decompresses: few enough to keep the output small. */
const XZ_BATCH = 64;

/** Each file's uncompressed size, from `xz --robot --list` ("file" lines, in argument order). */
function xzSizes(listing: string): number[] {
  return listing
    .split('\n')
    .filter((line) => line.startsWith('file\t'))
    .map((line) => Number(line.split('\t')[4]));
}

/** The first "xz: <file>: <reason>" line, as an error naming the file. */
function xzFailure(stderr: string, files: readonly string[]): EmbError {
  const line = stderr.split('\n').find((text) => text.startsWith('xz: ')) ?? '';
  const [, file, reason] = /^xz: (.*?): (.*)$/.exec(line) ?? [];
  return file !== undefined && reason !== undefined ? damaged(file, reason) : damaged(files.join(', '), stderr.trim() || 'xz failed');
}

async function runXz(args: readonly string[], files: readonly string[]): Promise<{ stdout: Uint8Array; stderr: string }> {
  // Bytes exactly as xz wrote them: execa would cut a final newline (a module may end in 0x0a),
  // and a batch may hold a large module (an unstripped nvidia.ko is 185 MB).
  const result = await execa('xz', [...args, '--', ...files], {
    encoding: 'buffer',
    stripFinalNewline: false,
    maxBuffer: 2 ** 30,
    reject: false,
    env: { LC_ALL: 'C' },
  });
  if ((result as { code?: string }).code === 'ENOENT')
    throw new EmbError('the kernel ships .ko.xz modules and xz is not installed', 'apt-get install xz-utils');
  const stderr = Buffer.from(result.stderr).toString('utf8');
  if (result.failed) throw xzFailure(stderr, files);
  return { stdout: result.stdout, stderr };
}

/**
 * The decompressed bytes of .xz files, in order: one `xz --list` for the sizes and one
 * `xz -dc` for the concatenated contents, cut at those sizes.
 */
async function decompressXzBatch(files: readonly string[]): Promise<Buffer[]> {
  const sizes = xzSizes(Buffer.from((await runXz(['--robot', '--list'], files)).stdout).toString('utf8'));
  const joined = Buffer.from((await runXz(['--decompress', '--stdout'], files)).stdout);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (sizes.length !== files.length || sizes.some((size) => !Number.isSafeInteger(size)) || total !== joined.length) {
    throw damaged(files.join(', '), `xz listed ${total} bytes in ${sizes.length} files but gave ${joined.length}`);
  }
  const parts: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(joined.subarray(at, at + size));
    at += size;
  }
  return parts;
}

function decompressInProcess(file: string, data: Buffer, compression: 'zst' | 'gz'): Buffer {
  try {
    return compression === 'zst' ? zstdDecompressSync(data) : gunzipSync(data);
  } catch (error) {
    throw damaged(file, error instanceof Error ? error.message : String(error));
  }
}

/**
 * The plain `.ko` bytes of each module file under `moduleRoot`, in order: plain files
 * read as they are, compressed ones decompressed.
 */
export async function readModuleFiles(moduleRoot: string, files: readonly ModuleFile[]): Promise<Buffer[]> {
  const result = new Array<Buffer>(files.length);
  const xz: { at: number; full: string }[] = [];
  for (const [at, file] of files.entries()) {
    const full = path.join(moduleRoot, diskPathOf(file));
    if (file.compression === 'xz') xz.push({ at, full });
    else if (file.compression === undefined) result[at] = await readFile(full);
    else result[at] = decompressInProcess(full, await readFile(full), file.compression);
  }
  for (let start = 0; start < xz.length; start += XZ_BATCH) {
    const batch = xz.slice(start, start + XZ_BATCH);
    const parts = await decompressXzBatch(batch.map(({ full }) => full));
    // decompressXzBatch gives one part a file, in order (it checks the count).
    parts.forEach((part, index) => {
      const slot = batch[index];
      if (slot !== undefined) result[slot.at] = part;
    });
  }
  return result;
}
