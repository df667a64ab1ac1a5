import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { execa, type Options } from 'execa';
import { EmbError } from '../errors.ts';

export interface LoggedCommand {
  /** What the error calls it, e.g. "docker build". */
  what: string;
  logFile: string;
  /** Each line of stdout and stderr as it comes, for live progress. */
  onLine?: (line: string) => void;
  /** What to do when it fails, after the fix in the log. */
  hint: string;
  options?: Pick<Options, 'cwd' | 'env' | 'timeout'>;
}

const tailLength = 3;

/**
 * Runs a long host program (debootstrap, docker build) with its output appended to a
 * log and handed on line by line. A failure is an EmbError naming the log and carrying
 * the last lines, where the cause (an apt error, a missing file) usually is.
 */
export async function runLogged(file: string, args: readonly string[], run: LoggedCommand): Promise<void> {
  await mkdir(dirname(run.logFile), { recursive: true });
  const log = createWriteStream(run.logFile, { flags: 'a' });
  log.write(`$ ${[file, ...args].join(' ')}\n`);
  const subprocess = execa(file, [...args], { ...run.options, all: true, buffer: false, reject: false, input: '' });
  const tail: string[] = [];
  for await (const line of subprocess.iterable({ from: 'all' })) {
    log.write(`${line}\n`);
    run.onLine?.(line);
    if (line.trim() !== '') tail.push(line.trim());
    if (tail.length > tailLength) tail.shift();
  }
  const result = await subprocess;
  log.end();
  await once(log, 'close');
  if (result.exitCode === 0) return;
  const why =
    result.exitCode === undefined
      ? result.signal
        ? `was killed by ${result.signal}`
        : `could not start: ${result.originalMessage}`
      : `exited with ${result.exitCode}`;
  throw new EmbError(`${run.what} ${why}; last lines: ${tail.join(' | ') || '(none)'}`, `whole log: ${run.logFile}; ${run.hint}`);
}
