import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { endMarker, replaceResultsSection, startMarker, writeResultsSection } from '../bench/results-section.ts';

const before = '# Benchmarks\n\nIntro text.\n\n';
const after = '\n\n## 2026-11-22, history\n\n| a | b |\n|---|---|\n| 1 | 2 |\n';
const file = (inner: string): string => `${before}${startMarker}\n${inner}\n${endMarker}${after}`;

describe('replaceResultsSection', () => {
  it('replaces only what lies between the markers, keeping both markers and every byte outside them', () => {
    const got = replaceResultsSection(file('old results\nmore old'), '## Results\n\nnew');
    assert.equal(got, `${before}${startMarker}\n\n## Results\n\nnew\n\n${endMarker}${after}`);
    assert.ok(got.startsWith(before) && got.endsWith(`${endMarker}${after}`));
  });

  it('gives the same text when run twice with the same section', () => {
    const once = replaceResultsSection(file('x'), 'section');
    assert.equal(replaceResultsSection(once, 'section'), once);
  });

  const refused: Array<{ name: string; text: string; want: RegExp }> = [
    { name: 'no markers', text: '# Benchmarks\n', want: /has no <!-- bench:results:start --> and <!-- bench:results:end -->/ },
    { name: 'no end marker', text: `${startMarker}\n`, want: /has no <!-- bench:results:end -->:/ },
    { name: 'no start marker', text: `${endMarker}\n`, want: /has no <!-- bench:results:start -->:/ },
    { name: 'end before start', text: `${endMarker}\n${startMarker}\n`, want: /before/ },
    { name: 'a marker twice', text: `${startMarker}\n${endMarker}\n${startMarker}\n`, want: /twice/ },
  ];
  for (const row of refused) {
    it(`refuses a file with ${row.name}, naming the fix`, () => {
      assert.throws(
        () => replaceResultsSection(row.text, 'new'),
        (error: Error) => row.want.test(error.message) && error.message.includes('where the results go'),
      );
    });
  }
});

describe('writeResultsSection', () => {
  it('rewrites the file in place and leaves no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emb-bench-md-'));
    try {
      const path = join(dir, 'BENCHMARKS.md');
      await writeFile(path, file('old'));
      await writeResultsSection(path, 'new');
      assert.equal(await readFile(path, 'utf8'), `${before}${startMarker}\n\nnew\n\n${endMarker}${after}`);
      assert.deepEqual(await readdir(dir), ['BENCHMARKS.md']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves a file without markers untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emb-bench-md-'));
    try {
      const path = join(dir, 'BENCHMARKS.md');
      await writeFile(path, '# Benchmarks\n\nhistory\n');
      await assert.rejects(writeResultsSection(path, 'new'), /has no/);
      assert.equal(await readFile(path, 'utf8'), '# Benchmarks\n\nhistory\n');
      assert.deepEqual(await readdir(dir), ['BENCHMARKS.md']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
