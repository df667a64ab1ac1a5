import { readFile, stat } from 'node:fs/promises';
import { EmbError } from '../errors.ts';
import { isSecretName, type SecretName, secretNames, secretValueProblem } from './secret-names.ts';

/** Secrets by name, their values as given (one line each). */
export type Secrets = ReadonlyMap<SecretName, string>;

/**
 * A secret's value from its file: the file's one line (a final newline is dropped, as
 * `echo pw > file` leaves one). Messages name the file, never the value. `where` says
 * who named the file (`--secret boinc-password`, or an inventory node's field).
 */
export async function readSecretFile(name: SecretName, file: string, where: string): Promise<string> {
  const text = await readFile(file, 'latin1').catch((error: NodeJS.ErrnoException) => {
    throw new EmbError(`${where}: cannot read ${file} (${error.code ?? error.message})`, 'give a file holding the secret on one line');
  });
  const value = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (value.includes('\n')) throw new EmbError(`${where}: ${file} holds more than one line`, 'put the secret alone on one line');
  const problem = secretValueProblem(name, value);
  if (problem) throw new EmbError(`${where}: the secret in ${file} ${problem}`, 'put the secret alone on one line');
  return value;
}

/** Whether others than the owner can read `file`: worth a warning, as the secret is then not one on this machine. */
export async function isReadableByOthers(file: string): Promise<boolean> {
  const { mode } = await stat(file);
  return (mode & 0o044) !== 0;
}

/**
 * `--secret NAME=FILE` options, each read and checked before anything is built: an
 * unknown name, a missing file or a value the service cannot take is one line. A name
 * given twice is refused (which file was meant?). `warn` hears of files others can read.
 */
export async function readSecretOptions(specs: readonly string[], warn: (line: string) => void): Promise<Secrets> {
  const secrets = new Map<SecretName, string>();
  for (const spec of specs) {
    const equals = spec.indexOf('=');
    const name = equals > 0 ? spec.slice(0, equals) : '';
    const file = spec.slice(equals + 1);
    if (equals <= 0 || file === '')
      throw new EmbError(
        `--secret ${spec}: expected NAME=FILE`,
        `e.g. --secret boinc-password=./boinc-password.txt; names: ${secretNames.join(', ')}`,
      );
    if (!isSecretName(name)) throw new EmbError(`--secret ${spec}: unknown secret "${name}"`, `known secrets: ${secretNames.join(', ')}`);
    if (secrets.has(name)) throw new EmbError(`--secret ${name} is given twice`, 'give each secret once');
    secrets.set(name, await readSecretFile(name, file, `--secret ${name}`));
    if (await isReadableByOthers(file)) warn(`--secret ${name}: ${file} is readable by other users of this machine (chmod 600 ${file})`);
  }
  return secrets;
}
