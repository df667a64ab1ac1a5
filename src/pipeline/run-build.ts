import { availableParallelism } from 'node:os';
import { Listr, ListrLogger } from 'listr2';
import { readArtifact } from '../build/artifact.ts';
import { buildPackage } from '../build/build-package.ts';
import { hostBuildTools, hostToolchainId } from '../build/host-toolchain.ts';
import { baseLayer } from '../assemble/base-layer.ts';
import { generatedLayer } from '../assemble/generated-layer.ts';
import { mergeLayers, type Layer } from '../assemble/layers.ts';
import { rootfilesLayer } from '../assemble/rootfiles-layer.ts';
import { chooseSource, type ChosenSource } from '../fetch/choose-source.ts';
import type { DebianPackage } from '../fetch/debian-packages.ts';
import { verifyHostTools } from '../host/host-tools.ts';
import { kernelImageOutput, prepareKernel, resolveKernelPackage } from '../kernel/debian-kernel.ts';
import { pruneModules } from '../kernel/modules-layer.ts';
import { compressZstd } from '../pack/compress.ts';
import { layerTotals, manifestFiles, type Manifest } from '../pack/manifest.ts';
import { archiveMtime } from '../pack/mtime.ts';
import { writeNewcArchive } from '../pack/write-archive.ts';
import { rootfilesDir } from '../paths.ts';
import { archInfoOf, type ArchInfo } from '../plan/arch-info.ts';
import { loadBoard, type LoadedBoard } from '../plan/load-board.ts';
import { loadPackageSet } from '../plan/load-package-set.ts';
import type { LoadedRecipe } from '../plan/load-recipe.ts';
import { packageKey } from '../plan/package-key.ts';
import { isOutputCurrent, writeOutputs } from './dist-output.ts';
import { imageKey } from './image-key.ts';
import { embVersion } from './version.ts';

export interface BuildOptions {
  board: string;
  cacheRoot: string;
  outDir: string;
  jobs?: number;
  offline?: boolean;
}

interface PackageState {
  loaded: LoadedRecipe;
  source?: ChosenSource;
  key?: string;
  artifact?: string;
  built?: boolean;
}

interface BuildContext {
  loadedBoard?: LoadedBoard;
  info?: ArchInfo;
  packages: PackageState[];
  kernelPkg?: DebianPackage;
  toolchainId?: string;
  imageKey?: string;
  upToDate?: Manifest;
  manifest?: Manifest;
}

export interface BuildResult {
  manifest: Manifest;
  /** Packages built in this run (the rest came from the cache). */
  built: string[];
  upToDate: boolean;
  seconds: number;
}

/** The live display on a terminal; plain lines in CI, in pipes and in tests. */
function plainOutputWanted(): boolean {
  return !process.stdout.isTTY || Boolean(process.env.CI);
}

