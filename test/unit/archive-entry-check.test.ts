/**
 * The archive rules on their own, row by row: what a source tarball and a Debian
 * package may hold. The corpus (test/e2e/bad-corpus.test.ts) runs them through emb.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ArchiveEntry, ArchiveEntryCheck, shownEntryName } from '../../src/fetch/archive-entry-check.ts';

const dir = (name: string): ArchiveEntry => ({ name, type: 'directory' });
const file = (name: string): ArchiveEntry => ({ name, type: 'file' });
const symlink = (name: string, linkname: string): ArchiveEntry => ({ name, type: 'symlink', linkname });
const hardlink = (name: string, linkname: string): ArchiveEntry => ({ name, type: 'link', linkname });

/** The problem of the last entry, after the ones before it were accepted. */
function lastProblem(entries: ArchiveEntry[], linksMayLeaveTree = false): string | undefined {
  const check = new ArchiveEntryCheck({ linksMayLeaveTree });
  for (const entry of entries.slice(0, -1)) assert.equal(check.problemOf(entry), undefined, `${entry.name} is accepted`);
  return check.problemOf(entries.at(-1) as ArchiveEntry);
}

describe('archive entries', () => {
  const rows: { name: string; entries: ArchiveEntry[]; debian?: boolean; want: RegExp | undefined }[] = [
    {
      name: 'a plain tree',
      entries: [dir('p/'), file('p/a'), symlink('p/b', 'a'), hardlink('p/c', 'p/a'), symlink('p/d', '../p/a')],
      want: undefined,
    },
    { name: 'the same directory twice', entries: [dir('p/'), dir('./p/')], want: undefined },
    { name: '".." in a name', entries: [file('p/../x')], want: /climbs out/ },
    { name: 'an absolute name', entries: [file('/etc/x')], want: /absolute path/ },
    { name: 'a symlink out of a source tree', entries: [symlink('p/x', '../../etc')], want: /outside the tree/ },
    { name: 'an absolute symlink in a source tree', entries: [symlink('p/x', '/etc')], want: /outside the tree/ },
    {
      name: "an absolute symlink in a Debian package: the image's own",
      entries: [symlink('./lib/ld.so', '/usr/lib/ld.so')],
      debian: true,
      want: undefined,
    },
    {
      name: 'a file through a Debian symlink',
      entries: [symlink('./lib/x', '/etc'), file('./lib/x/passwd')],
      debian: true,
      want: /through the symlink lib\/x -> \/etc/,
    },
    {
      name: 'a file through an inside symlink',
      entries: [dir('p/d/'), symlink('p/l', 'd'), file('p/l/f')],
      want: /through the symlink p\/l -> d/,
    },
    { name: 'a hard link out', entries: [hardlink('p/x', '../etc/passwd')], want: /hard link to "..\/etc\/passwd", outside/ },
    {
      name: 'a hard link through a symlink',
      entries: [dir('p/d/'), symlink('p/l', 'd'), hardlink('p/h', 'p/l/f')],
      want: /hard link through the symlink/,
    },
    { name: 'a character device', entries: [{ name: 'p/null', type: 'character-device' }], want: /character device node/ },
    { name: 'a FIFO', entries: [{ name: 'p/f', type: 'fifo' }], want: /a FIFO/ },
    { name: 'a duplicate', entries: [file('p/a'), file('./p//a')], want: /appears twice/ },
    { name: 'a name over 4096 bytes', entries: [file(`p/${'d/'.repeat(2100)}`)], want: /4\d{3} bytes, over the 4096/ },
    { name: 'a part over 255 bytes', entries: [file(`p/${'n'.repeat(256)}`)], want: /part of 256 bytes/ },
    { name: 'a newline in a name', entries: [file('p/a\nb')], want: /control character/ },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const got = lastProblem(row.entries, row.debian);
      if (row.want === undefined) assert.equal(got, undefined);
      else assert.match(got ?? '(accepted)', row.want);
    });
  }

  test('a long name is shown cut, with its length', () => {
    assert.equal(shownEntryName('a\nb'), '"a\\nb"');
    assert.match(shownEntryName('x'.repeat(5000)), /^"x{60}"… \(5000 bytes\)$/);
  });
});
