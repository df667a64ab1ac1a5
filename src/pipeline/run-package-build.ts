import { Listr } from 'listr2';
import { defaultJobs, type Jobs, jobsSummary } from '../build/jobs.ts';
import { packageBuildStage, type BuiltPackage, type PackageBuildStage } from '../build/package-tasks.ts';
import { fetchAndKeyPackages, type KeyedPackage } from '../fetch/key-packages.ts';
import { archInfoOf } from '../plan/arch-info.ts';
import { planPackageNodes, type PackageNode } from '../plan/package-plan.ts';
import type { Arch } from '../schema/board.ts';
import { selectToolchain, type SelectedToolchain, type ToolchainChoice } from '../toolchain/select-toolchain.ts';
import { verifyBuildHost } from '../toolchain/verify-build-host.ts';
import { listrOptions } from './listr-options.ts';
import { StageResult } from './stage-result.ts';

export interface PackageBuildOptions {
  names: readonly string[];
  arch: Arch;
  cacheRoot: string;
  jobs?: Partial<Jobs>;
  offline?: boolean;
  toolchain?: ToolchainChoice;
}

export interface PackageBuildResult {
  packages: BuiltPackage[];
  toolchain: string;
  seconds: number;
}

/** `emb package build`: the named recipes and what they depend on, for one arch, into the cache. The plan, fetch and build stages of runBuild. */
export async function runPackageBuild(options: PackageBuildOptions): Promise<PackageBuildResult> {
  const started = performance.now();
  const jobs = defaultJobs(undefined, options.jobs);
  const info = archInfoOf(options.arch);
  const plan = new StageResult<{ nodes: PackageNode[]; toolchain: SelectedToolchain }>('plan');
  const fetched = new StageResult<KeyedPackage[]>('fetch');
  const buildStage = new StageResult<PackageBuildStage>('build');
  await new Listr(
    [
      {
        title: 'Plan',
        task: async (_ctx, task) => {
          const nodes = await planPackageNodes([{ arch: options.arch, packages: options.names }]);
          const toolchain = await selectToolchain(options.toolchain);
          await verifyBuildHost(toolchain.toolchain, [info]);
          plan.set({ nodes, toolchain });
          const names = nodes.map((node) => node.loaded.recipe.name).join(', ');
          task.title = `Plan: ${names} for ${options.arch}, toolchain ${toolchain.reason}, ${jobsSummary(jobs)}`;
        },
      },
      {
        title: 'Fetch sources',
        task: async () => {
          fetched.set(
            await fetchAndKeyPackages(plan.get().nodes, {
              cacheRoot: options.cacheRoot,
              offline: options.offline ?? false,
              toolchain: plan.get().toolchain.toolchain,
            }),
          );
        },
      },
      {
        title: 'Build packages',
        task: (_ctx, task) =>
          task.newListr(
            buildStage.set(
              packageBuildStage(fetched.get(), {
                cacheRoot: options.cacheRoot,
                toolchain: plan.get().toolchain.toolchain,
                makeJobs: jobs.make,
                offline: options.offline ?? false,
              }),
            ).tasks,
            { concurrent: jobs.packages, exitOnError: true },
          ),
      },
    ],
    listrOptions(),
  ).run();
  return { packages: buildStage.get().results(), toolchain: plan.get().toolchain.reason, seconds: (performance.now() - started) / 1000 };
}
