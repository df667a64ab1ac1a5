/**
 * The Linux kernel's own splitting of its command line, byte for byte. The twin for
 * the node is rootfiles/lib/emb/cmdline.sh; a differential test holds them together.
 *
 * Sources (Linux 6.1, as Debian bookworm ships; unchanged since 5.x):
 * - lib/cmdline.c next_arg(): a word ends at isspace() outside quotes; a '"' toggles
 *   quoting anywhere; the first '=' at an index above 0 splits key from value; the
 *   value's leading quote and the word's last quote go, and when the word itself began
 *   with a quote, so do that quote and a last '"'. There are no escapes.
 * - lib/ctype.c: isspace() is space, \t \n \v \f \r and byte 0xA0.
 * - kernel/params.c parse_args(): a bare "--" (no '=') ends the kernel's arguments.
 * - init/main.c: what follows goes to init (set_init_arg(), parsed again and so
 *   stopped by a second "--"), each word rebuilt as key=value (repair_env_string()).
 *
 * Text here is a "byte string": one char per byte (latin1), as the kernel sees it.
 */

export interface KernelWord {
  key: string;
  /** null when the word had no '=' (a bare flag). */
  value: string | null;
}

export interface SplitCommandLine {
  kernel: KernelWord[];
  /** Words after the first bare "--", handed to init as its arguments. */
  init: KernelWord[];
  /** A second bare "--" was found: the kernel drops it and everything after it. */
  secondDashes: boolean;
}

const kernelSpaces = new Set([' ', '\t', '\n', '\v', '\f', '\r', '\xa0']);

export function isKernelSpace(char: string | undefined): boolean {
  return char !== undefined && kernelSpaces.has(char);
}

function skipSpaces(text: string, at: number): number {
  while (isKernelSpace(text[at])) at++;
  return at;
}

/** next_arg(): the word starting at `start` (not a space) and where the next one starts. */
export function nextKernelWord(text: string, start: number): { word: KernelWord; next: number } {
  let at = start;
  let inQuote = false;
  let quoted = false;
  if (text[at] === '"') {
    at++;
    inQuote = true;
    quoted = true;
  }
  const begin = at;
  let equals = 0;
  for (; at < text.length; at++) {
    const char = text[at];
    if (isKernelSpace(char) && !inQuote) break;
    if (equals === 0 && char === '=') equals = at - begin;
    if (char === '"') inQuote = !inQuote;
  }
  const token = text.slice(begin, at);
  const next = skipSpaces(text, at);
  const endsWithQuote = token.endsWith('"');
  if (equals === 0) {
    return { word: { key: quoted && endsWithQuote ? token.slice(0, -1) : token, value: null }, next };
  }
  let value = token.slice(equals + 1);
  let lastQuoteCut = false;
  if (value.startsWith('"')) {
    value = value.slice(1);
    if (endsWithQuote) {
      lastQuoteCut = true;
      if (value !== '') value = value.slice(0, -1);
    }
  }
  if (quoted && !lastQuoteCut && endsWithQuote) value = value.slice(0, -1);
  return { word: { key: token.slice(0, equals), value }, next };
}

/** parse_args() twice over: the kernel's words, then init's, each list ended by a bare "--". */
export function splitCommandLine(text: string): SplitCommandLine {
  const result: SplitCommandLine = { kernel: [], init: [], secondDashes: false };
  let list = result.kernel;
  let at = skipSpaces(text, 0);
  while (at < text.length) {
    const { word, next } = nextKernelWord(text, at);
    at = next;
    if (word.value === null && word.key === '--') {
      if (list === result.init) {
        result.secondDashes = true;
        break;
      }
      list = result.init;
      continue;
    }
    list.push(word);
  }
  return result;
}

/** A word as init receives it: key, or key=value with the quotes already removed. */
export function wordText(word: KernelWord): string {
  return word.value === null ? word.key : `${word.key}=${word.value}`;
}

/** UTF-8 text as the kernel's bytes, one char per byte. */
export function toByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A byte string back to text; bytes the kernel split mid-character decode as U+FFFD. */
export function fromByteString(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}
