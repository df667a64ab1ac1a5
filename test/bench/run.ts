/**
 * npm run bench: every figure of issue 13 beside its peer, measured in this run, printed
 * as Markdown and (full mode) written into BENCHMARKS.md between the results markers.
 *   npm run bench                  every row; rewrites the results section
 *   npm run bench -- --quick       under 3 minutes (CI): one round; one boot per QEMU
 *                                  board already built in dist/, goal boards first,
 *                                  within a time budget; no clean builds, source
 *                                  kernel, BOINC RAM, GPU or PXE rows; prints only
 *   --write                        write BENCHMARKS.md in --quick or --only runs too
 *   --only pack,boots              only these row modules (ids below)
 *   --boards qemu-aarch64,sopine   only these boards in the per-board rows (images, boots, RAM)
 *   --rounds 1                     rounds for the timed rows instead of the mode's (3 full, 1 quick)
 * Needs the cache and dist/ that `npm run setup` leaves. Exits non-zero when a row
 * module failed, after printing the rest.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../src/paths.ts';
import type { BenchContext } from './bench-context.ts';
import { commitLabel, machineLabel } from './machine.ts';
import { type BenchRun, renderResults } from './render-results.ts';
import { writeResultsSection } from './results-section.ts';
import type { Note, Row, RowResult, SectionId } from './row.ts';
import { bootRows } from './rows/boots.ts';
import { cleanBuildRows } from './rows/clean-builds.ts';
import { imageRows } from './rows/images.ts';
import { incrementalRows } from './rows/incremental.ts';
import { minimalImageRows } from './rows/minimal-image.ts';
import { packRows } from './rows/pack.ts';
import { peakRssRows } from './rows/peak-rss.ts';
import { ramBoincRows } from './rows/ram-boinc.ts';
import { gpuSection, pxeSection } from './rows/script-sections.ts';
import { sourceKernelRows } from './rows/source-kernel.ts';

interface RowModule {
  id: string;
  run: (ctx: BenchContext) => Promise<RowResult>;
  /** Set for modules --quick leaves out: the row printed instead, saying so. */
  fullOnly?: { section: SectionId; figure: string; why: string };
}

/** In run order: images before boots and RAM, which boot what the images rows built (full mode). */
const modules: RowModule[] = [
  { id: 'pack', run: packRows },
  { id: 'images', run: imageRows },
  { id: 'minimal', run: minimalImageRows },
  { id: 'incremental', run: incrementalRows },
  { id: 'peak-rss', run: peakRssRows },
  { id: 'boots', run: bootRows },
  {
    id: 'ram-boinc',
    run: ramBoincRows,
    fullOnly: {
      section: 'ram',
      figure: 'BOINC client running on /storage, per QEMU board',
      why: 'full mode only (a boot with every check)',
    },
  },
  {
    id: 'clean-builds',
    run: cleanBuildRows,
    fullOnly: { section: 'builds', figure: 'clean build of the base set per arch', why: 'full mode only (minutes per arch)' },
  },
  {
    id: 'source-kernel',
    run: sourceKernelRows,
    fullOnly: { section: 'builds', figure: 'cold source kernel build', why: 'full mode only (10–15 minutes)' },
  },
  { id: 'gpu', run: gpuSection, fullOnly: { section: 'other', figure: 'GPU host (npm run bench:gpu)', why: 'full mode only (minutes)' } },
  { id: 'pxe', run: pxeSection, fullOnly: { section: 'other', figure: 'PXE tree (npm run bench:pxe)', why: 'full mode only' } },
];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    only: { type: 'string' },
    boards: { type: 'string' },
    rounds: { type: 'string' },
  },
});
const only = values.only?.split(',').map((id) => id.trim());
const unknown = only?.filter((id) => !modules.some((module) => module.id === id)) ?? [];
if (unknown.length)
  throw new Error(`--only ${unknown.join(',')}: no such row module; the modules are ${modules.map((m) => m.id).join(', ')}`);
const quick = values.quick ?? false;
const boards = values.boards?.split(',').map((name) => name.trim());
const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 1))
  throw new Error(`--rounds ${values.rounds}: give a whole number, 1 or more`);
// A partial run never replaces the full results unless asked to.
const write = values.write || (!quick && only === undefined && boards === undefined && rounds === undefined);

const scratch = await mkdtemp(join(tmpdir(), 'emb-bench-'));
// Interrupted (ctrl-c, CI's timeout): the scratch folder holds image trees and builds, gone with the run.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    rmSync(scratch, { recursive: true, force: true });
    process.exit(130);
  });
}
const ctx: BenchContext = {
  quick,
  rounds: rounds ?? (quick ? 1 : 3),
  bootRounds: rounds ?? (quick ? 1 : 5),
  boards,
  bootBudgetSeconds: quick ? 80 : undefined,
  scratch,
  say: (line) => process.stderr.write(`bench: ${line}\n`),
  built: new Map(),
  sharedBuilds: new Map(),
};
const started = new Date();
const rows: Row[] = [];
const notes: Note[] = [];
const failures: BenchRun['failures'] = [];
try {
  for (const module of modules) {
    if (only && !only.includes(module.id)) continue;
    if (quick && module.fullOnly) {
      rows.push({
        section: module.fullOnly.section,
        figure: module.fullOnly.figure,
        value: `not measured: ${module.fullOnly.why}`,
        skipped: true,
      });
      continue;
    }
    const moduleStart = performance.now();
    ctx.say(`${module.id}: start`);
    try {
      const result = await module.run(ctx);
      rows.push(...result.rows);
      notes.push(...(result.notes ?? []));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ module: module.id, error: message.split('\n')[0] ?? message });
      process.stderr.write(`bench: ${module.id} failed: ${message}\n`);
    }
    ctx.say(`${module.id}: done in ${((performance.now() - moduleStart) / 1000).toFixed(1)} s`);
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const run: BenchRun = {
  mode: quick ? 'quick' : 'full',
  date: `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  commit: await commitLabel(),
  machine: await machineLabel(),
  node: process.version,
  rows,
  notes,
  failures,
};
const section = renderResults(run);
console.log(section);
if (write) {
  await writeResultsSection(join(projectRoot, 'BENCHMARKS.md'), section);
  ctx.say('BENCHMARKS.md: results section rewritten');
}
ctx.say(`finished in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);
if (failures.length) process.exitCode = 1;
