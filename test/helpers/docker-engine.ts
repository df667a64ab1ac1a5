import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { execa } from 'execa';
import { findOnPath } from '../../src/host/host-tools.ts';
import { isDockerEngineAnswering } from '../../src/toolchain/docker-engine.ts';
import { waitFor } from './wait-for.ts';

export const dockerdLogFile = '/tmp/emb-test-dockerd.log';

/**
 * Makes a Docker engine answer for the docker tests: one already running is used as
 * it is; else dockerd is started detached (it outlives the test run, so the next run
 * finds it up). Returns why the tests must be skipped, or undefined when ready.
 */
export async function ensureDockerEngine(waitSeconds = 60): Promise<string | undefined> {
  if (await isDockerEngineAnswering()) return undefined;
  if (!(await findOnPath('docker'))) return 'no docker client (apt-get install docker.io)';
  const dockerd = (await findOnPath('dockerd')) ?? (await findOnPath('dockerd', { PATH: '/usr/sbin:/sbin' }));
  if (!dockerd) return 'no Docker engine answers and dockerd is not installed (apt-get install docker.io)';
  if (process.getuid?.() !== 0) return 'no Docker engine answers, and only root can start dockerd';
  // An opened file, not a pipe: dockerd keeps writing its log after this process has exited.
  const log = createWriteStream(dockerdLogFile, { flags: 'a' });
  await once(log, 'open');
  const daemon = execa(dockerd, [], { detached: true, stdin: 'ignore', stdout: log, stderr: log, reject: false });
  daemon.unref();
  log.close();
  // A dockerd that cannot start (no cgroups, no iptables) exits: that ends the wait early.
  let exited = false;
  void daemon.then(() => {
    exited = true;
  });
  try {
    const state = await waitFor('dockerd to answer', waitSeconds, async () =>
      (await isDockerEngineAnswering(2_000)) ? 'up' : exited ? 'exited' : undefined,
    );
    return state === 'up' ? undefined : `dockerd exited at start; see ${dockerdLogFile}`;
  } catch {
    return `dockerd did not answer within ${waitSeconds} s; see ${dockerdLogFile}`;
  }
}
