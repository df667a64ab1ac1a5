/**
 * Reading a built initramfs back the way the kernel does: the parser lives in
 * src/repro/read-initramfs.ts (the reproducibility check names differing records with
 * it); this file adds what only tests need. GNU cpio stops at the first trailer, so
 * tests that list or unpack an image with it run it once per archive (gnuCpioEachArchive).
 */
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { initramfsMembers, type NewcRecordSpan } from '../../src/repro/read-initramfs.ts';

export {
  type InitramfsMember,
  initramfsMembers,
  type NewcRecordSpan,
  newcRecords,
  zstdFrameLength,
} from '../../src/repro/read-initramfs.ts';

/** The image's files as the kernel leaves them: every member's records in order, a later record of a path replacing an earlier one. */
export function unpackedRecords(image: Buffer): Map<string, NewcRecordSpan> {
  const byName = new Map<string, NewcRecordSpan>();
  for (const member of initramfsMembers(image)) {
    for (const record of member.records) if (record.name !== 'TRAILER!!!') byName.set(record.name, record);
  }
  return byName;
}

/** The cpio archives of the image at `path`, decompressed, in the kernel's order. */
export async function initramfsArchives(path: string): Promise<Buffer[]> {
  return initramfsMembers(await readFile(path)).map((member) => member.archive);
}

/**
 * GNU cpio run over each archive of the image in turn (it stops at the first trailer),
 * with `args` (e.g. ['-t', '--quiet']); the outputs joined in order.
 */
export async function gnuCpioEachArchive(
  path: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Buffer> {
  const outputs: Buffer[] = [];
  for (const archive of await initramfsArchives(path)) {
    const result = await execa('cpio', args, { input: archive, encoding: 'buffer', stripFinalNewline: false, ...options });
    outputs.push(Buffer.from(result.stdout));
  }
  return Buffer.concat(outputs);
}
