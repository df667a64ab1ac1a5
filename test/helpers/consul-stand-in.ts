import { createServer } from 'node:http';
import { freePort } from './free-port.ts';

export interface ConsulCall {
  method: string;
  url: string;
  body: Record<string, unknown>;
}

export interface ConsulStandIn {
  port: number;
  calls: ConsulCall[];
  registers(): ConsulCall[];
  deregisters(): ConsulCall[];
  close(): Promise<void>;
}

/**
 * A stand-in for Consul's catalog API on the host's loopback: Consul itself is not
 * installable on the project's machines. It answers 200 "true" like Consul and
 * records each call, so a test can check what a node sent. `listenPort` starts it on a
 * port it had before (a Consul that went down and came back, its catalog empty).
 */
export async function startConsulStandIn(listenPort?: number): Promise<ConsulStandIn> {
  const calls: ConsulCall[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { unparsable: text };
      }
      calls.push({ method: request.method ?? '', url: request.url ?? '', body });
      response.setHeader('Content-Type', 'application/json');
      response.end('true');
    });
  });
  const port = listenPort ?? (await freePort());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    calls,
    registers: () => calls.filter((call) => call.url === '/v1/catalog/register'),
    deregisters: () => calls.filter((call) => call.url === '/v1/catalog/deregister'),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The calls by service: a register's Service.Service, a deregister's ServiceID (the last call wins). */
export function callsByService(calls: readonly ConsulCall[]): Record<string, ConsulCall> {
  return Object.fromEntries(
    calls.map((call) => [String((call.body.Service as { Service?: string } | undefined)?.Service ?? call.body.ServiceID), call]),
  );
}
