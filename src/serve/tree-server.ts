import { createReadStream } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { treeRequestPath } from './request-path.ts';

/** One log line per request: method, path, status, bytes of body sent. */
export type RequestLog = (line: string) => void;

/** The request path as it came, for the log: anything unprintable shown as '?'. */
function printable(url: string): string {
  return url.replace(/[^\x21-\x7e]/g, '?').slice(0, 300);
}

/** The file a tree path names, when it and every symlink on the way stay inside the tree; undefined for 404, 'outside' for 403. */
async function resolveInTree(treeReal: string, path: string): Promise<string | 'outside' | undefined> {
  let real: string;
  try {
    real = await realpath(join(treeReal, path));
  } catch {
    return undefined;
  }
  return real.startsWith(`${treeReal}${sep}`) ? real : 'outside';
}

/** Answers one request; `sent.bytes` counts the body bytes handed to the socket. */
async function handle(tree: string, request: IncomingMessage, response: ServerResponse, sent: { bytes: number }): Promise<void> {
  // Resolved per request: emb pxe switches the tree (a link) to a new generation folder.
  const treeReal = await realpath(tree);
  const method = request.method ?? '';
  if (method !== 'GET' && method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0 }).end();
    return;
  }
  const asked = treeRequestPath(request.url ?? '');
  if (asked.kind === 'refused') {
    response.writeHead(asked.status, { 'Content-Length': 0 }).end();
    return;
  }
  const file = await resolveInTree(treeReal, asked.path);
  if (file === undefined || file === 'outside') {
    response.writeHead(file === 'outside' ? 403 : 404, { 'Content-Length': 0 }).end();
    return;
  }
  // Open, then size the open file: a file emb pxe renames over meanwhile is served whole, old or new.
  const handleOfFile = await open(file, 'r').catch(() => undefined);
  if (handleOfFile === undefined) {
    response.writeHead(404, { 'Content-Length': 0 }).end();
    return;
  }
  try {
    const stats = await handleOfFile.stat();
    if (!stats.isFile()) {
      response.writeHead(404, { 'Content-Length': 0 }).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': stats.size,
      'Last-Modified': stats.mtime.toUTCString(),
    });
    if (method === 'HEAD') {
      response.end();
      return;
    }
    const body = createReadStream('', { fd: handleOfFile, autoClose: false });
    body.on('data', (chunk) => {
      sent.bytes += chunk.length;
    });
    await pipeline(body, response);
  } finally {
    await handleOfFile.close();
  }
}

/**
 * A static HTTP server over the tree (an absolute path): GET and HEAD of its
 * files, nothing outside it. Bodies are streamed with their Content-Length; each
 * request is logged once its response is done or abandoned.
 */
export function createTreeServer(tree: string, log: RequestLog): Server {
  return createServer((request, response) => {
    const sent = { bytes: 0 };
    response.once('close', () => log(`${request.method ?? '?'} ${printable(request.url ?? '')} ${response.statusCode} ${sent.bytes}`));
    handle(tree, request, response, sent).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Length': 0 }).end();
      else response.destroy();
    });
  });
}
