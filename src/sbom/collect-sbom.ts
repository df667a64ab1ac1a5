import { join } from 'node:path';
import { EmbError } from '../errors.ts';
import { sha256OfFile } from '../fs/hash.ts';
import { pathExists } from '../fs/exists.ts';
import { loadGpuDriver } from '../gpu/load-gpu-driver.ts';
import type { Manifest } from '../pack/manifest.ts';
import { archInfoOf } from '../plan/arch-info.ts';
import { loadBoard, shownPath } from '../plan/load-board.ts';
import { loadRecipe } from '../plan/load-recipe.ts';
import { readManifest } from '../pipeline/dist-output.ts';
import { embVersion } from '../pipeline/version.ts';
import type { Recipe } from '../schema/recipe.ts';
import { imageFileHashes } from './image-file-hashes.ts';
import { isFirmwarePath, isModulePath, kernelComponents } from './kernel-components.ts';
import { DebComponents } from './deb-components.ts';
import { packageComponents } from './package-components.ts';
import type { SbomDocument } from './sbom-model.ts';

export interface SbomInput {
  board: string;
  /** dist/<board>: the finished build the SBOM describes. */
  outDir: string;
  cacheRoot: string;
  warn: (line: string) => void;
}

/** The finished build in `outDir`: its manifest, and every file it names present. */
async function finishedBuild(input: SbomInput): Promise<Manifest> {
  const shown = shownPath(input.outDir);
  const again = `run emb build --board ${input.board} first, with the same --out if you gave one`;
  const manifest = await readManifest(input.outDir);
  if (manifest === undefined) throw new EmbError(`${shown} holds no finished build (no manifest.json this emb can read)`, again);
  if (manifest.board !== input.board) {
    throw new EmbError(`${shown}/manifest.json is board ${manifest.board}'s, not ${input.board}'s`, again);
  }
  for (const file of manifest.outputs) {
    if (!(await pathExists(join(input.outDir, file))))
      throw new EmbError(`${shown}/${file} is missing, though manifest.json names it`, again);
  }
  return manifest;
}

/** Each package's recipe as it is now (license, description, source URLs); a version that moved on since the build is said. */
async function currentRecipes(manifest: Manifest, input: SbomInput): Promise<Map<string, Recipe>> {
  const recipes = new Map<string, Recipe>();
  for (const [layer, source] of Object.entries(manifest.sources)) {
    const name = layer.split('/').pop() ?? layer;
    if (recipes.has(name)) continue;
    const recipe = await loadRecipe(name).then(
      (loaded) => loaded.recipe,
      () => undefined,
    );
    if (recipe === undefined) input.warn(`${name}: its recipe is gone since the build, so its license is unknown`);
    else if (recipe.version !== source.version) {
      input.warn(
        `${name}: ${shownPath(input.outDir)} was built from version ${source.version}, packages/${name} now says ${recipe.version} (emb build --board ${input.board} rebuilds it)`,
      );
    }
    if (recipe) recipes.set(name, recipe);
  }
  return recipes;
}

/**
 * What dist/<board> holds, as an SbomDocument: the build's manifest says which sources
 * and which Debian packages (with versions and sha256) went in, the recipes add
 * licenses and URLs, the cached .debs their copyright files, and the image itself the
 * sha256 of every module and firmware file. Reads only: nothing is built or fetched.
 */
export async function collectSbom(input: SbomInput): Promise<SbomDocument> {
  const { board } = await loadBoard(input.board);
  const manifest = await finishedBuild(input);
  const recipes = await currentRecipes(manifest, input);
  const layerPaths = new Map<string, Set<string>>();
  // Files and links, by layer: what a .deb must have put there to count as shipped.
  for (const file of manifest.files) {
    if (file.type === 'dir') continue;
    const paths = layerPaths.get(file.layer) ?? new Set<string>();
    paths.add(file.path);
    layerPaths.set(file.layer, paths);
  }
  const debs = new DebComponents({ cacheRoot: input.cacheRoot, warn: input.warn });
  const packages = await packageComponents(manifest, recipes, layerPaths, debs);
  const fileHashes = await imageFileHashes(
    join(input.outDir, manifest.initramfs.file),
    (path) => isModulePath(path) || isFirmwarePath(path),
  );
  const gpuDriver = await loadGpuDriver(board, input.board).catch(() => undefined);
  const kernel = await kernelComponents(
    {
      manifest,
      board,
      debianArch: archInfoOf(board.arch).debianArch,
      cacheRoot: input.cacheRoot,
      fileHashes,
      gpuLicense: gpuDriver?.driver.license,
      warn: input.warn,
    },
    debs,
  );
  const files = [];
  for (const name of manifest.outputs) files.push({ name, sha256: await sha256OfFile(join(input.outDir, name)) });
  return {
    board: manifest.board,
    arch: manifest.arch,
    image: { key: manifest.imageKey, description: board.description, files },
    mtime: manifest.initramfs.mtime,
    embVersion,
    components: [...packages, ...debs.all(), ...kernel],
  };
}
