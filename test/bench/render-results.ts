/**
 * The results section of BENCHMARKS.md from a run's rows: a header saying where and
 * when it was measured, one table per section (figure, emb, peer, ratio, goal, verdict),
 * the goals missed with what would close them, then the row modules' notes. Pure: the
 * same run renders the same text.
 */
import { goalCell, goals, verdict } from './goals.ts';
import { type Note, type Row, type SectionId, sections } from './row.ts';

export interface BenchRun {
  mode: 'quick' | 'full';
  /** ISO date and time of the run's start. */
  date: string;
  /** Short commit, with "+ uncommitted changes" when the tree was dirty. */
  commit: string;
  machine: string;
  node: string;
  rows: Row[];
  notes: Note[];
  /** Row modules that threw: their name and the error's first line. */
  failures: { module: string; error: string }[];
}

const sectionTitles: Record<SectionId, string> = {
  pack: 'Pack: emb vs `find | sort | cpio -o -H newc | zstd -T0` and vs `zstd -T0` alone on the same cpio',
  images: 'Images: compressed and unpacked, per board and per package',
  boot: 'Boot in QEMU (TCG): QEMU start to the ready line and to node_exporter answering; the guest’s own clock',
  ram: 'RAM in use after boot (MemTotal − MemAvailable)',
  builds: 'Builds',
  memory: '`emb build` peak RSS',
  other: 'Other',
};

/** A table cell: no pipes or newlines from measured text. */
function cell(text: string | undefined): string {
  return (text ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function rowLine(row: Row): string {
  const goal = row.goal ? goals[row.goal.id] : undefined;
  const check = row.goal && goal ? verdict(goal, row.goal.measured).text : '';
  return `| ${cell(row.figure)} | ${cell(row.value)} | ${cell(row.peer ?? '—')} | ${cell(row.ratio ?? '—')} | ${goal ? goalCell(goal) : '—'} | ${check || '—'} |`;
}

/** Every missed goal with its measured figure, the miss, and the text that says what would close it. */
export function missedGoals(rows: readonly Row[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    if (!row.goal) continue;
    const goal = goals[row.goal.id];
    const check = verdict(goal, row.goal.measured);
    if (check.met) continue;
    lines.push(`- **${goal.text}**: ${row.figure} = ${row.value}, ${check.text}. What would close it: ${goal.close}.`);
  }
  return lines;
}

export function renderResults(run: BenchRun): string {
  const out: string[] = [
    `## Results: \`npm run bench${run.mode === 'quick' ? ' -- --quick' : ''}\``,
    '',
    `Measured ${run.date} on ${run.machine}, commit ${run.commit}, Node ${run.node}. ` +
      'Each figure beside its peer measured in the same run (ratios mean more than seconds on a shared machine); ' +
      'MB is 10^6 bytes, MiB 2^20.',
    '',
  ];
  for (const section of sections) {
    const rows = run.rows.filter((row) => row.section === section);
    if (rows.length === 0) continue;
    out.push(`### ${sectionTitles[section]}`, '', '| figure | emb | peer | emb / peer | goal | verdict |', '|---|---|---|---|---|---|');
    for (const row of rows) out.push(rowLine(row));
    out.push('');
  }
  const missed = missedGoals(run.rows);
  out.push('### Goals missed', '', ...(missed.length ? missed : ['None: every goal measured in this run is met.']), '');
  if (run.failures.length) {
    out.push('### Rows that failed', '');
    for (const failure of run.failures) out.push(`- ${failure.module}: ${failure.error}`);
    out.push('');
  }
  for (const note of run.notes) out.push(`### ${note.title}`, '', note.text.trim(), '');
  return out.join('\n');
}
