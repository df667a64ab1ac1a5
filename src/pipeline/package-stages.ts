import type { ListrTask } from 'listr2';
import { buildPackage, type BuildEnvironment } from '../build/build-package.ts';
import { chooseSource } from '../fetch/choose-source.ts';
import { packageKey } from '../plan/package-key.ts';
import { transitiveDependencies, type PackageNode } from '../plan/package-plan.ts';
import type { Toolchain } from '../toolchain/toolchain.ts';

/** Pick each node's source (the cache first; with `offline`, only the cache), then key every node. */
export async function resolveAndKeyNodes(nodes: readonly PackageNode[], cacheRoot: string, offline: boolean, toolchain: Toolchain): Promise<void> {
  await Promise.all(nodes.map(async (node) => {
    node.source = await chooseSource(node.loaded.recipe.name, cacheRoot, node.loaded.recipe.sources, node.info, offline);
  }));
  await computeNodeKeys(nodes, toolchain);
}

/**
 * Key every node, in build order so dependencies are keyed first. A Debian binary
 * import runs no compiler, so its key leaves the toolchain out: switching toolchains
 * rebuilds only what is compiled.
 */
export async function computeNodeKeys(nodes: readonly PackageNode[], toolchain: Toolchain): Promise<void> {
  const toolchainIds = new Map<string, Promise<string>>();
  const idFor = (node: PackageNode): Promise<string> => {
    if (!toolchainIds.has(node.info.arch)) toolchainIds.set(node.info.arch, toolchain.id(node.info));
    return toolchainIds.get(node.info.arch)!;
  };
  const keys = new Map<string, string>();
  for (const node of nodes) {
    node.key = await packageKey({
      recipeDir: node.loaded.dir,
      sourceIdentity: node.source!.identity,
      toolchainId: node.source!.kind === 'debian-binary' ? 'none' : await idFor(node),
      arch: node.info.arch,
      dependencyKeys: node.dependencies.map((id) => keys.get(id)!),
    });
    node.sysrootKeys = transitiveDependencies(node, nodes).map((dependency) => keys.get(dependency.id)!);
    keys.set(node.id, node.key);
  }
}

/**
 * One listr task per node, run up to `env.jobs` at a time. A task first waits for its
 * dependencies' tasks; nodes are in build order, so the earliest unfinished task
 * always has what it needs and the pool cannot deadlock.
 */
export function packageBuildTasks<Ctx>(nodes: readonly PackageNode[], env: BuildEnvironment): ListrTask<Ctx>[] {
  const finished = new Map<string, Promise<void>>();
  const signals = new Map<string, { resolve: () => void; reject: (error: unknown) => void }>();
  for (const node of nodes) {
    finished.set(node.id, new Promise<void>((resolve, reject) => signals.set(node.id, { resolve, reject })));
    // A failed dependency is reported by its own task; waiting tasks just stop.
    finished.get(node.id)!.catch(() => undefined);
  }
  return nodes.map((node) => ({
    title: `${node.loaded.recipe.name} ${node.loaded.recipe.version} (${node.info.arch})`,
    task: async (_ctx, task) => {
      const signal = signals.get(node.id)!;
      try {
        await Promise.all(node.dependencies.map((id) => finished.get(id)!));
        const result = await buildPackage({ loaded: node.loaded, info: node.info, source: node.source!, key: node.key!, dependencyKeys: node.sysrootKeys! }, env);
        node.artifact = result.artifact;
        node.built = result.built;
        task.title = `${node.loaded.recipe.name} ${node.loaded.recipe.version} (${node.info.arch}): ${result.built ? 'built' : 'cached'}`;
        signal.resolve();
      } catch (error) {
        signal.reject(error);
        throw error;
      }
    },
  }));
}
