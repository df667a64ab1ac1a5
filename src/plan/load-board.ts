import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbError } from '../errors.ts';
import { boardsDir } from '../paths.ts';
import { boardSchema, type Board } from '../schema/board.ts';
import { formatZodIssues } from './format-zod-error.ts';
import { importDataModule, shownPath } from './load-data-module.ts';

// Where emb has always exported it from; the loading itself is in load-data-module.ts.
export { shownPath };

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
