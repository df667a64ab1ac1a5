import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EmbError } from '../errors.ts';
import { projectRoot } from '../paths.ts';

/** A data file's path as the user knows it: relative inside the project, absolute outside it. */
export function shownPath(file: string): string {
  const inside = relative(projectRoot, file);
  return inside.startsWith('..') ? file : inside;
}

function codeOf(error: unknown): unknown {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}

/**
 * Where Node's own TypeScript parser stopped: its stack starts with `file:///…/x.ts:<line>`
 * (the file may be one the data file imports), which its message alone does not say.
 */
function nativeSyntaxLocation(error: Error): string | undefined {
  const [, url, line] = /^(file:\/\/\S+?):(\d+)\n/.exec(error.stack ?? '') ?? [];
  return url === undefined ? undefined : `${shownPath(fileURLToPath(url))}:${line}`;
}

/**
 * A syntax error Node can place: tsx would fail on it too, so it is reported at once.
 * Node 22.15–22.17 (with --experimental-strip-types) draws swc's frame without the
 * file instead; tsx's message names the file, so that one goes to tsx.
 */
function isPlacedSyntaxError(error: unknown): boolean {
  return error instanceof Error && codeOf(error) === 'ERR_INVALID_TYPESCRIPT_SYNTAX' && nativeSyntaxLocation(error) !== undefined;
}

/**
 * Why a data file did not load, as one line. tsx's esbuild opens with "Transform failed
 * with 1 error:" and puts the useful part, `<file>:<line>:<col>: ERROR: <what>`, on the
 * next line; Node's parser (22.18+) puts the place in its stack.
 */
export function loadFailureReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const lines = error.message.split('\n').filter((line) => line.trim() !== '');
  if (/^Transform failed with \d+ errors?:?$/.test(lines[0] ?? '') && lines[1] !== undefined) {
    return lines[1].replace(/^(\S+?)(:\d+:\d+): ERROR: /, (_all, file: string, place: string) => `${shownPath(file)}${place}: `);
  }
  const where = codeOf(error) === 'ERR_INVALID_TYPESCRIPT_SYNTAX' ? nativeSyntaxLocation(error) : undefined;
  return where === undefined ? (lines[0] ?? error.name) : `${where}: ${lines[0]}`;
}

/**
 * Import a data file. Under a Node that strips types (bin/emb.js loads emb natively
 * there) a file may still use TypeScript only tsx runs: an enum, a parameter property,
 * an import without its `.ts`, a type imported without `type`. Such files worked
 * before emb loaded natively, so they are loaded again through tsx, which costs its
 * load time (about 0.2 s) only for them. Node reports these cases with different
 * errors (a code, or a bare SyntaxError for a missing export), so any failure but a
 * placed syntax error is retried: a file that throws while it runs throws again, under tsx.
 * tsx goes without the project's tsconfig: its verbatimModuleSyntax is there to keep
 * emb's own sources strippable, not to hold a board to it.
 */
async function importTypeScript(url: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (nativeError) {
    if (nativeError instanceof EmbError || isPlacedSyntaxError(nativeError)) throw nativeError;
    const { tsImport } = await import('tsx/esm/api');
    return tsImport(url, { parentURL: import.meta.url, tsconfig: false });
  }
}

/** Import a data module (board, recipe or GPU driver) and return its default export, or say which file failed. */
export async function importDataModule(file: string, what: string): Promise<unknown> {
  const shown = shownPath(file);
  try {
    const module = (await importTypeScript(pathToFileURL(file).href)) as { default?: unknown };
    if (module.default === undefined) {
      throw new EmbError(`${shown}: has no default export`, `end the file with: export default define${what}({...})`);
    }
    return module.default;
  } catch (error) {
    if (error instanceof EmbError) throw error;
    throw new EmbError(`${shown}: cannot be loaded: ${loadFailureReason(error)}`, `fix the ${what.toLowerCase()} file so that it compiles`);
  }
}
