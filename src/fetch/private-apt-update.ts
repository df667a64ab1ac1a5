import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import type { PrivateApt } from './private-apt.ts';

export interface UpdateOptions {
  aptGet: string;
  tries: number;
  pauseMs: number;
  timeoutMs: number;
  warn: (line: string) => void;
  /** Whether some lists are there to go on with when every try failed. */
  hasLists: () => Promise<boolean>;
}

function tries(count: number): string {
  return count === 1 ? '1 try' : `${count} tries`;
}

/** What one `apt-get update` said: nothing when it fetched every index. */
interface TryOutcome {
  ok: boolean;
  /** Indexes apt could not fetch ("E: Failed to fetch <url> …"). */
  failed: string[];
  /** Its first error line, or how it ended. */
  reason: string;
}

/** An apt-get update's outcome from its exit and output: any "E: " line is a failure, as in scripts/setup.sh. */
export function updateOutcome(
  result: { exitCode?: number; timedOut?: boolean; stdout: string; stderr: string },
  timeoutMs: number,
): TryOutcome {
  const lines = `${result.stdout}\n${result.stderr}`.split('\n');
  const errors = lines.filter((line) => line.startsWith('E: '));
  const failed = [...new Set(errors.map((line) => /^E: Failed to fetch (\S+)/.exec(line)?.[1]).filter((url) => url !== undefined))];
  if (result.timedOut) return { ok: false, failed, reason: `no answer within ${timeoutMs / 1000} s` };
  if (result.exitCode === 0 && errors.length === 0) return { ok: true, failed: [], reason: '' };
  const reason =
    errors[0]?.slice(3).replace(/\s+/g, ' ').trim() ?? lines.filter((line) => line.trim() !== '').pop() ?? `exit ${result.exitCode}`;
  return { ok: false, failed, reason };
}

/**
 * apt-get update with the private configuration, `tries` times at most, `pauseMs`
 * apart, each bounded by `timeoutMs`. A mirror mid-sync fails one index ("File has
 * unexpected size … Mirror sync in progress?") while the others update: after the
 * last try emb goes on with the lists it has, with one warning naming the indexes.
 * True when every index was fetched; an error when there are no lists at all.
 */
export async function updatePrivateLists(apt: PrivateApt, options: UpdateOptions): Promise<boolean> {
  let outcome: TryOutcome = { ok: false, failed: [], reason: 'not run' };
  for (let attempt = 1; attempt <= options.tries; attempt++) {
    const result = await execa(options.aptGet, ['update', '-q'], {
      reject: false,
      env: apt.env,
      timeout: options.timeoutMs,
      forceKillAfterDelay: 5_000,
    });
    if ((result as { code?: string }).code === 'ENOENT') {
      throw new EmbError(`${options.aptGet} is not installed: emb's private apt needs it to fetch raspi-firmware`, 'apt-get install apt');
    }
    outcome = updateOutcome(
      { exitCode: result.exitCode, timedOut: result.timedOut, stdout: String(result.stdout), stderr: String(result.stderr) },
      options.timeoutMs,
    );
    if (outcome.ok) return true;
    if (attempt < options.tries) await sleep(options.pauseMs);
  }
  const where = `${apt.dir}/lists`;
  if (!(await options.hasLists())) {
    throw new EmbError(
      `apt-get update of emb's private apt (${apt.configFile}) failed after ${tries(options.tries)}: ${outcome.reason}`,
      'check that this host reaches the Debian mirror of its own apt sources (apt-get update), then run emb again',
    );
  }
  const what = outcome.failed.length > 0 ? `could not fetch ${outcome.failed.join(' ')}` : `failed (${outcome.reason})`;
  options.warn(
    `emb: warning: apt-get update of emb's private apt ${what} after ${tries(options.tries)} (mirror mid-sync?); going on with the lists in ${where}`,
  );
  return false;
}