/** plan → fetch → build → kernel → assemble → pack, each a listr2 task; see DESIGN.md. */
export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const jobs = options.jobs ?? availableParallelism();
  const mtime = archiveMtime();
  const ctx: BuildContext = { packages: [] };
  const tasks = new Listr<BuildContext>(
    [
      {
        title: 'Plan',
        task: async (ctx, task) => {
          ctx.loadedBoard = await loadBoard(options.board);
          const { board } = ctx.loadedBoard;
          ctx.info = archInfoOf(board.arch);
          ctx.packages = (await loadPackageSet(board.packages, board.arch)).map((loaded) => ({ loaded }));
          await verifyHostTools(hostBuildTools(ctx.info));
          [ctx.kernelPkg, ctx.toolchainId] = await Promise.all([resolveKernelPackage(options.cacheRoot, board, ctx.info), hostToolchainId(board.arch)]);
          task.title = `Plan: board ${board.name} (${board.arch}), ${ctx.packages.length} packages, kernel ${ctx.kernelPkg.name} ${ctx.kernelPkg.version}`;
        },
      },
      {
        title: 'Fetch sources',
        task: async (ctx, task) => {
          await Promise.all(ctx.packages.map(async (state) => {
            state.source = await chooseSource(state.loaded.recipe.name, options.cacheRoot, state.loaded.recipe.sources, ctx.info!, options.offline);
          }));
          const keys = new Map<string, string>();
          for (const state of ctx.packages) {
            state.key = await packageKey({
              recipeDir: state.loaded.dir,
              sourceIdentity: state.source!.identity,
              toolchainId: state.source!.kind === 'tarball' ? ctx.toolchainId! : 'none',
              arch: ctx.info!.arch,
              dependencyKeys: state.loaded.recipe.dependencies.map((name) => keys.get(name)!),
            });
            keys.set(state.loaded.recipe.name, state.key);
          }
          ctx.imageKey = await imageKey({ boardFile: ctx.loadedBoard!.file, packageKeys: ctx.packages.map((state) => state.key!), kernelSha256: ctx.kernelPkg!.sha256, mtime });
          ctx.upToDate = await isOutputCurrent(options.outDir, ctx.imageKey);
          task.title = `Fetch sources: ${ctx.packages.map((state) => `${state.loaded.recipe.name} from ${state.source!.kind}`).join(', ')}`;
        },
      },
      {
        title: 'Build packages',
        task: (ctx, task) =>
          task.newListr(
            ctx.packages.map((state) => ({
              title: `${state.loaded.recipe.name} ${state.loaded.recipe.version}`,
              task: async (_sub, subtask) => {
                const result = await buildPackage({ loaded: state.loaded, info: ctx.info!, source: state.source!, key: state.key! }, options.cacheRoot, jobs);
                state.artifact = result.artifact;
                state.built = result.built;
                subtask.title = `${state.loaded.recipe.name} ${state.loaded.recipe.version}: ${result.built ? 'built' : 'cached'}`;
              },
            })),
            { concurrent: false },
          ),
      },
      {
        title: 'Kernel, assemble, pack',
        skip: (ctx) => (ctx.upToDate ? `dist/${options.board} is up to date` : false),
        task: async (ctx, task) => {
          const { board } = ctx.loadedBoard!;
          const kernel = await prepareKernel(options.cacheRoot, ctx.kernelPkg!, board);
          const pruned = await pruneModules(kernel, board.modules);
          task.output = `modules: kept ${pruned.totals.keptCount}/${pruned.totals.totalCount}`;
          const layers: Layer[] = [baseLayer()];
          for (const state of ctx.packages) layers.push({ name: state.loaded.recipe.name, entries: await readArtifact(state.artifact!) });
          layers.push(pruned.layer, await rootfilesLayer(rootfilesDir), generatedLayer(board, { kver: kernel.kver, moduleLoadOrder: pruned.loadOrder, embVersion }));
          const merged = mergeLayers(layers);
          const archive = writeNewcArchive([...merged.entries.values()].map((placed) => placed.entry), { mtime });
          const compressed = await compressZstd(archive, board.compressionLevel);
          const kernelOut = await kernelImageOutput(kernel);
          const files = manifestFiles(merged.entries.values());
          ctx.manifest = {
            format: 'emb-manifest-1',
            board: board.name,
            arch: board.arch,
            imageKey: ctx.imageKey!,
            kernel: { package: kernel.pkg.name, version: kernel.pkg.version, sha256: kernel.pkg.sha256, release: kernel.kver, file: kernelOut.name },
            sources: Object.fromEntries(ctx.packages.map((state) => [state.loaded.recipe.name, { version: state.loaded.recipe.version, kind: state.source!.kind, from: state.source!.from, identity: state.source!.identity }])),
            modules: { kept: pruned.totals.keptCount, total: pruned.totals.totalCount, keptBytes: pruned.totals.keptBytes, totalBytes: pruned.totals.totalBytes, loadOrder: pruned.loadOrder, builtin: pruned.builtin, firmware: pruned.firmware, missingSoftdeps: pruned.missingSoftdeps },
            conflicts: merged.conflicts,
            initramfs: { file: 'initramfs.zst', uncompressedBytes: archive.length, compressedBytes: compressed.length, zstdLevel: board.compressionLevel, mtime },
            layers: layerTotals(files),
            files,
          };
          await writeOutputs(options.outDir, [kernelOut, { name: 'initramfs.zst', data: compressed }], ctx.manifest);
        },
      },
    ],
    {
      renderer: 'default',
      fallbackRenderer: 'simple',
      fallbackRendererCondition: plainOutputWanted,
      // Progress (failures too) goes to stdout: stderr carries only the one-line error the CLI prints.
      fallbackRendererOptions: { logger: new ListrLogger({ useIcons: true, toStderr: [] }) },
      exitOnError: true,
    },
  );
  await tasks.run(ctx);
  const manifest = ctx.manifest ?? ctx.upToDate!;
  return {
    manifest,
    built: ctx.packages.filter((state) => state.built).map((state) => state.loaded.recipe.name),
    upToDate: ctx.upToDate !== undefined,
    seconds: (performance.now() - started) / 1000,
  };
}
