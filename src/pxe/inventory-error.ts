import { EmbError } from '../errors.ts';
import type { InventoryYaml } from './inventory-yaml.ts';

/**
 * Errors that point into an inventory file: "file:line: where: field "x": problem",
 * where a node is named by its place in the list (counted from 1, like lines) and by
 * whichever of its MAC and hostname are text, as written, so that it can be found
 * even when those fields are the broken ones.
 */

/** `text` as written when it is plain, else JSON-quoted so that a message stays one line. */
export function shownText(text: string): string {
  return /^[\x21-\x7e]+$/.test(text) && !text.includes('"') ? text : JSON.stringify(text);
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** "nodes[3] (mac 02:00:00:00:00:03, hostname node03)" for the node at list index `index`. */
export function nodeLabel(yaml: InventoryYaml, index: number): string {
  const node = fieldOf(fieldOf(yaml.value, 'nodes'), String(index));
  const names = ['mac', 'hostname'].flatMap((key) => {
    const text = fieldOf(node, key);
    return typeof text === 'string' ? [`${key} ${shownText(text)}`] : [];
  });
  return `nodes[${index + 1}]${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
}

/** Where `path` is, without the file: `defaults`, `groups.gpu`, or a node's label, then `field "x"`. */
export function placeOf(yaml: InventoryYaml, path: readonly PropertyKey[]): string {
  const [section, key, ...rest] = path.map(String);
  let owner: string | undefined;
  let field: string[] = [];
  if (section === 'nodes' && typeof path[1] === 'number') {
    owner = nodeLabel(yaml, path[1]);
    field = rest;
  } else if (section === 'groups' && key !== undefined) {
    owner = `groups.${shownText(key)}`;
    field = rest;
  } else if (section === 'defaults') {
    owner = 'defaults';
    field = path.slice(1).map(String);
  } else field = path.map(String);
  return [owner, field.length > 0 ? `field "${field.join('.')}"` : undefined].filter(Boolean).join(': ');
}

/** "file:line: " for `path`. */
export function fileLine(yaml: InventoryYaml, path: readonly PropertyKey[]): string {
  return `${yaml.file}:${yaml.lineOf(path)}: `;
}

/** An EmbError at `path`: what is wrong there and what to do. */
export function inventoryError(yaml: InventoryYaml, path: readonly PropertyKey[], problem: string, hint: string): EmbError {
  const place = placeOf(yaml, path);
  return new EmbError(`${fileLine(yaml, path)}${place ? `${place}: ` : ''}${problem}`, hint);
}
