import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { EmbError } from '../errors.ts';
import type { Step } from '../schema/recipe.ts';
import type { Toolchain } from '../toolchain/toolchain.ts';
import { expandVariables } from './step-env.ts';
import { faultPoint } from '../fs/fault-point.ts';

export interface StepRun {
  recipeName: string;
  recipeDir: string;
  sourceDir: string;
  env: Record<string, string>;
  logFile: string;
  toolchain: Toolchain;
  /** The package's scratch folder: all a step may touch. */
  workDir: string;
}

/** A path a recipe names must stay inside the folder it is relative to. */
function insideOf(base: string, relativePath: string, what: string): string {
  const full = resolve(base, relativePath);
  if (full !== base && !full.startsWith(`${base}/`))
    throw new EmbError(`${what} "${relativePath}" leaves its folder`, 'use a path inside the source tree');
  return full;
}

/** How a step reads in a log or a dry run. */
export function describeStep(step: Step): string {
  if ('run' in step) return step.run.join(' ');
  if ('copy' in step) return `copy ${step.copy} -> ${step.to}`;
  return `write ${step.write}`;
}

async function lastLines(file: string, count: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .slice(-count - 1)
    .join('\n');
}

export async function runStep(step: Step, run: StepRun): Promise<void> {
  if ('copy' in step) {
    const target = insideOf(run.sourceDir, step.to, 'copy target');
    await mkdir(dirname(target), { recursive: true });
    await copyFile(insideOf(run.recipeDir, step.copy, 'copy source'), target);
    return;
  }
  if ('write' in step) {
    const target = insideOf(run.sourceDir, step.write, 'write target');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, expandVariables(step.content, run.env));
    return;
  }
  const [command, ...args] = step.run.map((part) => expandVariables(part, run.env));
  if (command === undefined) throw new Error(`internal: ${run.recipeName}: a run step with no command passed the recipe schema`);
  const cwd = step.cwd ? insideOf(run.sourceDir, step.cwd, 'cwd') : run.sourceDir;
  await writeFile(run.logFile, `$ ${[command, ...args].join(' ')}\n`, { flag: 'a' });
  const running = run.toolchain.run({ command, args, cwd, env: run.env, logFile: run.logFile, mounts: [run.workDir] });
  // A test kills emb (and its make) here, with the compilers running.
  if (command === 'make') await faultPoint('package-compile');
  const outcome = await running;
  if (outcome.exitCode !== 0) await failStep(run, describeStep(step), outcome);
}

/** The error a failed command becomes: exit code, the log's path and its last 50 lines. */
export async function failStep(
  run: Pick<StepRun, 'recipeName' | 'logFile'>,
  what: string,
  outcome: { exitCode?: number; message?: string },
): Promise<never> {
  const tail = await lastLines(run.logFile, 50);
  const why = outcome.exitCode === undefined || outcome.message ? (outcome.message ?? 'could not start') : `exit code ${outcome.exitCode}`;
  throw new EmbError(
    `${run.recipeName}: step "${what}" failed with ${why}; log: ${run.logFile}\n--- last 50 lines ---\n${tail}`,
    'fix the recipe step, or read the whole log',
  );
}

/** Run steps in order; the log starts empty unless `appendLog`. */
export async function runSteps(steps: readonly Step[], run: StepRun, options: { appendLog?: boolean } = {}): Promise<void> {
  await mkdir(dirname(run.logFile), { recursive: true });
  if (!options.appendLog) await writeFile(run.logFile, '');
  for (const step of steps) await runStep(step, run);
}

export function logFileFor(cacheRoot: string, recipeName: string, arch: string): string {
  return join(cacheRoot, 'logs', `${recipeName}-${arch}.log`);
}
