import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Goal, goals, verdict } from '../bench/goals.ts';
import { type BenchRun, missedGoals, renderResults } from '../bench/render-results.ts';
import type { Row } from '../bench/row.ts';

const atMost: Goal = { text: 'x ≤ 4 s', kind: 'max', limit: 4, unit: 's', close: 'do less' };
const atLeast: Goal = { text: 'speed ≥ 1×', kind: 'min', limit: 1, unit: '×', close: 'use every core' };

describe('verdict', () => {
  const rows: Array<{ goal: Goal; measured: number; want: { met: boolean; text: string } }> = [
    { goal: atMost, measured: 9.4, want: { met: false, text: 'missed by 5.40 s (2.35× the goal)' } },
    { goal: atMost, measured: 4, want: { met: true, text: 'met (0.00 s under)' } },
    { goal: atMost, measured: 3.5, want: { met: true, text: 'met (0.50 s under)' } },
    { goal: atMost, measured: 45, want: { met: false, text: 'missed by 41.0 s (11.25× the goal)' } },
    { goal: atLeast, measured: 0.47, want: { met: false, text: 'missed by 53%' } },
    { goal: atLeast, measured: 1.2, want: { met: true, text: 'met (20% to spare)' } },
    { goal: atMost, measured: Number.NaN, want: { met: false, text: 'not measured' } },
  ];
  for (const row of rows) {
    it(`${row.goal.text} at ${row.measured}: ${row.want.text}`, () => {
      const got = verdict(row.goal, row.measured);
      assert.deepEqual(
        got,
        row.want,
        `verdict(${row.goal.text}, ${row.measured}) = ${JSON.stringify(got)}, want ${JSON.stringify(row.want)}`,
      );
    });
  }
});

const noop: Row = {
  section: 'builds',
  figure: 'no-op `emb build` (s)',
  value: '0.84',
  peer: '0.06 (`node -e 0`)',
  ratio: '14.0',
  goal: { id: 'noop', measured: 0.84 },
};
const minimal: Row = { section: 'images', figure: 'minimal image (MB)', value: '1.2', goal: { id: 'minimalImage', measured: 1.2 } };
const skipped: Row = { section: 'builds', figure: 'cold source kernel build', value: 'not measured: board absent', skipped: true };

function run(rows: Row[]): BenchRun {
  return {
    mode: 'quick',
    date: '2026-11-30 12:00 UTC',
    commit: 'abc1234',
    machine: '2 × test CPU',
    node: 'v22.0.0',
    rows,
    notes: [{ title: 'A note', text: 'note text' }],
    failures: [],
  };
}

describe('missedGoals', () => {
  it('lists a missed goal with the figure, by how much, and the text saying what would close it', () => {
    assert.deepEqual(missedGoals([noop, minimal, skipped]), [
      `- **${goals.noop.text}**: no-op \`emb build\` (s) = 0.84, missed by 0.54 s (2.80× the goal). What would close it: ${goals.noop.close}.`,
    ]);
  });

  it('lists nothing when every goal is met', () => {
    assert.deepEqual(missedGoals([minimal, skipped]), []);
  });
});

describe('renderResults', () => {
  const text = renderResults(run([noop, minimal, skipped]));

  it('says where, when and from which commit it measured', () => {
    assert.match(text, /^## Results: `npm run bench -- --quick`$/m);
    assert.match(text, /Measured 2026-11-30 12:00 UTC on 2 × test CPU, commit abc1234, Node v22\.0\.0\./);
  });

  it('puts each row in its section with figure, peer, ratio, goal and verdict', () => {
    assert.match(text, /### Builds\n\n\| figure \| emb \| peer \| emb \/ peer \| goal \| verdict \|/);
    assert.ok(text.includes('| no-op `emb build` (s) | 0.84 | 0.06 (`node -e 0`) | 14.0 | ≤ 0.3 s | missed by 0.54 s (2.80× the goal) |'));
    assert.ok(text.includes('| minimal image (MB) | 1.2 | — | — | ≤ 1.5 MB | met (0.30 MB under) |'));
    assert.ok(text.includes('| cold source kernel build | not measured: board absent | — | — | — | — |'));
  });

  it('lists the missed goals with what would close them, then the notes', () => {
    const missed = text.indexOf('### Goals missed');
    assert.ok(missed > text.indexOf('### Builds'));
    assert.ok(text.indexOf(`What would close it: ${goals.noop.close}`) > missed);
    assert.ok(text.indexOf('### A note\n\nnote text') > missed);
  });

  it('says so when every goal measured is met, and lists row modules that failed', () => {
    const clean = renderResults({ ...run([minimal]), failures: [{ module: 'boots', error: 'no ready line' }] });
    assert.match(clean, /None: every goal measured in this run is met\./);
    assert.match(clean, /### Rows that failed\n\n- boots: no ready line/);
  });

  it('keeps a measured text with a pipe from breaking the table', () => {
    const piped = renderResults(run([{ ...skipped, peer: 'find | sort' }]));
    assert.ok(piped.includes('find \\| sort'));
  });
});
