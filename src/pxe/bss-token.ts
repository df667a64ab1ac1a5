import { type FileHandle, open } from 'node:fs/promises';
import { EmbError } from '../errors.ts';

/**
 * The bearer token for BSS, from a file: a token on the command line would be in the
 * shell history and in every process listing. BSS checks it as a JWT when run with a
 * JWKS URL (github.com/OpenCHAMI/bss cmd/boot-script-service/routers.go: jwtauth on
 * /bootparameters); ochami reads the same token from an environment variable.
 *
 * A file that group or others can read is refused, not warned about: the token lets
 * its holder change what every node boots, and a warning scrolls away while the file
 * stays readable (ssh refuses a readable private key for the same reason).
 * The token itself never goes into a message.
 */
export async function readBearerToken(tokenFile: string): Promise<string> {
  const handle = await openTokenFile(tokenFile);
  try {
    // fstat of the open file: the mode checked is that of the file read.
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new EmbError(`token file ${tokenFile} is not a regular file`, 'give the path of a file holding the BSS access token');
    }
    if ((stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
      throw new EmbError(`token file ${tokenFile} can be read by other users (mode ${mode})`, `run: chmod 600 ${tokenFile}`);
    }
    const token = (await handle.readFile('utf8')).trim();
    if (token === '') {
      throw new EmbError(`token file ${tokenFile} is empty`, 'write the BSS access token into it');
    }
    // A JWT has no whitespace; more than one word is a file holding something else
    // (e.g. "export ACCESS_TOKEN=…"), which BSS would answer with a bare 401.
    if (/\s/.test(token)) {
      throw new EmbError(`token file ${tokenFile} holds more than one word`, 'put the access token alone in it');
    }
    return token;
  } finally {
    await handle.close();
  }
}

async function openTokenFile(tokenFile: string): Promise<FileHandle> {
  try {
    return await open(tokenFile, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EmbError(`token file ${tokenFile} does not exist`, 'check the path of the BSS access token file');
    if (code === 'EACCES') throw new EmbError(`token file ${tokenFile} cannot be read by this user`, 'run emb as the file owner');
    throw error;
  }
}
