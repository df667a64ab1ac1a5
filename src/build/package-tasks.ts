import type { ListrTask } from 'listr2';
import type { KeyedPackage } from '../fetch/key-packages.ts';
import { buildPackage, type BuildEnvironment } from './build-package.ts';

/** The build stage's output: a package and its artifact in the cache. */
export interface BuiltPackage extends KeyedPackage {
  /** The runtime tar (see artifact-store.ts). */
  readonly artifact: string;
  /** Built in this run, rather than found in the cache. */
  readonly built: boolean;
}

export interface PackageBuildStage {
  /** One listr task per package; run them with `concurrent: jobs.packages`. */
  tasks: ListrTask[];
  /** Every package with its artifact, in build order; only once all tasks succeeded. */
  results(): BuiltPackage[];
}

/**
 * The build stage. A task first waits for its dependencies' tasks; packages are in
 * build order, so the earliest unfinished task always has what it needs and the pool
 * cannot deadlock.
 */
export function packageBuildStage(packages: readonly KeyedPackage[], env: BuildEnvironment): PackageBuildStage {
  const finished = new Map<string, Promise<BuiltPackage>>();
  const signals = new Map<string, { resolve: (built: BuiltPackage) => void; reject: (error: unknown) => void }>();
  const done = new Map<string, BuiltPackage>();
  for (const pkg of packages) {
    const promise = new Promise<BuiltPackage>((resolve, reject) => signals.set(pkg.id, { resolve, reject }));
    // A failed dependency is reported by its own task; waiting tasks just stop.
    promise.catch(() => undefined);
    finished.set(pkg.id, promise);
  }
  const tasks = packages.map(
    (pkg): ListrTask => ({
      title: `${pkg.loaded.recipe.name} ${pkg.loaded.recipe.version} (${pkg.info.arch})`,
      task: async (_ctx, task) => {
        const signal = signals.get(pkg.id);
        try {
          await Promise.all(pkg.dependencies.map((id) => finished.get(id)));
          const result = await buildPackage(
            { loaded: pkg.loaded, info: pkg.info, source: pkg.source, key: pkg.key, dependencyKeys: pkg.sysrootKeys },
            env,
          );
          const built: BuiltPackage = { ...pkg, artifact: result.artifact, built: result.built };
          done.set(pkg.id, built);
          task.title = `${pkg.loaded.recipe.name} ${pkg.loaded.recipe.version} (${pkg.info.arch}): ${result.built ? 'built' : 'cached'}`;
          signal?.resolve(built);
        } catch (error) {
          signal?.reject(error);
          throw error;
        }
      },
    }),
  );
  const results = (): BuiltPackage[] =>
    packages.map((pkg) => {
      const built = done.get(pkg.id);
      if (!built) throw new Error(`internal: ${pkg.id} has no artifact; its build task did not finish`);
      return built;
    });
  return { tasks, results };
}
