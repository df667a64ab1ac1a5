import { isKernelSpace, nextKernelWord, toByteString, type KernelWord } from '../cmdline/kernel-words.ts';
import { parseCmdline } from '../cmdline/parse-cmdline.ts';

/**
 * A node's kernel arguments: the defaults', its group's and its own `args`, then
 * uebo.hostname from the hostname field. Each `args` is checked on its own so that an
 * error names the field it came from, and so that one field cannot change how the
 * next is read (an open quote or a "--" would carry over the join).
 */

/** The parts joined in order (the last of a key counts on the node), uebo.hostname last. */
export function nodeKernelArgs(layers: readonly (string | undefined)[], hostname: string): string {
  return [...layers, `uebo.hostname=${hostname}`]
    .map((part) => part?.trim() ?? '')
    .filter((part) => part !== '')
    .join(' ');
}

/** The words of one `args` field, split as the kernel splits its command line. */
function argsWords(args: string): KernelWord[] {
  const bytes = toByteString(args);
  const words: KernelWord[] = [];
  let at = 0;
  while (isKernelSpace(bytes[at])) at++;
  while (at < bytes.length) {
    const { word, next } = nextKernelWord(bytes, at);
    words.push(word);
    at = next;
  }
  return words;
}

function isControlCharacter(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/** undefined when one `args` field can go into a node's command line, else what is wrong. */
export function argsProblem(args: string): string | undefined {
  const text = args.trim();
  // Boot configs (PXE menus, cmdline.txt) hold the line as one line of text.
  if ([...text].some(isControlCharacter)) return 'has a control character (a line break or tab): write the arguments on one line';
  // The kernel toggles quoting at every '"': an odd count swallows what is joined after.
  if ((text.match(/"/g) ?? []).length % 2 === 1) return 'has an unclosed quote ("), which would swallow the arguments joined after it';
  const words = argsWords(text);
  if (words.some((word) => word.key === '--' && word.value === null)) {
    return 'has "--", which hands the rest of the line to init: the arguments joined after it (uebo.hostname last) would be lost';
  }
  if (words.some((word) => word.key === 'uebo.hostname')) return "sets uebo.hostname, which comes from the node's hostname field";
  // A secret is allowed here (the inventory is where it has to be given); invalid
  // values and unknown keys are lost at boot, and a key twice in one field is a slip.
  const problems = parseCmdline(text)
    .warnings.filter((warning) => warning.code !== 'secret')
    .map((warning) => `${warning.key}: ${warning.message}`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}
