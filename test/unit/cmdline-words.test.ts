/** The kernel's splitting (lib/cmdline.c next_arg(), parse_args()), row by row. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCommandLine, wordText } from '../../src/cmdline/kernel-words.ts';

/** A split as compact text: kernel words | init words, each key or key=value in brackets. */
function shown(text: string): string {
  const split = splitCommandLine(text);
  const words = (list: typeof split.kernel): string => list.map((word) => `[${wordText(word)}]`).join('');
  return `${words(split.kernel)}|${words(split.init)}${split.secondDashes ? '|--' : ''}`;
}

const rows: { in: string; want: string }[] = [
  { in: '', want: '|' },
  { in: '  \t\n ', want: '|' },
  { in: 'a b  c', want: '[a][b][c]|' },
  { in: 'a\tb\nc\vd\fe\rf', want: '[a][b][c][d][e][f]|' },
  // lib/ctype.c counts byte 0xA0 as a space.
  { in: 'a\xa0b', want: '[a][b]|' },
  { in: 'key=value', want: '[key=value]|' },
  { in: 'key="a b"', want: '[key=a b]|' },
  { in: '"key=a b"', want: '[key=a b]|' },
  { in: '"key="a b""', want: '[key=a][b""]|' },
  { in: 'key=a"b c"d', want: '[key=a"b c"d]|' },
  { in: 'a"b c"d', want: '[a"b c"d]|' },
  { in: '"a b" c', want: '[a b][c]|' },
  { in: '"quoted flag"', want: '[quoted flag]|' },
  { in: 'key="unterminated value', want: '[key=unterminated value]|' },
  { in: '"unterminated word', want: '[unterminated word]|' },
  { in: 'key="a"b', want: '[key=a"b]|' },
  { in: 'key=""', want: '[key=]|' },
  { in: 'key="', want: '[key=]|' },
  { in: 'key=', want: '[key=]|' },
  { in: '"', want: '[]|' },
  { in: '""', want: '[]|' },
  { in: '"key"=v', want: '[key"=v]|' },
  // The first '=' counts only past index 0.
  { in: '=x', want: '[=x]|' },
  { in: '==x', want: '[==x]|' },
  { in: 'a==b', want: '[a==b]|' },
  { in: 'a -- b c=d', want: '[a]|[b][c=d]' },
  { in: 'a "--" b', want: '[a]|[b]' },
  { in: '--=x b', want: '[--=x][b]|' },
  { in: 'a -- b -- c', want: '[a]|[b]|--' },
  { in: '-- "x y" z="1 2"', want: '|[x y][z=1 2]' },
  { in: 'x="a\nb"', want: '[x=a\nb]|' },
  { in: "k='a b'", want: "[k='a][b']|" },
  { in: 'k=a\\ b', want: '[k=a\\][b]|' },
];

for (const row of rows) {
  test(`splitCommandLine(${JSON.stringify(row.in)})`, () => {
    const got = shown(row.in);
    assert.equal(got, row.want, `parse(${JSON.stringify(row.in)}) = ${JSON.stringify(got)}, want ${JSON.stringify(row.want)}`);
  });
}
