import { fromByteString, splitCommandLine, toByteString, wordText, type KernelWord } from './kernel-words.ts';
import {
  isEmbNamespace,
  isKnownKey,
  knownArgSchemas,
  knownArgsSchema,
  knownKeys,
  secretKeys,
  type KnownArgs,
  type KnownKey,
} from './known-args.ts';
import { suggestedKey } from './suggest-key.ts';

/**
 * A kernel command line judged the way the node judges it (rootfiles/lib/emb/cmdline.sh):
 * the last of duplicate keys counts, an invalid value is dropped with a warning (the
 * node must still boot), unknown uebo.* and bee.* keys warn, other words pass through.
 */

export type WarningCode = 'unknown' | 'ignored' | 'duplicate' | 'secret' | 'invalid';

export interface CmdlineWarning {
  code: WarningCode;
  key: string;
  message: string;
}

export interface ParsedCmdline {
  /** Valid values of known keys, typed by the schema. */
  known: KnownArgs;
  /** The same values as given: what /run/emb/bootargs holds. */
  accepted: Partial<Record<KnownKey, string>>;
  /** Scan order first (unknown keys, a second "--"), then per known key in schema order. */
  warnings: CmdlineWarning[];
  /** Words before "--" outside uebo.* and bee.*, as key or key=value. */
  passthrough: string[];
  /** Words after "--": init's arguments. */
  initArgs: string[];
}

/** undefined when `value` is valid for `key`, else what is wrong. */
export function knownValueProblem(key: KnownKey, value: string | null): string | undefined {
  if (value === null) return `needs a value (${key}=...)`;
  if (value === '') return 'is empty';
  const result = knownArgSchemas[key].safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'is not valid');
}

function settledKey(key: KnownKey, given: KernelWord[], parsed: ParsedCmdline): void {
  const last = given.at(-1);
  if (!last) return;
  if (given.length > 1) parsed.warnings.push({ code: 'duplicate', key, message: `given ${given.length} times; the last one counts` });
  if (secretKeys.has(key))
    parsed.warnings.push({
      code: 'secret',
      key,
      message: '/proc/cmdline is world-readable: every local user of the node can read this value',
    });
  const problem = knownValueProblem(key, last.value);
  if (problem) parsed.warnings.push({ code: 'invalid', key, message: `${problem}; dropped at boot (the node boots without it)` });
  else if (last.value === null) throw new Error(`internal: ${key} without a value was not reported as a problem`);
  else parsed.accepted[key] = last.value;
}

/** The judgement on a byte string (one char per byte): what the differential test compares. */
export function parseCmdlineBytes(bytes: string): ParsedCmdline {
  const split = splitCommandLine(bytes);
  const parsed: ParsedCmdline = { known: {}, accepted: {}, warnings: [], passthrough: [], initArgs: split.init.map(wordText) };
  const given = new Map<KnownKey, KernelWord[]>();
  for (const word of split.kernel) {
    if (isKnownKey(word.key)) given.set(word.key, [...(given.get(word.key) ?? []), word]);
    else if (isEmbNamespace(word.key)) {
      const hint = suggestedKey(word.key);
      parsed.warnings.push({ code: 'unknown', key: word.key, message: `unknown key, ignored${hint ? ` (did you mean ${hint}?)` : ''}` });
    } else parsed.passthrough.push(wordText(word));
  }
  if (split.secondDashes)
    parsed.warnings.push({ code: 'ignored', key: '--', message: 'a second "--": the kernel ignores it and everything after it' });
  for (const key of knownKeys) settledKey(key, given.get(key) ?? [], parsed);
  parsed.known = knownArgsSchema.parse(parsed.accepted);
  return parsed;
}

/** Parse command line text (UTF-8, as a bootloader passes it) into text results. */
export function parseCmdline(text: string): ParsedCmdline {
  const parsed = parseCmdlineBytes(toByteString(text));
  return {
    known: parsed.known,
    accepted: parsed.accepted,
    warnings: parsed.warnings.map((warning) => ({ ...warning, key: fromByteString(warning.key) })),
    passthrough: parsed.passthrough.map(fromByteString),
    initArgs: parsed.initArgs.map(fromByteString),
  };
}
