import { readFile } from 'node:fs/promises';
import { EmbError } from '../errors.ts';

/**
 * crypt(3) hash prefixes libxcrypt 4.4 checks and that are worth allowing: yescrypt
 * (Debian's default), SHA-512, SHA-256 and bcrypt. A plain password, an MD5 or DES
 * hash, or a typo is refused: the file must hold what `mkpasswd` or
 * `openssl passwd -6` prints, never the password itself.
 */
const hashLine =
  /^\$(?:y\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+|6\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{86}|5\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43}|2[abyx]\$\d\d\$[./A-Za-z0-9]{53})$/;

const hint = 'give a file holding one crypt(3) hash, e.g. from `mkpasswd -m yescrypt` or `openssl passwd -6`';

/** The hash in `file` (one line, comments allowed), checked before anything is built. */
export async function readRootPasswordHash(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new EmbError(`--root-password-hash: cannot read ${file}`, hint);
  });
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const [hash] = lines;
  if (hash === undefined || lines.length !== 1)
    throw new EmbError(`--root-password-hash: ${file} holds ${lines.length} lines, not one hash`, hint);
  if (!hashLine.test(hash))
    throw new EmbError(`--root-password-hash: ${file} does not hold a yescrypt, SHA-512, SHA-256 or bcrypt hash`, hint);
  return hash;
}

/**
 * /etc/shadow: root locked ("*": no password can match) unless the build gave a hash.
 * The other accounts (boinc, nobody) never log in.
 */
export function shadowFile(rootHash?: string): string {
  return [`root:${rootHash ?? '*'}:19000:0:99999:7:::`, 'boinc:*:19000:0:99999:7:::', 'nobody:*:19000:0:99999:7:::', ''].join('\n');
}
