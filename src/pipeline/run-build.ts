import { availableParallelism } from 'node:os';
import { Listr } from 'listr2';
import { readArtifact } from '../build/artifact.ts';
import { readAuthorizedKeys } from '../assemble/authorized-keys.ts';
import { readRootPasswordHash } from '../assemble/root-password.ts';
import { EmbError } from '../errors.ts';
import { baseLayer } from '../assemble/base-layer.ts';
import { generatedLayer } from '../assemble/generated-layer.ts';
import { mergeLayers, type Layer } from '../assemble/layers.ts';
import { rootfilesLayer } from '../assemble/rootfiles-layer.ts';
import type { DebianPackage } from '../fetch/debian-packages.ts';
import { kernelImageOutput, prepareKernel, resolveKernelPackage } from '../kernel/debian-kernel.ts';
import { optionalModulesFile, pruneModules } from '../kernel/modules-layer.ts';
import { compressZstd } from '../pack/compress.ts';
import { layerTotals, manifestFiles, type Manifest } from '../pack/manifest.ts';
import { archiveMtime } from '../pack/mtime.ts';
import { writeNewcArchive } from '../pack/write-archive.ts';
import { rootfilesDir } from '../paths.ts';
import { archInfoOf, archPathVariables, type ArchInfo } from '../plan/arch-info.ts';
import { expandVariables } from '../build/step-env.ts';
import { loadBoard, type LoadedBoard } from '../plan/load-board.ts';
import { planPackageNodes, type PackageNode } from '../plan/package-plan.ts';
import { selectToolchain, type SelectedToolchain, type ToolchainChoice } from '../toolchain/select-toolchain.ts';
import { verifyBuildHost } from '../toolchain/verify-build-host.ts';
import { isOutputCurrent, writeOutputs } from './dist-output.ts';
import { imageKey } from './image-key.ts';
import { packageBuildTasks, resolveAndKeyNodes } from './package-stages.ts';
import { embVersion } from './version.ts';
import { listrOptions } from './listr-options.ts';

export interface BuildOptions {
  board: string;
  cacheRoot: string;
  outDir: string;
  jobs?: number;
  offline?: boolean;
  toolchain?: ToolchainChoice;
  /** A file of SSH public keys for root's authorized_keys. */
  authorizedKeysFile?: string;
  /** A file holding root's crypt(3) hash: password logins are allowed with it. */
  rootPasswordHashFile?: string;
}

interface BuildContext {
  loadedBoard?: LoadedBoard;
  info?: ArchInfo;
  packages: PackageNode[];
  selected?: SelectedToolchain;
  authorizedKeys?: string;
  rootPasswordHash?: string;
  kernelPkg?: DebianPackage;
  imageKey?: string;
  upToDate?: Manifest;
  manifest?: Manifest;
}

