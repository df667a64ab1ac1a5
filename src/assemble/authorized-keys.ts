import { readFile } from 'node:fs/promises';
import { EmbError } from '../errors.ts';

/** Key types dropbear 2022.83 accepts in authorized_keys. */
const keyLine =
  /^(?:(?:[a-z-]+(?:="[^"]*")?,?)+\s+)?(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)\s+[A-Za-z0-9+/]+={0,3}(\s.*)?$/;

/**
 * An authorized_keys file for the image: every line a public key (options allowed),
 * comments and blank lines dropped. A private key or a typo is refused with the
 * line's number, before anything is built.
 */
export async function readAuthorizedKeys(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new EmbError(`--authorized-keys: cannot read ${file}`, 'give a file of SSH public keys, e.g. ~/.ssh/id_ed25519.pub');
  });
  const keys: string[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!keyLine.test(line)) {
      const hint = line.includes('PRIVATE KEY')
        ? 'this is a private key: give the .pub file'
        : 'each line must be a public key such as "ssh-ed25519 AAAA… comment"';
      throw new EmbError(`--authorized-keys: ${file}:${index + 1}: not an SSH public key`, hint);
    }
    keys.push(line);
  }
  if (keys.length === 0)
    throw new EmbError(`--authorized-keys: ${file} holds no public key`, 'give a file of SSH public keys, e.g. ~/.ssh/id_ed25519.pub');
  return `${keys.join('\n')}\n`;
}
