import { request } from 'node:http';

/**
 * GET `url` over plain HTTP: the status and body, or undefined when nothing answers
 * within `timeoutMs` (the whole exchange, body included). node:http with an explicit
 * timer and destroy(), because a fetch() to a QEMU port forward whose guest lost its
 * link was seen to outlive its AbortSignal; no agent, so no socket is kept for reuse.
 */
export function httpGet(url: string, timeoutMs: number): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => finish({ status: response.statusCode ?? 0, body }));
      response.on('error', () => finish(undefined));
    });
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (value: { status: number; body: string } | undefined): void => {
      clearTimeout(timer);
      req.destroy();
      resolve(value);
    };
    req.on('error', () => finish(undefined));
    req.end();
  });
}
