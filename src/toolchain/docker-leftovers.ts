import { hostname } from 'node:os';
import { execa } from 'execa';
import { containerHostLabel, containerPidLabel } from './docker-run-args.ts';
import { isProcessAlive } from '../fs/process-alive.ts';

/** Parses `docker ps --format '{{.ID}} {{.Label "emb.pid"}}'` into id and owner pid. */
export function parseLabelledContainers(text: string): { id: string; pid: number }[] {
  return text.split('\n').flatMap((line) => {
    const [id, pid, ...rest] = line.trim().split(/\s+/);
    return id !== undefined && pid !== undefined && rest.length === 0 && /^\d+$/.test(pid) ? [{ id, pid: Number(pid) }] : [];
  });
}

/**
 * A SIGKILLed emb leaves its `docker run` client dead but the container running. Removes
 * the containers emb started on this host whose emb process is gone: best effort, at
 * most `limit` per call, each docker call time-bounded; a failure here never stops a build.
 * The host label keeps pids of another machine (a remote DOCKER_HOST) out of the check.
 */
export async function removeLeftoverContainers(limit = 20, timeoutMs = 15_000): Promise<string[]> {
  const listed = await execa(
    'docker',
    [
      'ps',
      '--all',
      '--filter',
      `label=${containerPidLabel}`,
      '--filter',
      `label=${containerHostLabel}=${hostname()}`,
      '--format',
      `{{.ID}} {{.Label "${containerPidLabel}"}}`,
    ],
    { reject: false, timeout: timeoutMs, input: '' },
  );
  if (listed.exitCode !== 0) return [];
  const orphans = parseLabelledContainers(listed.stdout)
    .filter((container) => container.pid !== process.pid && !isProcessAlive(container.pid))
    .slice(0, limit);
  if (orphans.length === 0) return [];
  const ids = orphans.map((container) => container.id);
  const removed = await execa('docker', ['rm', '--force', ...ids], { reject: false, timeout: timeoutMs, input: '' });
  return removed.exitCode === 0 ? ids : [];
}
