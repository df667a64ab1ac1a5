import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { execa } from 'execa';
import tar, { type Extract as TarExtract } from 'tar-stream';
import { EmbError } from '../errors.ts';
import { ArchiveEntryCheck, type EntryPolicy, shownEntryName } from './archive-entry-check.ts';

/**
 * Read an archive's tar headers, without unpacking anything, through the rules of
 * archive-entry-check.ts. The answer is one of: every entry may be unpacked; the
 * first hostile entry and why; or the archive could not be read at all (a damaged
 * file), which the unpacker then reports in its own words.
 */
export type ArchiveVerdict =
  | { kind: 'safe' }
  | { kind: 'hostile'; entry: string; problem: string }
  | { kind: 'unreadable'; reason: string };

/** The decompressor of a tarball, by its first bytes (GNU tar guesses the same way). */
async function decompressorOf(file: string): Promise<string[] | undefined> {
  const handle = await open(file, 'r');
  const head = Buffer.alloc(6);
  try {
    await handle.read(head, 0, 6, 0);
  } finally {
    await handle.close();
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return ['gzip', '-dc'];
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return ['bzip2', '-dc'];
  if (head.equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return ['xz', '-dc'];
  if (head.readUInt32LE(0) === 0xfd2fb528) return ['zstd', '-dc'];
  return undefined;
}

/**
 * Write everything `source` gives into the tar reader, and read on after the reader has
 * seen the archive's end: a decompressor whose output stops being read dies of EPIPE,
 * which would look like a damaged file. Stops early when `stop` says so. The reader's
 * error, if it had one.
 */
async function feedToTheEnd(source: AsyncIterable<Buffer>, extract: TarExtract, stop: () => boolean): Promise<unknown> {
  let readError: unknown;
  const finished = new Promise<void>((resolve) => {
    extract.on('error', (error: unknown) => {
      readError ??= error;
      resolve();
    });
    extract.on('finish', resolve);
    extract.on('close', resolve);
  });
  for await (const chunk of source) {
    if (stop()) break;
    if (readError !== undefined || extract.destroyed) continue;
    if (!extract.write(chunk)) await Promise.race([once(extract, 'drain'), finished]);
  }
  if (!extract.destroyed) extract.end(undefined);
  await finished;
  return stop() ? undefined : readError;
}

/** Feed the tar stream a command writes to its stdout through the rules. */
async function verdictOfTarFrom(command: readonly string[], policy: EntryPolicy): Promise<ArchiveVerdict> {
  const [program, ...args] = command;
  if (program === undefined) throw new Error('internal: no command to read a tar from');
  const child = execa(program, args, { buffer: false, encoding: 'buffer', reject: false, env: { LC_ALL: 'C' }, stderr: 'pipe' });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  const check = new ArchiveEntryCheck(policy);
  let hostile: ArchiveVerdict | undefined;
  // Old tarballs (curl's) are in the v7 format, without ustar's magic.
  // (tar-stream reads the option; its bundled types do not list it.)
  const readOptions = { allowUnknownFormat: true };
  const extract = tar.extract(readOptions as Parameters<typeof tar.extract>[0]);
  extract.on('entry', (header, stream, next) => {
    const problem = check.problemOf({ name: header.name, type: header.type, linkname: header.linkname });
    if (problem !== undefined) {
      hostile = { kind: 'hostile', entry: shownEntryName(header.name), problem };
      // Nothing more needs reading: stop the reader and the program feeding it.
      extract.destroy();
      child.kill();
      return;
    }
    stream.on('end', next);
    stream.resume();
  });
  const readError = await feedToTheEnd(child.stdout, extract, () => hostile !== undefined);
  const result = await child;
  if (hostile) return hostile;
  if (result.exitCode !== 0) {
    const said = stderr
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .pop();
    return { kind: 'unreadable', reason: said ?? `${program} exit code ${result.exitCode}` };
  }
  if (readError !== undefined) return { kind: 'unreadable', reason: readError instanceof Error ? readError.message : String(readError) };
  return { kind: 'safe' };
}

/** A source tarball (gzip, bzip2, xz, zstd or plain): no entry may reach or point out of its folder. */
export async function sourceTarballVerdict(file: string): Promise<ArchiveVerdict> {
  const decompress = await decompressorOf(file);
  // cat for a plain tar keeps one code path: the reader always reads a program's stdout.
  return verdictOfTarFrom(decompress ? [...decompress, file] : ['cat', file], { linksMayLeaveTree: false });
}

/** A Debian package's data archive, as dpkg-deb hands it to tar: absolute symlinks are the image's own. */
export function debianPackageVerdict(debPath: string): Promise<ArchiveVerdict> {
  return verdictOfTarFrom(['dpkg-deb', '--fsys-tarfile', debPath], { linksMayLeaveTree: true });
}

/** The one line for an archive whose entries must not be unpacked (see archive-entry-check.ts). */
export function hostileArchiveError(
  what: string,
  file: string,
  verdict: Extract<ArchiveVerdict, { kind: 'hostile' }>,
  hint: string,
): EmbError {
  return new EmbError(`${what}: ${file} is refused before unpacking: entry ${verdict.entry} ${verdict.problem}`, hint);
}
