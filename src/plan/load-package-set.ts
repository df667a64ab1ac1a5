import { readdir } from 'node:fs/promises';
import { EmbError } from '../errors.ts';
import { packagesDir } from '../paths.ts';
import type { Arch } from '../schema/board.ts';
import { loadRecipe, type LoadedRecipe } from './load-recipe.ts';
import { topologicalOrder } from './package-graph.ts';

/**
 * Load every recipe the roots need (following dependencies) and return them in build
 * order. Each recipe is loaded once; a recipe that does not support the arch is an error.
 */
export async function loadPackageSet(roots: readonly string[], arch: Arch, dir = packagesDir): Promise<LoadedRecipe[]> {
  const available = new Set(await readdir(dir));
  const loaded = new Map<string, LoadedRecipe>();
  const pending = [...roots];
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    if (loaded.has(name) || !available.has(name)) continue;
    const recipe = await loadRecipe(name, dir);
    loaded.set(name, recipe);
    pending.push(...recipe.recipe.dependencies);
  }
  const order = topologicalOrder(roots, (name) => loaded.get(name)?.recipe.dependencies);
  return order.map((name) => {
    const recipe = loaded.get(name);
    if (recipe === undefined) throw new Error(`internal: ${name} is in the build order but was never loaded`);
    if (!recipe.recipe.arches.includes(arch)) {
      throw new EmbError(
        `package ${name} does not support ${arch} (it supports ${recipe.recipe.arches.join(', ')})`,
        `remove it from the board or add ${arch} to its recipe`,
      );
    }
    return recipe;
  });
}
