import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { EmbError } from '../errors.ts';

/** An inventory file's YAML as plain data, and where in the file each value was written. */
export interface InventoryYaml {
  /** The file as given, for messages. */
  file: string;
  value: unknown;
  /** The 1-based line of the value at `path` (map keys and list indexes), or of its nearest parent written. */
  lineOf(path: readonly PropertyKey[]): number;
}

function rangeStart(node: unknown): number | undefined {
  return typeof node === 'object' && node !== null && 'range' in node && Array.isArray(node.range) ? node.range[0] : undefined;
}

/** Offset of a map key's or list item's node along `path`, as deep as the document goes. */
function offsetOf(document: Document, path: readonly PropertyKey[]): number {
  let node: unknown = document.contents;
  let offset = rangeStart(node) ?? 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (!pair) break;
      // A key's line, not its value's: a nested mapping starts on the next line.
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = rangeStart(node) ?? offset;
    } else break;
  }
  return offset;
}

/** The YAML in `text` as data; throws naming the file and line when it is not YAML or holds nothing. */
export function readInventoryYaml(text: string, file: string): InventoryYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  // Warnings too: an unknown tag (!foo) is a mistake in a file that only holds text.
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    throw new EmbError(`${file}:${line}:${col}: not valid YAML: ${problem.message.split('\n')[0]}`, 'fix the YAML syntax there');
  }
  if (document.contents === null)
    throw new EmbError(`${file}: is empty`, 'list the nodes under nodes:, each as "- mac: ..." with its hostname:');
  let value: unknown;
  try {
    value = document.toJS();
  } catch (error) {
    // toJS throws on an alias to an anchor defined later or an alias bomb.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new EmbError(`${file}: not valid YAML: ${reason}`, 'fix the YAML there');
  }
  return { file, value, lineOf: (path) => lineCounter.linePos(offsetOf(document, path)).line };
}
