import { request } from 'node:http';
import { createServer } from 'node:net';

/**
 * When a guest's HTTP service first answers, seen from the host through a QEMU port
 * forward: the figure issue 13 measures ("QEMU start → node_exporter answers on
 * :9100"), which the guest's own ready line cannot tell (stage 2 prints it before
 * runsvdir starts the services).
 */
export interface AnswerProbe {
  /** What answers, for the report: "node_exporter". */
  name: string;
  guestPort: number;
  /** The path asked for; any HTTP status below 500 counts as an answer. */
  path: string;
}

/** A TCP port nobody listens on right now on the host's loopback, for a forward. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address !== 'object') throw new Error('internal: a listening server has no port');
  return address.port;
}

/**
 * One GET with its own time limit: the status, or undefined when nothing answered or
 * `cancel` was called. Plain node:http with a timer and destroy(), no agent: a request
 * to a forward whose guest is not listening yet must end on time and keep no socket.
 */
function statusOf(url: string, timeoutMs: number): { status: Promise<number | undefined>; cancel: () => void } {
  let cancel = (): void => undefined;
  const status = new Promise<number | undefined>((resolve) => {
    const req = request(url, { agent: false }, (response) => {
      response.resume();
      finish(response.statusCode);
    });
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (value: number | undefined): void => {
      clearTimeout(timer);
      req.destroy();
      resolve(value);
    };
    cancel = () => finish(undefined);
    req.on('error', () => finish(undefined));
    req.end();
  });
  return { status, cancel };
}

/**
 * Asks `url` until it answers or `stop()` says to give up; resolves with the seconds
 * from `started` (a performance.now() value) to the first answer, or undefined. A new
 * try starts every `everyMs` while earlier ones may still wait (each for at most 5 s):
 * QEMU's forward takes the host's connection at once and only then reaches for the
 * guest, so a try made before the guest had its address hangs until its own limit, and
 * waiting for it would make the figure late by that much. The first answer ends them all.
 */
export function secondsToFirstAnswer(url: string, started: number, stop: () => boolean, everyMs = 200): Promise<number | undefined> {
  return new Promise((resolve) => {
    const pending = new Set<() => void>();
    let done = false;
    const finish = (seconds: number | undefined): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      for (const cancel of pending) cancel();
      resolve(seconds);
    };
    const attempt = (): void => {
      if (stop()) {
        finish(undefined);
        return;
      }
      const { status, cancel } = statusOf(url, 5000);
      pending.add(cancel);
      void status.then((code) => {
        pending.delete(cancel);
        if (code !== undefined && code < 500) finish((performance.now() - started) / 1000);
      });
    };
    const timer = setInterval(attempt, everyMs);
    attempt();
  });
}
