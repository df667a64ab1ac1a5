import { indexArtifact } from '../build/artifact-index.ts';
import type { BuiltPackage } from '../build/package-tasks.ts';
import type { KernelStageResult } from '../kernel/kernel-stage.ts';
import { optionalModulesFile } from '../kernel/modules-layer.ts';
import { rootfilesDir } from '../paths.ts';
import type { Board } from '../schema/board.ts';
import { baseLayer } from './base-layer.ts';
import { generatedLayer } from './generated-layer.ts';
import { mergeLayers, type Layer, type MergedLayers } from './layers.ts';
import { type ReadOnlyLayerSummary, withReadOnlyLayer } from './read-only-layer.ts';
import { rootfilesLayer } from './rootfiles-layer.ts';
import { faultPoint } from '../fs/fault-point.ts';

export interface AssembleInput {
  board: Board;
  packages: readonly BuiltPackage[];
  kernel: KernelStageResult;
  embVersion: string;
  authorizedKeys?: string;
  rootPasswordHash?: string;
  /** A GPU board's driver layers (src/gpu/), after rootfiles/: its files are its own. */
  gpuLayers?: readonly Layer[];
  /** Where a board's read-only layer (board.readOnlyLayer) is kept, and its files' mtime. */
  readOnly?: { cacheRoot: string; mtime: number };
}

/** The assemble stage's output: the image's tree, each entry with the layer it came from, and the layers' order. */
export type AssembledImage = MergedLayers & { readOnly?: ReadOnlyLayerSummary };

/** A package's layer name: the recipe's name, or "arch/name" for an extra arch's package. */
export function packageLayerName(pkg: BuiltPackage, board: Board): string {
  return pkg.info.arch === board.arch ? pkg.loaded.recipe.name : pkg.id;
}

/**
 * The assemble stage: base directories, package artifacts (indexed, not read: file
 * bytes stay in the cache until pack streams them), the pruned modules, rootfiles/,
 * and the files generated from the board and the build. Later layers win. A board's
 * read-only layer then takes its packages' files into a squashfs (read-only-layer.ts).
 */
export async function assembleImage(input: AssembleInput): Promise<AssembledImage> {
  const { board, kernel } = input;
  const layers: Layer[] = [baseLayer()];
  for (const pkg of input.packages) layers.push({ name: packageLayerName(pkg, board), entries: await indexArtifact(pkg.artifact) });
  layers.push(
    kernel.modules.layer,
    await rootfilesLayer(rootfilesDir),
    ...(input.gpuLayers ?? []),
    generatedLayer(board, {
      kver: kernel.kernel.kver,
      moduleLoadOrder: kernel.modules.loadOrder,
      optionalModules: optionalModulesFile(kernel.modules.optional),
      embVersion: input.embVersion,
      authorizedKeys: input.authorizedKeys,
      rootPasswordHash: input.rootPasswordHash,
    }),
  );
  const merged = mergeLayers(layers);
  await faultPoint('assemble');
  if (board.readOnlyLayer === undefined) return merged;
  if (input.readOnly === undefined) throw new Error(`internal: board ${board.name} has a readOnlyLayer and the build gave no cache for it`);
  const { image, readOnly } = await withReadOnlyLayer(merged, board, input.readOnly);
  return { ...image, readOnly };
}
