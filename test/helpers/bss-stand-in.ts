import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received, its JSON body parsed. */
export interface BssRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * A stand-in for OpenCHAMI BSS on loopback (no BSS runs here): records each request and
 * answers `status` with `body`. `url` is its …/boot/v1 base, as `--bss-url` takes it.
 */
export async function startBssStandIn(status = 200, body = '') {
  const received: BssRequest[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: JSON.parse(text) });
      response.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/boot/v1`, received, close: () => new Promise((resolve) => server.close(resolve)) };
}
