// The build, kernel, GPU, assemble and pack stages are imported inside their tasks: a
// no-op build (the image up to date) never runs them, and loading their ~90 modules
// was about 50 ms of its CPU time (issue 13's no-op goal).
import { Listr } from 'listr2';
import type { AssembledImage } from '../assemble/assemble-image.ts';
import { consoleLoginProblem } from '../boards/console-shell.ts';
import { defaultJobs, type Jobs, jobsSummary } from '../build/jobs.ts';
import type { BuiltPackage, PackageBuildStage } from '../build/package-tasks.ts';
import { fetchAndKeyPackages, type KeyedPackage } from '../fetch/key-packages.ts';
import type { KernelStageResult } from '../kernel/kernel-stage.ts';
import type { Manifest } from '../pack/manifest.ts';
import { archiveMtime } from '../pack/mtime.ts';
import { planBuild, type BuildPlan } from '../plan/plan-build.ts';
import type { GpuStageResult } from '../gpu/gpu-stage.ts';
import { resolveGpu, type ResolvedGpu } from '../gpu/resolve-gpu.ts';
import type { ConsoleShell } from '../schema/board.ts';
import type { ToolchainChoice } from '../toolchain/select-toolchain.ts';
import { isOutputCurrent, writeOutputs } from './dist-output.ts';
import { imageKey } from './image-key.ts';
import { listrOptions } from './listr-options.ts';
import { StageResult } from './stage-result.ts';
import { embVersion } from './version.ts';

export interface BuildOptions {
  board: string;
  cacheRoot: string;
  outDir: string;
  /** Packages built at once, and make -j for each (defaults: see jobs.ts). */
  jobs?: Partial<Jobs>;
  offline?: boolean;
  toolchain?: ToolchainChoice;
  /** A file of SSH public keys for root's authorized_keys. */
  authorizedKeysFile?: string;
  /** A file holding root's crypt(3) hash: password logins are allowed with it. */
  rootPasswordHashFile?: string;
  /** The console's shell instead of the board's console.shell. */
  consoleShell?: ConsoleShell;
  /** zstd level instead of the board's compressionLevel (tests and quick builds use a low one). */
  zstdLevel?: number;
  /** A GPU board's module signing key (PEM) and certificate (see src/gpu/module-signing.ts). */
  moduleSigningKeyFile?: string;
  moduleSigningCertFile?: string;
  /** Where warnings go (stderr). */
  warn?: (line: string) => void;
}

export interface BuildResult {
  manifest: Manifest;
  /** Packages built in this run (the rest came from the cache), as "arch/name". */
  built: string[];
  toolchain: string;
  upToDate: boolean;
  seconds: number;
}

/** The fetch stage's output plus what it decides: the image key and whether dist/ already has that image. */
interface FetchedBuild {
  packages: KeyedPackage[];
  /** A GPU board's driver, resolved against the kernel. */
  gpu?: ResolvedGpu;
  imageKey: string;
  upToDate?: Manifest;
}

/**
 * plan → fetch → build → kernel → assemble → pack (DESIGN.md), each a listr2 task
 * that calls one stage function with the typed output of the stages before it.
 */
