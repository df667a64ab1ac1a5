import { createHash } from 'node:crypto';

/** Bytes as a short id for a line: the first 12 hex digits of their sha256. */
export function shortSha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 12);
}

/** Where two byte strings first differ, in words: their sizes, the first differing offset and short hashes. */
export function describeBytesDifference(a: Buffer, b: Buffer): string {
  const shorter = Math.min(a.length, b.length);
  let at = 0;
  while (at < shorter && a[at] === b[at]) at++;
  const sizes = a.length === b.length ? `${a.length} bytes each` : `${a.length} vs ${b.length} bytes`;
  return `${sizes}, first difference at byte ${at} (0x${at.toString(16)}), sha256 ${shortSha256(a)}… vs ${shortSha256(b)}…`;
}
