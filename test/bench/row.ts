/**
 * The typed result every row module of `npm run bench` returns, and the little
 * measuring helpers they share. A row is one figure beside its peer measured in the
 * same run; the renderer turns rows into BENCHMARKS.md's results section.
 */
import type { GoalId } from './goals.ts';

/** The tables of the results section, in the order they are printed. */
export const sections = ['pack', 'images', 'boot', 'ram', 'builds', 'memory', 'other'] as const;
export type SectionId = (typeof sections)[number];

export interface Row {
  section: SectionId;
  /** What is measured, with its unit: "no-op `emb build` (s)". */
  figure: string;
  /** emb's figure, formatted; for a row that could not be measured, why not (`skipped` is set). */
  value: string;
  /** The peer's figure and what the peer is: "0.11 (`node -e 0`)". */
  peer?: string;
  /** emb / peer, formatted. */
  ratio?: string;
  /** The goal this row is checked against, with the number compared (in the goal's unit). */
  goal?: { id: GoalId; measured: number };
  /** Set when the row was not measured in this run: the value says why. */
  skipped?: boolean;
}

/** Free text a row module adds below the tables (a script's own Markdown, a note on a board). */
export interface Note {
  title: string;
  text: string;
}

export interface RowResult {
  rows: Row[];
  notes?: Note[];
}

export function skippedRow(section: SectionId, figure: string, why: string): Row {
  return { section, figure, value: `not measured: ${why}`, skipped: true };
}

export async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Median seconds of `times` rounds of each, interleaved so the machine's drift hits both alike. */
export async function medianPair(a: () => Promise<unknown>, b: () => Promise<unknown>, times: number): Promise<[number, number]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < times; i++) {
    as.push(await seconds(a));
    bs.push(await seconds(b));
  }
  return [median(as), median(bs)];
}

export const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
export const ratio = (a: number, b: number, digits = 2): string => (b > 0 && Number.isFinite(a) ? (a / b).toFixed(digits) : '—');
