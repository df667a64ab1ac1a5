/**
 * What every row module of a bench run gets: the mode, how many rounds, a scratch
 * folder removed at the end, a progress line writer, and the boards this run built.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Manifest, manifestSchema } from '../../src/pack/manifest.ts';
import { runEmb } from '../helpers/run-emb.ts';

export interface BenchContext {
  quick: boolean;
  /** Rounds for timings that take seconds (medians): 1 in --quick, 3 in full. */
  rounds: number;
  /** --boards: the per-board rows (images, boots, RAM) take only these; undefined: every board. */
  boards?: readonly string[];
  /** Boots per QEMU board: 1 in --quick, 5 in full. */
  bootRounds: number;
  /**
   * --quick's time for boots, in seconds: no new board's boot starts after it is spent
   * (the goal boards go first), so the run stays within its few minutes on a busy machine.
   */
  bootBudgetSeconds?: number;
  /** A folder of this run's, removed when it ends. */
  scratch: string;
  /** Progress, on stderr: the results go to stdout. */
  say: (line: string) => void;
  /** Boards this run built at their own level (the images rows): name → the folder holding their dist files. */
  built: Map<string, string>;
  /** Builds rows share (sharedBuild), by board and arguments. */
  sharedBuilds: Map<string, Promise<BuiltBoard>>;
}

export interface BuiltBoard {
  outDir: string;
  manifest: Manifest;
  seconds: number;
  stdout: string;
}

/** Whether the per-board rows take this board (--boards). */
export function wantsBoard(ctx: BenchContext, board: string): boolean {
  return ctx.boards === undefined || ctx.boards.includes(board);
}

/** A build of the board with these arguments made once per run, in the scratch folder, for the rows that only read it. */
export function sharedBuild(ctx: BenchContext, board: string, args: string[] = []): Promise<BuiltBoard> {
  const key = [board, ...args].join(' ');
  let build = ctx.sharedBuilds.get(key);
  if (!build) {
    build = buildBoard(board, join(ctx.scratch, `shared-${ctx.sharedBuilds.size}`), { args });
    ctx.sharedBuilds.set(key, build);
  }
  return build;
}

/** `emb build --board <board> --out <outRoot> …` through the real CLI with the host toolchain; throws with its output on failure. */
export async function buildBoard(
  board: string,
  outRoot: string,
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<BuiltBoard> {
  await mkdir(outRoot, { recursive: true });
  const started = performance.now();
  const result = await runEmb(['build', '--board', board, '--out', outRoot, ...(options.args ?? [])], options.env ?? {}, 120 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  if (result.exitCode !== 0) {
    // emb's one-line error first: the results section shows a failure's first line.
    const why = String(result.stderr).trim().split('\n').filter(Boolean).pop() ?? `exit code ${result.exitCode}`;
    throw new Error(`emb build --board ${board} failed: ${why}\n${String(result.stdout).slice(-3000)}\n${result.stderr}`);
  }
  const outDir = join(outRoot, board);
  const manifest = manifestSchema.parse(JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')));
  return { outDir, manifest, seconds, stdout: String(result.stdout) };
}
