import type { z } from 'zod';
import { EmbError } from '../errors.ts';
import { placeOf } from './inventory-error.ts';
import { fieldHints, placeFields } from './inventory-schema.ts';
import type { InventoryYaml } from './inventory-yaml.ts';

/**
 * The schema's findings as one line: each issue at its line and place, in words that
 * say what YAML made of the value (an unquoted 12345678 is a number, yes is true).
 */

type Issue = z.core.$ZodIssue;

/** How many issues one message spells out; the rest are counted. */
const shownIssues = 3;

function kindOf(input: unknown): string {
  if (Array.isArray(input)) return 'a list';
  if (input === null) return 'empty';
  return typeof input === 'object' ? 'a mapping' : `a ${typeof input}`;
}

function typeProblem(issue: Issue & { code: 'invalid_type' }): string {
  // zod leaves `input` out for a missing key, even when asked to report inputs.
  if (!('input' in issue) || issue.input === undefined) return 'is missing';
  if (issue.input === null) return 'is empty';
  if (issue.path.length === 0) return 'the file must be a mapping with nodes: (and optionally defaults: and groups:)';
  if (issue.expected === 'object') return `must be a mapping (key: value lines), not ${kindOf(issue.input)}`;
  if (issue.expected === 'array') return `must be a list ("- " items), not ${kindOf(issue.input)}`;
  if (issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean')) {
    return `must be text, but YAML read it as the ${typeof issue.input} ${String(issue.input)}: put it in quotes`;
  }
  return `must be ${issue.expected === 'string' ? 'text' : issue.expected}, not ${kindOf(issue.input)}`;
}

/** The place an issue is about, the path whose line it shows, and what is wrong. */
function describedIssue(issue: Issue): { path: PropertyKey[]; linePath: PropertyKey[]; problem: string } {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((key) => `"${key}"`).join(', ');
    return { path, linePath: [...path, issue.keys[0] ?? ''], problem: `unknown field${issue.keys.length > 1 ? 's' : ''} ${names}` };
  }
  if (issue.code === 'invalid_type') return { path, linePath: path, problem: typeProblem(issue) };
  if (issue.code === 'invalid_key') return { path, linePath: path, problem: issue.issues[0]?.message ?? issue.message };
  return { path, linePath: path, problem: issue.message };
}

function issueHint(issue: Issue): string {
  if (issue.code === 'unrecognized_keys') {
    const [section] = issue.path;
    if (section === undefined) return `an inventory's fields are ${placeFields.top.join(', ')}`;
    if (section === 'nodes') return `a node's fields are ${placeFields.node.join(', ')}`;
    return `the fields of defaults and of a group are ${placeFields.layer.join(', ')}`;
  }
  // The field inside its owner: nodes[i].x, groups.name.x, defaults.x, or a section itself.
  const [section] = issue.path;
  const field = section === 'defaults' ? issue.path[1] : issue.path.length > 2 ? issue.path[2] : section;
  return fieldHints[String(field)] ?? fieldHints[String(section)] ?? 'an inventory has defaults:, groups: and a nodes: list';
}

/** One EmbError for the schema's issues, the first with its file and line, the next ones with their line. */
export function inventorySchemaError(yaml: InventoryYaml, error: z.ZodError): EmbError {
  const parts = error.issues.slice(0, shownIssues).map((issue, at) => {
    const { path, linePath, problem } = describedIssue(issue);
    const place = placeOf(yaml, path);
    const line = yaml.lineOf(linePath);
    return `${at === 0 ? `${yaml.file}:${line}` : `line ${line}`}: ${place ? `${place}: ` : ''}${problem}`;
  });
  const more = error.issues.length - shownIssues;
  const rest = more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : '';
  const [first] = error.issues;
  if (!first) throw new Error('internal: a failed inventory parse without issues');
  return new EmbError(`${parts.join('; ')}${rest}`, issueHint(first));
}
