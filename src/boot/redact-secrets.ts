import { fromByteString, splitCommandLine, toByteString } from '../cmdline/kernel-words.ts';
import { secretKeys } from '../cmdline/known-args.ts';

/** What a secret's value becomes in emb's logs and reports. */
export const redactedMark = '<secret>';

/**
 * The values of secret keys (uebo.boinc.password) on a command line, as the kernel
 * splits it: the console shows the command line, and the log must not.
 */
export function secretValuesOnCmdline(cmdline: string): string[] {
  const { kernel, init } = splitCommandLine(toByteString(cmdline));
  return [...kernel, ...init]
    .filter((word) => secretKeys.has(fromByteString(word.key)) && word.value !== null && word.value !== '')
    .map((word) => fromByteString(word.value ?? ''));
}

/** `text` with every occurrence of each secret replaced by the mark, longest first (one may hold another). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((value) => value !== '').sort((a, b) => b.length - a.length))
    out = out.replaceAll(secret, redactedMark);
  return out;
}

/**
 * A stream filter for text that arrives in chunks (a serial console): a secret may be
 * cut between two chunks, so the last (longest secret - 1) characters are held back
 * until the next chunk or the end.
 */
export class SecretRedactor {
  private pending = '';
  private readonly holdBack: number;
  private readonly secrets: readonly string[];
  private readonly write: (text: string) => void;

  constructor(secrets: readonly string[], write: (text: string) => void) {
    this.secrets = secrets.filter((value) => value !== '');
    this.holdBack = Math.max(0, ...this.secrets.map((value) => value.length - 1));
    this.write = write;
  }

  push(chunk: string): void {
    this.pending = redactSecrets(this.pending + chunk, this.secrets);
    const cut = Math.max(0, this.pending.length - this.holdBack);
    if (cut > 0) this.write(this.pending.slice(0, cut));
    this.pending = this.pending.slice(cut);
  }

  end(): void {
    if (this.pending !== '') this.write(redactSecrets(this.pending, this.secrets));
    this.pending = '';
  }
}
