import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '../fs/exists.ts';
import { packagesDir } from '../paths.ts';
import { loadRecipe, type LoadedRecipe } from './load-recipe.ts';

/** Every recipe under packages/, loaded and validated, sorted by name. */
export async function loadAllRecipes(dir = packagesDir): Promise<LoadedRecipe[]> {
  const names: string[] = [];
  for (const name of (await readdir(dir)).sort()) if (await pathExists(join(dir, name, 'recipe.ts'))) names.push(name);
  return Promise.all(names.map((name) => loadRecipe(name, dir)));
}
