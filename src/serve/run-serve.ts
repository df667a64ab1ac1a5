import { realpath, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { EmbError } from '../errors.ts';
import { type DnsmasqExit, dnsmasqFailed, startDnsmasq } from './dnsmasq-process.ts';
import { createTreeServer } from './tree-server.ts';

export interface ServeOptions {
  tree: string;
  httpBind: string;
  httpPort: number;
  /** Run dnsmasq with this config beside the HTTP server. */
  dnsmasq?: { configFile: string };
  /** Request and dnsmasq log lines (stdout by default). */
  log?: (line: string) => void;
  /** Both servers are up: the HTTP address bound, and dnsmasq's pid when it runs. */
  onReady?: (ready: { httpPort: number; dnsmasqPid?: number }) => void;
}

const stopSeconds = 5;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
          ? new EmbError(`cannot serve HTTP on ${host}:${port}: ${error.code}`, 'choose another --http-port or --bind')
          : error,
      );
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Close the server, its idle and open connections included, within the bound. */
async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, stopSeconds * 1000);
  });
  await Promise.race([closed, late]);
  clearTimeout(timer);
}

/**
 * emb serve: the tree over HTTP and, when given a config, dnsmasq (proxy DHCP, TFTP)
 * beside it, until SIGINT or SIGTERM: then dnsmasq gets SIGTERM and is waited for,
 * the HTTP server is closed, and this returns. A dnsmasq that exits by itself stops
 * the HTTP server too and is thrown with its last log line. Every wait is bounded.
 */
export async function runServe(options: ServeOptions): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const treeReal = await realpath(options.tree).catch(() => undefined);
  if (treeReal === undefined || !(await stat(treeReal)).isDirectory()) {
    throw new EmbError(`no tree at ${options.tree}`, 'write one with: emb pxe --inventory nodes.yaml --out <dir>');
  }
  const server = createTreeServer(resolve(options.tree), log);
  const httpPort = await listen(server, options.httpPort, options.httpBind);
  let dnsmasq: Awaited<ReturnType<typeof startDnsmasq>> | undefined;
  try {
    if (options.dnsmasq) dnsmasq = await startDnsmasq(options.dnsmasq.configFile, log);
  } catch (error) {
    await closeServer(server);
    throw error;
  }

  let onSignal: () => void = () => {};
  const signalled = new Promise<'signal'>((resolve) => {
    onSignal = () => resolve('signal');
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    options.onReady?.({ httpPort, dnsmasqPid: dnsmasq?.pid });
    const never = new Promise<never>(() => {});
    const first: 'signal' | DnsmasqExit = await Promise.race([signalled, dnsmasq?.exited ?? never]);
    if (first !== 'signal') {
      await closeServer(server);
      throw dnsmasqFailed(first);
    }
    log('emb serve: stopping');
    if (dnsmasq) await dnsmasq.stop(stopSeconds * 1000);
    await closeServer(server);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
