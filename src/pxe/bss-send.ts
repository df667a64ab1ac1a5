import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EmbError } from '../errors.ts';
import type { BootParameters } from './bss.ts';
import { readBearerToken } from './bss-token.ts';

/**
 * Sends the entries to BSS, one PUT /boot/v1/bootparameters each (BSS decodes one
 * BootParams per request). PUT, not POST: in github.com/OpenCHAMI/bss
 * cmd/boot-script-service/default_api.go, BootparametersPut stores through Store (the
 * Postgres back end's Set adds new nodes and updates existing ones) and answers 200,
 * while BootparametersPost answers 201 only for new entries: 400 "Already exists" from
 * the etcd back end, and a silent no-change from Postgres's Add for a MAC it knows. So
 * PUT makes a second `emb pxe --bss-url` update what the first one wrote; ochami's
 * `bss boot params set` sends a PUT too.
 *
 * `endpoint` is BSS's base URL as ochami takes it (…/boot/v1) or the full
 * …/boot/v1/bootparameters URL. Entries go one after the other, so an error says which
 * MAC failed and how many were stored before it.
 */
export async function sendBootParameters(
  params: BootParameters[],
  endpoint: string,
  tokenFile: string,
  options: { timeoutMs?: number } = {},
): Promise<{ sent: number }> {
  const url = bootParametersUrl(endpoint);
  const token = await readBearerToken(tokenFile);
  const timeoutMs = options.timeoutMs ?? 30_000;
  let sent = 0;
  for (const entry of params) {
    const answer = await putJson(url, JSON.stringify(entry), token, timeoutMs);
    if (answer.status < 200 || answer.status > 299) {
      const detail = firstLine(answer.body).replaceAll(token, '<token>');
      throw new EmbError(
        `BSS ${url.href} answered ${answer.status} to ${entry.macs.join(',')} (${sent} of ${params.length} entries stored)${detail ? `: ${detail}` : ''}`,
        answer.status === 401 || answer.status === 403 ? `check the token in ${tokenFile} (expired?)` : 'see the BSS log',
      );
    }
    sent += 1;
  }
  return { sent };
}

/** The bootparameters URL under `endpoint`; http(s) only, as that is what BSS serves. */
export function bootParametersUrl(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new EmbError(`--bss-url ${endpoint} is not a URL`, 'give the BSS base URL, e.g. https://demo.openchami.cluster:8443/boot/v1');
  }
  // Credentials in the URL would be on the command line, where the token must not be.
  if (url.username !== '' || url.password !== '') {
    throw new EmbError(`--bss-url ${url.host} has a user or password in it`, 'remove it: emb authenticates with the token file only');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new EmbError(
      `--bss-url ${endpoint} is not an http(s) URL without query`,
      'give the BSS base URL, e.g. https://demo.openchami.cluster:8443/boot/v1',
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/bootparameters') ? path : `${path}/bootparameters`;
  return url;
}

interface Answer {
  status: number;
  body: string;
}

// Enough of an error body for its first line; BSS answers with one-line problem details.
const bodyLimit = 64 * 1024;

/**
 * One PUT with its own timer over the whole exchange and no agent, so nothing keeps
 * the process alive afterwards. A refused connection, a TLS failure or a timeout is an
 * EmbError naming the URL; the token is only ever in the request header.
 */
function putJson(url: URL, body: string, token: string, timeoutMs: number): Promise<Answer> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'PUT',
        agent: false,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (response) => collect(response).then(settle(resolve), (error: NodeJS.ErrnoException) => settle(reject)(unreachable(url, error))),
    );
    const timer = setTimeout(() => {
      settle(reject)(new EmbError(`BSS ${url.href} did not answer within ${timeoutMs / 1000} s`, 'check the URL and that BSS is running'));
    }, timeoutMs);
    const settle =
      <T>(done: (value: T) => void) =>
      (value: T): void => {
        clearTimeout(timer);
        req.destroy();
        done(value);
      };
    req.on('error', (error: NodeJS.ErrnoException) => settle(reject)(unreachable(url, error)));
    req.end(body);
  });
}

function collect(response: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (body.length < bodyLimit) body += chunk;
    });
    response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    response.on('error', reject);
  });
}

function unreachable(url: URL, error: NodeJS.ErrnoException): EmbError {
  const reason = error.code ?? error.message;
  // Node checks certificates against its own CA list; OpenCHAMI clusters often use their own CA.
  const tls = /CERT|SSL|TLS|SIGNATURE/.test(reason);
  return new EmbError(
    `could not reach BSS at ${url.href}: ${reason}`,
    tls ? "set NODE_EXTRA_CA_CERTS to the cluster's CA certificate" : 'check the URL and that BSS is running',
  );
}

function firstLine(text: string): string {
  const line = text.split('\n').find((candidate) => candidate.trim() !== '') ?? '';
  return line.trim().slice(0, 200);
}
