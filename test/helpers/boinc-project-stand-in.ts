import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { execa } from 'execa';
import { freePort } from './free-port.ts';

/** A throwaway certificate authority and one server certificate it signed, as PEM files. */
export interface TestPki {
  caCert: string;
  serverKey: string;
  serverCert: string;
}

/**
 * Make a CA and a server certificate for `ip` (subjectAltName IP:…, what a client
 * checks for a URL with an address in it) with the host's openssl, in `dir`.
 * Each call makes a new CA: a second one is a CA the node does not trust.
 */
export async function makeTestPki(dir: string, ip: string, label: string): Promise<TestPki> {
  const file = (name: string): string => join(dir, `${label}-${name}`);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await execa('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-days',
    '2',
    '-subj',
    `/CN=emb test CA ${label}`,
  ]);
  await execa('openssl', ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${ip}`]);
  await writeFile(file('server.ext'), `subjectAltName=IP:${ip}\nextendedKeyUsage=serverAuth\n`);
  await execa('openssl', [
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.crt'),
  ]);
  return { caCert: file('ca.crt'), serverKey: file('server.key'), serverCert: file('server.crt') };
}

export interface ProjectRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The TLS version the request came over (e.g. TLSv1.3). */
  tls: string;
}

export interface BoincProjectStandIn {
  port: number;
  /** The project's master URL as a node reaches the host (QEMU user networking: 10.0.2.2). */
  masterUrl: string;
  requests: ProjectRequest[];
  /** TLS handshakes the server saw fail (a client that did not trust the certificate). */
  handshakeErrors: string[];
  close(): Promise<void>;
}

export const standInProject = { name: 'emb https test project', schedulerPath: '/emb_cgi/cgi' };

/**
 * Stands in for a BOINC project server over HTTPS on the host's loopback, because no
 * real one can be reached from the project's machines. It answers the three requests
 * a client makes when it is asked to look at a project and to attach to it, as a real
 * project's web server would: get_project_config.php (the project's configuration),
 * the master page (which names the scheduler) and the scheduler (a reply with no
 * work). Every request is recorded with the TLS version it came over.
 */
export async function startBoincProjectStandIn(pki: TestPki, guestHost: string): Promise<BoincProjectStandIn> {
  const requests: ProjectRequest[] = [];
  const handshakeErrors: string[] = [];
  const port = await freePort();
  const base = `https://${guestHost}:${port}`;
  const masterUrl = `${base}/emb/`;
  const schedulerUrl = `${base}${standInProject.schedulerPath}`;
  const answers: Record<string, string> = {
    '/emb/get_project_config.php': `<project_config>\n<name>${standInProject.name}</name>\n<master_url>${masterUrl}</master_url>\n<web_rpc_url_base>${masterUrl}</web_rpc_url_base>\n<min_passwd_length>6</min_passwd_length>\n</project_config>\n`,
    '/emb/': `<html><head><title>${standInProject.name}</title>\n<link rel="boinc_scheduler" href="${schedulerUrl}">\n</head><body>\n<!-- <scheduler>${schedulerUrl}</scheduler> -->\n</body></html>\n`,
    // No work, and no need to ask again for an hour.
    [standInProject.schedulerPath]: `<scheduler_reply>\n<scheduler_version>720</scheduler_version>\n<project_name>${standInProject.name}</project_name>\n<master_url>${masterUrl}</master_url>\n<request_delay>3600</request_delay>\n</scheduler_reply>\n`,
  };
  const server = createServer({ key: await readFile(pki.serverKey), cert: await readFile(pki.serverCert) }, (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      requests.push({
        method: request.method ?? '',
        path,
        headers: request.headers,
        body,
        tls: (request.socket as TLSSocket).getProtocol() ?? 'none',
      });
      const answer = answers[path];
      response.statusCode = answer === undefined ? 404 : 200;
      response.setHeader('Content-Type', path.endsWith('/') ? 'text/html' : 'text/xml');
      response.end(answer ?? 'not here\n');
    });
  });
  server.on('tlsClientError', (error) => handshakeErrors.push(error.message));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    masterUrl,
    requests,
    handshakeErrors,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
