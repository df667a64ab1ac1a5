import { bootargsVariable, knownKeys } from './known-args.ts';
import type { ParsedCmdline } from './parse-cmdline.ts';

/**
 * Text forms the node's shell parser writes too (rootfiles/lib/emb/cmdline.sh), byte
 * for byte: the /run/emb/bootargs lines, and a canonical dump of the whole judgement
 * that the differential test compares.
 */

/** `text` single-quoted for sh: a ' becomes '\'' so that sourcing it never runs anything. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** name='value' per accepted known key, in schema order (emb_cmdline_bootargs). */
export function bootargsLines(parsed: ParsedCmdline): string {
  return knownKeys
    .flatMap((key) => {
      const value = parsed.accepted[key];
      return value === undefined ? [] : [`${bootargsVariable(key)}=${shellQuote(value)}\n`];
    })
    .join('');
}

/** emb_cmdline_dump: bootargs lines, then `warn CODE 'key'`, `pass 'word'`, `init 'word'` lines. */
export function canonicalDump(parsed: ParsedCmdline): string {
  return [
    bootargsLines(parsed),
    ...parsed.warnings.map((warning) => `warn ${warning.code} ${shellQuote(warning.key)}\n`),
    ...parsed.passthrough.map((word) => `pass ${shellQuote(word)}\n`),
    ...parsed.initArgs.map((word) => `init ${shellQuote(word)}\n`),
  ].join('');
}