export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const jobs = defaultJobs(undefined, options.jobs);
  const mtime = archiveMtime();
  const plan = new StageResult<BuildPlan>('plan');
  const fetched = new StageResult<FetchedBuild>('fetch');
  const buildStage = new StageResult<PackageBuildStage>('build');
  const built = (): BuiltPackage[] => buildStage.get().results();
  const kernel = new StageResult<KernelStageResult>('kernel');
  const gpuStage = new StageResult<GpuStageResult>('gpu');
  const warn = options.warn ?? ((line: string) => process.stderr.write(`emb: warning: ${line}\n`));
  const assembled = new StageResult<AssembledImage>('assemble');
  const packed = new StageResult<Manifest>('pack');
  const upToDate = (): boolean => fetched.get().upToDate !== undefined;
  const zstdLevel = (): number => options.zstdLevel ?? plan.get().loadedBoard.board.compressionLevel;

  await new Listr(
    [
      {
        title: 'Plan',
        task: async (_ctx, task) => {
          const { loadedBoard, packages, kernel: resolved, toolchain, rootPasswordHash } = plan.set(await planBuild({ ...options }));
          const { board } = loadedBoard;
          const consoleProblem = consoleLoginProblem(board, rootPasswordHash);
          if (consoleProblem) warn(consoleProblem);
          const extra = board.extraArches.map((target) => ` + ${target.arch}`).join('');
          const kernelName = `${resolved.identity.name} ${resolved.identity.version}`;
          task.title =
            `Plan: board ${board.name} (${board.arch}${extra}), ${packages.length} packages, kernel ${kernelName}, ` +
            `toolchain ${toolchain.reason}, ${jobsSummary(jobs)}`;
        },
      },
      {
        title: 'Fetch sources',
        task: async (_ctx, task) => {
          const { loadedBoard, kernel: resolved, toolchain, authorizedKeys, rootPasswordHash, gpuDriver, signingKey, info } = plan.get();
          const packages = await fetchAndKeyPackages(plan.get().packages, {
            cacheRoot: options.cacheRoot,
            offline: options.offline ?? false,
            toolchain: toolchain.toolchain,
          });
          const gpu =
            gpuDriver &&
            (await resolveGpu(gpuDriver, resolved.identity, info, {
              cacheRoot: options.cacheRoot,
              offline: options.offline ?? false,
              toolchainId: await toolchain.toolchain.id(info),
              signingKeyId: signingKey?.id,
            }));
          const key = await imageKey({
            boardFile: loadedBoard.file,
            packageKeys: packages.map((pkg) => pkg.key),
            kernelSha256: resolved.identity.sha256,
            mtime,
            authorizedKeys,
            rootPasswordHash,
            consoleShell: loadedBoard.board.console.shell,
            zstdLevel: zstdLevel(),
            gpuKey: gpu?.key,
          });
          fetched.set({ packages, gpu, imageKey: key, upToDate: await isOutputCurrent(options.outDir, key) });
          task.title = `Fetch sources: ${packages.map((pkg) => `${pkg.id} from ${pkg.source.kind}`).join(', ')}`;
        },
      },
      {
        title: 'Build packages',
        skip: () => (upToDate() ? 'the image is up to date' : false),
        task: async (_ctx, task) => {
          const { packageBuildStage } = await import('../build/package-tasks.ts');
          return task.newListr(
            buildStage.set(
              packageBuildStage(fetched.get().packages, {
                cacheRoot: options.cacheRoot,
                toolchain: plan.get().toolchain.toolchain,
                makeJobs: jobs.make,
                offline: options.offline ?? false,
              }),
            ).tasks,
            { concurrent: jobs.packages, exitOnError: true },
          );
        },
      },
      {
        title: 'Kernel',
        skip: () => (upToDate() ? `dist/${options.board} is up to date` : false),
        task: async (_ctx, task) => {
          const { runKernelStage } = await import('../kernel/kernel-stage.ts');
          const { formatAutoModules } = await import('../kernel/board-modules.ts');
          const resolved = plan.get().kernel;
          // A source kernel's cold build takes minutes: say what is being made while it runs.
          task.title = `Kernel: ${resolved.identity.name} ${resolved.identity.version}`;
          const result = kernel.set(await runKernelStage(resolved, plan.get().loadedBoard));
          const chosen = result.auto ? `, ${result.auto.chosen.length} chosen by the DTB` : '';
          const dtb = result.dtb ? `, DTB ${result.dtb.source}` : '';
          const built = result.kernel.built ? `, ${result.kernel.built}` : '';
          task.title = `Kernel: ${result.kernel.kver}${built}${dtb}, modules kept ${result.modules.totals.keptCount}/${result.modules.totals.totalCount}${chosen}`;
          if (result.auto) task.output = formatAutoModules(result.auto).join('\n');
        },
      },
      {
        title: 'GPU driver',
        skip: () => (upToDate() ? `dist/${options.board} is up to date` : fetched.get().gpu === undefined ? 'the board has no GPU' : false),
        task: async (_ctx, task) => {
          const gpu = fetched.get().gpu;
          if (gpu === undefined) return;
          const { toolchain, info, signingKey } = plan.get();
          const { runGpuStage } = await import('../gpu/gpu-stage.ts');
          const result = gpuStage.set(
            await runGpuStage(gpu, kernel.get(), {
              cacheRoot: options.cacheRoot,
              toolchain: toolchain.toolchain,
              info,
              // The driver builds alone, after the packages: every core the package builds shared.
              makeJobs: jobs.make * jobs.packages,
              signing: signingKey,
              warn,
            }),
          );
          const { summary } = result;
          const how = summary.built ? `built in ${summary.buildSeconds} s` : `from the cache (built in ${summary.buildSeconds} s)`;
          task.title = `GPU driver: ${summary.driver} ${summary.version} for ${summary.kernelRelease}, ${summary.modules.length} modules ${how}, ${summary.signed ? 'signed' : 'unsigned'}, firmware ${summary.firmware.length}`;
        },
      },
      {
        title: 'Assemble',
        skip: () => (upToDate() ? `dist/${options.board} is up to date` : false),
        task: async (_ctx, task) => {
          const { loadedBoard, authorizedKeys, rootPasswordHash } = plan.get();
          const { assembleImage } = await import('../assemble/assemble-image.ts');
          const image = assembled.set(
            await assembleImage({
              board: loadedBoard.board,
              packages: built(),
              kernel: kernel.get(),
              embVersion,
              authorizedKeys,
              rootPasswordHash,
              gpuLayers: gpuStage.isSet ? gpuStage.get().layers : undefined,
              readOnly: { cacheRoot: options.cacheRoot, mtime },
            }),
          );
          const ro = image.readOnly;
          const readOnly = ro ? `, read-only layer ${ro.files} files (${ro.fileBytes} bytes) in a ${ro.squashfsBytes}-byte squashfs` : '';
          task.title = `Assemble: ${image.entries.size} entries, ${image.conflicts.length} conflicts${readOnly}`;
        },
      },
      {
        title: 'Pack',
        skip: () => (upToDate() ? `dist/${options.board} is up to date` : false),
        task: async (_ctx, task) => {
          const { loadedBoard, toolchain, authorizedKeys, rootPasswordHash } = plan.get();
          const { board } = loadedBoard;
          const level = zstdLevel();
          const { bytesFile, initramfsFile } = await import('../pack/pack-image.ts');
          const { legacyImageFiles } = await import('../pack/legacy-images.ts');
          const { refuseMisfit } = await import('../pack/refuse-misfit.ts');
          const { buildManifest } = await import('../pack/build-manifest.ts');
          const initramfs = initramfsFile(assembled.get(), {
            mtime,
            zstdLevel: level,
            cacheRoot: options.cacheRoot,
            refuse: (sizes) => refuseMisfit(loadedBoard, sizes),
          });
          const secret = authorizedKeys !== undefined || rootPasswordHash !== undefined;
          const { image, dtb } = kernel.get();
          // Order matters: the legacy images are made from the staged kernel and initramfs.
          const files = [
            initramfs,
            bytesFile(image.name, image.data),
            ...(dtb ? [bytesFile(dtb.name, dtb.data)] : []),
            ...legacyImageFiles(board, { kernel: image.name, initramfs: initramfs.name, dtb: dtb?.name }),
          ];
          // The manifest needs the image's sizes: writeOutputs asks for it once the files are written.
          await writeOutputs(
            options.outDir,
            files,
            () =>
              packed.set(
                buildManifest({
                  board,
                  imageKey: fetched.get().imageKey,
                  toolchain: toolchain.toolchain.kind,
                  packages: built(),
                  kernel: kernel.get(),
                  image: assembled.get(),
                  initramfs: { ...initramfs.sizes(), zstdLevel: level, mtime },
                  outputs: files.map((file) => file.name),
                  gpu: gpuStage.isSet ? gpuStage.get().summary : undefined,
                  gpuChecks: gpuStage.isSet ? gpuStage.get().checks : undefined,
                }),
              ),
            { secret },
          );
          const privacy = secret ? ', mode 0600 (it holds a root password hash or SSH keys)' : '';
          const { compressedBytes, layers } = initramfs.sizes();
          const compressed = layers.filter((layer) => !layer.fromCache).length;
          task.title =
            `Pack: ${initramfs.name} ${compressedBytes} bytes (zstd-${level}), ${layers.length} layers, ` +
            `${compressed} compressed, ${layers.length - compressed} from the cache${privacy}`;
        },
      },
    ],
    listrOptions(),
  ).run();

  const manifest = fetched.get().upToDate ?? packed.get();
  return {
    manifest,
    built: buildStage.isSet
      ? built()
          .filter((pkg) => pkg.built)
          .map((pkg) => pkg.id)
      : [],
    toolchain: plan.get().toolchain.reason,
    upToDate: upToDate(),
    seconds: (performance.now() - started) / 1000,
  };
}
