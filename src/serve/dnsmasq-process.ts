import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { findOnPath } from '../host/host-tools.ts';

/** How dnsmasq ended: its exit code or the signal that ended it, and its last log line. */
export interface DnsmasqExit {
  exitCode?: number;
  signal?: string;
  lastLine: string;
}

export interface DnsmasqProcess {
  pid: number;
  /** Settles when dnsmasq has exited, for whatever reason. */
  exited: Promise<DnsmasqExit>;
  /** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<DnsmasqExit>;
}

/** The arguments emb runs dnsmasq with: in the foreground (as a service, dropping root), logging to stderr. */
export function dnsmasqArgs(configFile: string): string[] {
  return ['--keep-in-foreground', `--conf-file=${configFile}`, '--log-facility=-'];
}

const startSeconds = 10;

function timeout<T>(ms: number, value: T): { promise: Promise<T>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(value), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Starts dnsmasq as a child and waits (bounded) until it says it has started: a config
 * or socket error (a port taken, no root) ends it before that, and is thrown with its
 * last line. Each log line is handed to `log` as it comes.
 */
export async function startDnsmasq(configFile: string, log: (line: string) => void): Promise<DnsmasqProcess> {
  if ((await findOnPath('dnsmasq')) === undefined) {
    throw new EmbError(
      'missing host tool: dnsmasq (Debian package dnsmasq-base)',
      'install with: apt-get install dnsmasq-base (or run npm run setup)',
    );
  }
  const child = execa('dnsmasq', dnsmasqArgs(configFile), {
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
  });
  let lastLine = '';
  let started: () => void = () => {};
  const startedSeen = new Promise<'started'>((resolve) => {
    started = () => resolve('started');
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (line.trim() === '') return;
      lastLine = line.trim();
      log(line);
      if (/\]: started, version /.test(line)) started();
    });
  }
  const exited: Promise<DnsmasqExit> = child.then((result) => ({
    exitCode: result.exitCode,
    signal: result.signal,
    lastLine: lastLine || result.originalMessage || '',
  }));
  const limit = timeout(startSeconds * 1000, 'timeout' as const);
  const first = await Promise.race([startedSeen, exited, limit.promise]);
  limit.cancel();
  if (first === 'timeout') {
    child.kill('SIGKILL');
    await exited;
    throw new EmbError(
      `dnsmasq did not say it had started within ${startSeconds} s; last line: ${lastLine || '(none)'}`,
      'run it by hand to see why',
    );
  }
  if (first !== 'started') throw dnsmasqFailed(first);
  const pid = child.pid;
  if (pid === undefined) throw new Error('internal: dnsmasq started without a pid');
  return {
    pid,
    exited,
    async stop(graceMs = 5000) {
      child.kill('SIGTERM');
      const grace = timeout(graceMs, undefined);
      const done = await Promise.race([exited, grace.promise]);
      grace.cancel();
      if (done !== undefined) return done;
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** The error for a dnsmasq that ended by itself. */
export function dnsmasqFailed(exit: DnsmasqExit): EmbError {
  const how = exit.exitCode !== undefined ? `exited with ${exit.exitCode}` : `was ended by ${exit.signal ?? 'an unknown cause'}`;
  return new EmbError(
    `dnsmasq ${how}: ${exit.lastLine || '(no output)'}`,
    'it needs root for the DHCP and TFTP ports (67, 69); --no-dnsmasq serves HTTP alone',
  );
}
