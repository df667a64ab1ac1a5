import { availableParallelism } from 'node:os';
import { Listr } from 'listr2';
import { archInfoOf } from '../plan/arch-info.ts';
import { planPackageNodes, type PackageNode } from '../plan/package-plan.ts';
import type { Arch } from '../schema/board.ts';
import { selectToolchain, type SelectedToolchain, type ToolchainChoice } from '../toolchain/select-toolchain.ts';
import { verifyBuildHost } from '../toolchain/verify-build-host.ts';
import { listrOptions } from './listr-options.ts';
import { packageBuildTasks, resolveAndKeyNodes } from './package-stages.ts';

export interface PackageBuildOptions {
  names: readonly string[];
  arch: Arch;
  cacheRoot: string;
  jobs?: number;
  offline?: boolean;
  toolchain?: ToolchainChoice;
}

export interface PackageBuildResult {
  nodes: PackageNode[];
  toolchain: string;
  seconds: number;
}

/** `emb package build`: the named recipes and what they depend on, for one arch, into the cache. */
export async function runPackageBuild(options: PackageBuildOptions): Promise<PackageBuildResult> {
  const started = performance.now();
  const jobs = options.jobs ?? availableParallelism();
  const info = archInfoOf(options.arch);
  const ctx: { nodes: PackageNode[]; selected?: SelectedToolchain } = { nodes: [] };
  await new Listr<typeof ctx>(
    [
      {
        title: 'Plan',
        task: async (ctx, task) => {
          ctx.nodes = await planPackageNodes([{ arch: options.arch, packages: options.names }]);
          ctx.selected = await selectToolchain(options.toolchain);
          await verifyBuildHost(ctx.selected.toolchain, [info]);
          task.title = `Plan: ${ctx.nodes.map((node) => node.loaded.recipe.name).join(', ')} for ${options.arch}, toolchain ${ctx.selected.reason}`;
        },
      },
      {
        title: 'Fetch sources',
        task: async (ctx) => {
          await resolveAndKeyNodes(ctx.nodes, options.cacheRoot, options.offline ?? false, ctx.selected!.toolchain);
        },
      },
      {
        title: 'Build packages',
        task: (ctx, task) => task.newListr(packageBuildTasks(ctx.nodes, { cacheRoot: options.cacheRoot, toolchain: ctx.selected!.toolchain, jobs }), { concurrent: jobs, exitOnError: true }),
      },
    ],
    listrOptions<typeof ctx>(),
  ).run(ctx);
  return { nodes: ctx.nodes, toolchain: ctx.selected!.reason, seconds: (performance.now() - started) / 1000 };
}
