import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EmbError } from '../errors.ts';
import { boardsDir, projectRoot } from '../paths.ts';
import { boardSchema, type Board } from '../schema/board.ts';
import { formatZodIssues } from './format-zod-error.ts';

export interface LoadedBoard {
  board: Board;
  file: string;
}

export async function listBoardNames(dir = boardsDir): Promise<string[]> {
  const files = await readdir(dir);
  return files
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -3))
    .sort();
}

/** A data file's path as the user knows it: relative inside the project, absolute outside it. */
export function shownPath(file: string): string {
  const inside = relative(projectRoot, file);
  return inside.startsWith('..') ? file : inside;
}

/** Import a data module (board or recipe) and return its default export, or say which file failed. */
export async function importDataModule(file: string, what: string): Promise<unknown> {
  const shown = shownPath(file);
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    if (module.default === undefined) {
      throw new EmbError(`${shown}: has no default export`, `end the file with: export default define${what}({...})`);
    }
    return module.default;
  } catch (error) {
    if (error instanceof EmbError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new EmbError(`${shown}: cannot be loaded: ${reason}`, `fix the ${what.toLowerCase()} file so that it compiles`);
  }
}

export async function loadBoard(name: string, dir = boardsDir): Promise<LoadedBoard> {
  const known = await listBoardNames(dir);
  if (!known.includes(name)) {
    throw new EmbError(`unknown board "${name}"`, `known boards: ${known.join(', ')}; a new one is a file boards/${name}.ts`);
  }
  const file = join(dir, `${name}.ts`);
  const parsed = boardSchema.safeParse(await importDataModule(file, 'Board'));
  const shown = shownPath(file);
  if (!parsed.success) {
    throw new EmbError(`${shown}: ${formatZodIssues(parsed.error)}`, 'see src/schema/board.ts for every field');
  }
  if (parsed.data.name !== name) {
    throw new EmbError(`${shown}: field "name": is "${parsed.data.name}" but the file is named ${name}.ts`, 'make them the same');
  }
  return { board: parsed.data, file };
}