export interface BuildResult {
  manifest: Manifest;
  /** Packages built in this run (the rest came from the cache), as "arch/name". */
  built: string[];
  toolchain: string;
  upToDate: boolean;
  seconds: number;
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
          if (options.authorizedKeysFile) ctx.authorizedKeys = await readAuthorizedKeys(options.authorizedKeysFile);
          if (options.rootPasswordHashFile) ctx.rootPasswordHash = await readRootPasswordHash(options.rootPasswordHashFile);
          const { board } = ctx.loadedBoard;
          if (board.ssh.passwordLogin && !ctx.rootPasswordHash) {
            throw new EmbError(`board ${board.name} allows SSH password logins (ssh.passwordLogin) but the build has no root password`, 'add --root-password-hash FILE (a hash from `mkpasswd -m yescrypt`), or set ssh.passwordLogin to false');
          }
          ctx.info = archInfoOf(board.arch);
          ctx.packages = await planPackageNodes([{ arch: board.arch, packages: board.packages }, ...board.extraArches]);
          ctx.selected = await selectToolchain(options.toolchain);
          await verifyBuildHost(ctx.selected.toolchain, [...new Set([ctx.info, ...ctx.packages.map((node) => node.info)])]);
          ctx.kernelPkg = await resolveKernelPackage(options.cacheRoot, board, ctx.info);
          const extra = board.extraArches.map((target) => ` + ${target.arch}`).join('');
          task.title = `Plan: board ${board.name} (${board.arch}${extra}), ${ctx.packages.length} packages, kernel ${ctx.kernelPkg.name} ${ctx.kernelPkg.version}, toolchain ${ctx.selected.reason}`;
        },
      },
      {
        title: 'Fetch sources',
        task: async (ctx, task) => {
          await resolveAndKeyNodes(ctx.packages, options.cacheRoot, options.offline ?? false, ctx.selected!.toolchain);
          ctx.imageKey = await imageKey({ boardFile: ctx.loadedBoard!.file, packageKeys: ctx.packages.map((node) => node.key!), kernelSha256: ctx.kernelPkg!.sha256, mtime, authorizedKeys: ctx.authorizedKeys, rootPasswordHash: ctx.rootPasswordHash });
          ctx.upToDate = await isOutputCurrent(options.outDir, ctx.imageKey);
          task.title = `Fetch sources: ${ctx.packages.map((node) => `${node.id} from ${node.source!.kind}`).join(', ')}`;
        },
      },
      {
        title: 'Build packages',
        skip: (ctx) => (ctx.upToDate ? 'the image is up to date' : false),
        task: (ctx, task) =>
          task.newListr(packageBuildTasks(ctx.packages, { cacheRoot: options.cacheRoot, toolchain: ctx.selected!.toolchain, jobs }), { concurrent: jobs, exitOnError: true }),
      },
      {
        title: 'Kernel, assemble, pack',
        skip: (ctx) => (ctx.upToDate ? `dist/${options.board} is up to date` : false),
        task: async (ctx, task) => {
          const { board } = ctx.loadedBoard!;
          const kernel = await prepareKernel(options.cacheRoot, ctx.kernelPkg!, board);
          const pruned = await pruneModules(kernel, board.modules, board.optionalModules);
          task.output = `modules: kept ${pruned.totals.keptCount}/${pruned.totals.totalCount}`;
          const layers: Layer[] = [baseLayer()];
          for (const node of ctx.packages) layers.push({ name: node.info.arch === board.arch ? node.loaded.recipe.name : node.id, entries: await readArtifact(node.artifact!) });
          layers.push(pruned.layer, await rootfilesLayer(rootfilesDir), generatedLayer(board, { kver: kernel.kver, moduleLoadOrder: pruned.loadOrder, optionalModules: optionalModulesFile(pruned.optional), embVersion, authorizedKeys: ctx.authorizedKeys, rootPasswordHash: ctx.rootPasswordHash }));
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
            sources: Object.fromEntries(ctx.packages.map((node) => [node.info.arch === board.arch ? node.loaded.recipe.name : node.id, { version: node.loaded.recipe.version, arch: node.info.arch, kind: node.source!.kind, from: node.source!.from, identity: node.source!.identity, key: node.key! }])),
            toolchain: ctx.selected!.toolchain.kind,
            checks: ctx.packages.flatMap((node) => node.loaded.recipe.checks.map((check) => ({ package: node.id, command: expandVariables(check.command, archPathVariables(node.info)), expect: check.expect }))),
            modules: { kept: pruned.totals.keptCount, total: pruned.totals.totalCount, keptBytes: pruned.totals.keptBytes, totalBytes: pruned.totals.totalBytes, loadOrder: pruned.loadOrder, optional: pruned.optional, builtin: pruned.builtin, firmware: pruned.firmware, missingSoftdeps: pruned.missingSoftdeps },
            conflicts: merged.conflicts,
            initramfs: { file: 'initramfs.zst', uncompressedBytes: archive.length, compressedBytes: compressed.length, zstdLevel: board.compressionLevel, mtime },
            layers: layerTotals(files),
            files,
          };
          await writeOutputs(options.outDir, [kernelOut, { name: 'initramfs.zst', data: compressed }], ctx.manifest);
        },
      },
    ],
    listrOptions<BuildContext>(),
  );
  await tasks.run(ctx);
  const manifest = ctx.manifest ?? ctx.upToDate!;
  return {
    manifest,
    built: ctx.packages.filter((node) => node.built).map((node) => node.id),
    toolchain: ctx.selected?.reason ?? '',
    upToDate: ctx.upToDate !== undefined,
    seconds: (performance.now() - started) / 1000,
  };
}
