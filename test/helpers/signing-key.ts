import { join } from 'node:path';
import { execa } from 'execa';

/** A throwaway module-signing pair made by openssl in `dir`: key.pem (no passphrase) and a self-signed cert.pem. */
export async function makeSigningKey(dir: string, commonName: string): Promise<{ key: string; cert: string }> {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    `/CN=${commonName}/`,
  ]);
  return { key, cert };
}
