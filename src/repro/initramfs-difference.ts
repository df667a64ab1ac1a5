/**
 * The first difference between two initramfs images, named as a person would look for
 * it: the layer (zstd member), the record's path, and which of its properties differ.
 * A difference the archives do not show (the same cpio compressed to other bytes) is
 * said as such: it points at zstd, not at a file.
 */
import { describeBytesDifference } from './bytes-difference.ts';
import { TRAILER_NAME } from '../pack/newc-record.ts';
import { type InitramfsMember, initramfsMembers, type NewcRecordSpan } from './read-initramfs.ts';

const TYPE_BITS = 0o170000;
const SQUASHFS_MAGIC = 'hsqs';

const octal = (mode: number): string => mode.toString(8).padStart(6, '0');

function typeName(mode: number): string {
  const names: Record<number, string> = {
    16807: 'file',
    9604: 'directory',
    21609: 'symlink',
    4802: 'character device',
    14406: 'block device',
    2401: 'fifo',
    26411: 'socket',
  };
  return names[mode & TYPE_BITS] ?? `type ${octal(mode & TYPE_BITS)}`;
}

function mtimeText(seconds: number): string {
  return `${seconds} (${new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')})`;
}

/** What differs between two records of one path, each "what: first vs second"; [] when nothing does. */
export function recordDifferences(a: NewcRecordSpan, b: NewcRecordSpan): string[] {
  const differences: string[] = [];
  if ((a.mode & TYPE_BITS) !== (b.mode & TYPE_BITS)) differences.push(`type ${typeName(a.mode)} vs ${typeName(b.mode)}`);
  if (!a.body.equals(b.body)) {
    const squashfs = a.body.toString('latin1', 0, 4) === SQUASHFS_MAGIC ? ' (a squashfs: compare `unsquashfs -lln` of both)' : '';
    differences.push(`content ${describeBytesDifference(a.body, b.body)}${squashfs}`);
  }
  if ((a.mode & ~TYPE_BITS) !== (b.mode & ~TYPE_BITS)) differences.push(`mode ${octal(a.mode)} vs ${octal(b.mode)}`);
  if (a.uid !== b.uid || a.gid !== b.gid) differences.push(`owner ${a.uid}:${a.gid} vs ${b.uid}:${b.gid}`);
  if (a.mtime !== b.mtime) differences.push(`mtime ${mtimeText(a.mtime)} vs ${mtimeText(b.mtime)}`);
  if (a.nlink !== b.nlink) differences.push(`nlink ${a.nlink} vs ${b.nlink}`);
  if (a.rdevmajor !== b.rdevmajor || a.rdevminor !== b.rdevminor) {
    differences.push(`device ${a.rdevmajor}:${a.rdevminor} vs ${b.rdevmajor}:${b.rdevminor}`);
  }
  if (a.ino !== b.ino) differences.push(`inode ${a.ino} vs ${b.ino}`);
  return differences;
}

interface ReadMember {
  member: InitramfsMember;
  /** Its bytes in the image, compressed or not. */
  bytes: Buffer;
}

/** The first difference between the records of two members that are not byte-identical. */
function describeMemberDifference(where: string, a: ReadMember, b: ReadMember): string {
  const [recordsA, recordsB] = [a.member.records, b.member.records];
  for (let index = 0; index < Math.max(recordsA.length, recordsB.length); index++) {
    const ra = recordsA[index];
    const rb = recordsB[index];
    if (ra === undefined) return `${where}: ${rb?.name} only in the second build (the first's archive ends before it)`;
    if (rb === undefined) return `${where}: ${ra.name} only in the first build (the second's archive ends before it)`;
    // Each archive ends on a trailer: a record facing the other's trailer is one only that build has.
    if (ra.name === TRAILER_NAME && rb.name !== TRAILER_NAME) return `${where}: ${rb.name} only in the second build`;
    if (rb.name === TRAILER_NAME && ra.name !== TRAILER_NAME) return `${where}: ${ra.name} only in the first build`;
    if (ra.name !== rb.name) return `${where}: record ${index + 1} is ${ra.name} in the first build, ${rb.name} in the second`;
    const differences = recordDifferences(ra, rb);
    if (differences.length > 0) return `${where}: ${ra.name}: ${differences.join('; ')}`;
  }
  if (!a.member.archive.equals(b.member.archive)) {
    return `${where}: the cpio archives differ outside their records: ${describeBytesDifference(a.member.archive, b.member.archive)}`;
  }
  return `${where}: the same cpio archive compressed to other bytes (zstd level, version or threading): ${describeBytesDifference(a.bytes, b.bytes)}`;
}

/** The image's members with their bytes, or why it cannot be read. */
function membersOf(image: Buffer, which: string): ReadMember[] | string {
  try {
    return initramfsMembers(image).map((member) => ({ member, bytes: image.subarray(member.offset, member.offset + member.length) }));
  } catch (error) {
    return `the ${which} build's image cannot be read as an initramfs: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Where two initramfs images first differ, in one line. `layerNames` (the first build's
 * manifest's layers, in order) name the members; without them a member is its number.
 */
export function describeInitramfsDifference(a: Buffer, b: Buffer, layerNames: readonly string[] = []): string {
  const membersA = membersOf(a, 'first');
  if (typeof membersA === 'string') return membersA;
  const membersB = membersOf(b, 'second');
  if (typeof membersB === 'string') return membersB;
  const count = Math.max(membersA.length, membersB.length);
  for (let index = 0; index < count; index++) {
    const name = layerNames.length === membersA.length ? `layer ${layerNames[index]}, ` : '';
    const where = `${name}member ${index + 1} of ${membersA.length}`;
    const ma = membersA[index];
    const mb = membersB[index];
    if (ma === undefined) return `member ${index + 1} only in the second build (${membersB.length} members against ${membersA.length})`;
    if (mb === undefined) return `${where} only in the first build (${membersA.length} members against ${membersB.length})`;
    if (ma.bytes.equals(mb.bytes)) continue;
    return describeMemberDifference(where, ma, mb);
  }
  return `every member is identical; the files differ between them: ${describeBytesDifference(a, b)}`;
}
