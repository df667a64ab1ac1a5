import { join, posix } from 'node:path';
import { readArtifact } from '../build/artifact.ts';
import type { Jobs } from '../build/jobs.ts';
import { EmbError } from '../errors.ts';
import { pathExists } from '../fs/exists.ts';
import { packagesDir } from '../paths.ts';
import { runPackageBuild } from '../pipeline/run-package-build.ts';
import { loadRecipe } from '../plan/load-recipe.ts';
import type { Arch, BootloaderImage } from '../schema/board.ts';
import type { ToolchainChoice } from '../toolchain/select-toolchain.ts';
import type { BootloaderFiles } from './files-from-debian.ts';
import type { ImagePiece } from './image-layout.ts';

type RecipeImage = Extract<BootloaderImage, { from: 'recipe' }>;

export interface RecipeBuildContext {
  boardFile: string;
  cacheRoot: string;
  offline: boolean;
  jobs?: Partial<Jobs>;
  toolchain?: ToolchainChoice;
  /** Where recipes live (EMB_PACKAGES_DIR in tests). */
  packagesRoot?: string;
}

/** The recipe must exist and build for the board's arch: said in the board's terms before anything is built. */
async function verifyRecipeFits(image: RecipeImage, arch: Arch, context: RecipeBuildContext): Promise<void> {
  const root = context.packagesRoot ?? packagesDir;
  if (!(await pathExists(join(root, image.recipe, 'recipe.ts')))) {
    throw new EmbError(
      `${context.boardFile}: field "bootloader.image.recipe": there is no recipe ${image.recipe} (packages/${image.recipe}/recipe.ts)`,
      'name a folder under packages/, or add the recipe',
    );
  }
  const { recipe } = await loadRecipe(image.recipe, root);
  if (!recipe.arches.includes(arch)) {
    throw new EmbError(
      `${context.boardFile}: field "bootloader.image.recipe": ${image.recipe} builds for ${recipe.arches.join(', ')}, not the board's ${arch}`,
      `add ${arch} to the recipe's arches, or name another recipe`,
    );
  }
}

/**
 * The files a recipe installs, built for the board's arch by the engine of `emb
 * package build` (plan, fetch, build: content-keyed, so a second run takes them from
 * the cache) and read from its artifact.
 */
export async function filesFromRecipe(image: RecipeImage, arch: Arch, context: RecipeBuildContext): Promise<BootloaderFiles> {
  await verifyRecipeFits(image, arch, context);
  const result = await runPackageBuild({
    names: [image.recipe],
    arch,
    cacheRoot: context.cacheRoot,
    // One recipe: all CPUs go to its make.
    jobs: { packages: 1, ...context.jobs },
    offline: context.offline,
    toolchain: context.toolchain,
  });
  const built = result.packages.find((pkg) => pkg.loaded.recipe.name === image.recipe);
  if (built === undefined) throw new Error(`internal: building ${image.recipe} gave no artifact for it`);
  const entries = await readArtifact(built.artifact);
  const pieces: ImagePiece[] = [];
  for (const [index, file] of image.files.entries()) {
    const entry = entries.find((candidate) => candidate.path === posix.normalize(file.path));
    if (entry?.type !== 'file') {
      const installed = entries.filter((candidate) => candidate.type === 'file').map((candidate) => candidate.path);
      throw new EmbError(
        `${context.boardFile}: field "bootloader.image.files.${index}.path": recipe ${image.recipe} installs no file ${file.path}`,
        `it installs: ${installed.join(', ') || 'nothing'}`,
      );
    }
    pieces.push({ path: file.path, offsetKiB: file.offsetKiB, data: entry.data });
  }
  const { recipe } = built.loaded;
  return {
    pieces,
    origin: `recipe ${recipe.name} ${recipe.version} (${arch}), key ${built.key}, ${built.built ? 'built now' : 'from the cache'} (toolchain ${result.toolchain})`,
  };
}
