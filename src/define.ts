/**
 * The two functions data files call. They only return their argument, typed: the
 * editor checks a board or recipe as it is written, and the loader validates it with
 * zod (so a plain object works too, and errors name the file and field either way).
 */
import type { BoardInput } from './schema/board.ts';
import type { RecipeInput } from './schema/recipe.ts';
import type { GpuDriverInput } from './schema/gpu-driver.ts';

export function defineBoard(board: BoardInput): BoardInput {
  return board;
}

export function defineRecipe(recipe: RecipeInput): RecipeInput {
  return recipe;
}

export type { BoardInput, RecipeInput };
export type { StepContext, Step } from './schema/recipe.ts';

export function defineGpuDriver(driver: GpuDriverInput): GpuDriverInput {
  return driver;
}
