import { join } from 'node:path';
import { EmbError } from '../errors.ts';
import { pathExists } from '../fs/exists.ts';
import { packagesDir } from '../paths.ts';
import { recipeNameSchema, recipeSchema, type Recipe } from '../schema/recipe.ts';
import { formatZodIssues } from './format-zod-error.ts';
import { importDataModule, shownPath } from './load-data-module.ts';

export interface LoadedRecipe {
  recipe: Recipe;
  /** The recipe's folder: recipe.ts and the local files (configs, patches) it uses. */
  dir: string;
  file: string;
}

export async function loadRecipe(name: string, dir = packagesDir): Promise<LoadedRecipe> {
  // A name is a folder under packages/, never a path: "../x" would load and run code from elsewhere.
  if (!recipeNameSchema.safeParse(name).success) {
    throw new EmbError(
      `unknown package ${JSON.stringify(name)}: not a recipe name`,
      'a recipe is a folder under packages/ named in lower-case letters, digits, ".", "+" and "-"',
    );
  }
  const recipeDir = join(dir, name);
  const file = join(recipeDir, 'recipe.ts');
  const shown = shownPath(file);
  if (!(await pathExists(file))) {
    throw new EmbError(
      `unknown package "${name}": ${shown} does not exist`,
      "check the board's packages list against the folders in packages/",
    );
  }
  const parsed = recipeSchema.safeParse(await importDataModule(file, 'Recipe'));
  if (!parsed.success) {
    throw new EmbError(`${shown}: ${formatZodIssues(parsed.error)}`, 'see src/schema/recipe.ts for every field');
  }
  if (parsed.data.name !== name) {
    throw new EmbError(`${shown}: field "name": is "${parsed.data.name}" but the folder is ${name}`, 'make them the same');
  }
  return { recipe: parsed.data, dir: recipeDir, file };
}
