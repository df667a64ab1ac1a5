import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic.ts';
import { sha256Hex } from '../fs/hash.ts';

/**
 * apt-cache answers in 1.5–2 s a call where apt's binary cache is switched off (as in
 * Debian's container images), which alone would break the "no-op build under 2 s"
 * promise. Its answer depends only on the downloaded index files and apt's
 * configuration, so answers are kept in a memo named by a stamp of those files'
 * names, sizes and mtimes: `apt-get update` or a config change makes a new memo.
 */
const stampedPaths = [
  '/var/lib/apt/lists',
  '/etc/apt/sources.list',
  '/etc/apt/sources.list.d',
  '/etc/apt/preferences',
  '/etc/apt/preferences.d',
  '/var/lib/dpkg/arch',
];

async function statLines(path: string): Promise<string[]> {
  try {
    const info = await stat(path);
    if (!info.isDirectory()) return [`${path} ${info.size} ${info.mtimeMs}`];
    const lines: string[] = [];
    for (const name of (await readdir(path)).sort()) lines.push(...(await statLines(join(path, name))));
    return lines;
  } catch {
    return [`${path} absent`];
  }
}

export async function aptIndexStamp(): Promise<string> {
  const lines: string[] = [];
  for (const path of stampedPaths) lines.push(...(await statLines(path)));
  return sha256Hex(lines.join('\n'));
}

const answersSchema = z.record(z.string(), z.string());

/**
 * A memo's answers, or none when the file is missing or damaged (not JSON, not
 * question → answer strings): a memo only saves apt-cache calls, so a bad one is a
 * cache miss, and the next answers overwrite it.
 */
function answersIn(text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  try {
    const parsed = answersSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export class AptIndexMemo {
  private readonly file: string;
  private readonly answers: Record<string, string>;

  private constructor(file: string, answers: Record<string, string>) {
    this.file = file;
    this.answers = answers;
  }

  static async open(cacheRoot: string): Promise<AptIndexMemo> {
    const file = join(cacheRoot, 'apt-index', `${await aptIndexStamp()}.json`);
    return new AptIndexMemo(file, answersIn(await readFile(file, 'utf8').catch(() => undefined)));
  }

  get(question: string): string | undefined {
    return this.answers[question];
  }

  private flushing?: Promise<void>;

  /** Answers set in the same tick are written to disk once. */
  async set(question: string, answer: string): Promise<void> {
    this.answers[question] = answer;
    this.flushing ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.flushing = undefined;
        writeFileAtomic(this.file, JSON.stringify(this.answers)).then(resolve, reject);
      });
    });
    await this.flushing;
  }
}
