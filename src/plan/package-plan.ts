import type { ChosenSource } from '../fetch/choose-source.ts';
import type { Arch } from '../schema/board.ts';
import { archInfoOf, type ArchInfo } from './arch-info.ts';
import { loadPackageSet } from './load-package-set.ts';
import type { LoadedRecipe } from './load-recipe.ts';

/**
 * One package for one arch: a node of the build graph. An aarch64 board with armhf
 * as an extra arch has nodes for both; a dependency is always on the same arch.
 */
export interface PackageNode {
  /** "aarch64/busybox" */
  id: string;
  loaded: LoadedRecipe;
  info: ArchInfo;
  /** Ids of the direct dependencies. */
  dependencies: string[];
  source?: ChosenSource;
  key?: string;
  /** Keys of all dependencies, direct or not, in build order: the sysroot. */
  sysrootKeys?: string[];
  artifact?: string;
  built?: boolean;
}

export interface PackageTarget {
  arch: Arch;
  packages: readonly string[];
}

export function nodeId(arch: Arch, name: string): string {
  return `${arch}/${name}`;
}

/** Every node the targets need, each after its dependencies (per arch, in target order). */
export async function planPackageNodes(targets: readonly PackageTarget[], dir?: string): Promise<PackageNode[]> {
  const nodes: PackageNode[] = [];
  for (const target of targets) {
    const info = archInfoOf(target.arch);
    for (const loaded of await loadPackageSet(target.packages, target.arch, dir)) {
      const id = nodeId(target.arch, loaded.recipe.name);
      if (nodes.some((node) => node.id === id)) continue;
      nodes.push({ id, loaded, info, dependencies: loaded.recipe.dependencies.map((name) => nodeId(target.arch, name)) });
    }
  }
  return nodes;
}

/** All dependencies of `node`, direct or not, in the order `nodes` (a build order) has them. */
export function transitiveDependencies(node: PackageNode, nodes: readonly PackageNode[]): PackageNode[] {
  const byId = new Map(nodes.map((candidate) => [candidate.id, candidate]));
  const wanted = new Set<string>();
  const visit = (id: string): void => {
    for (const dependency of byId.get(id)?.dependencies ?? []) {
      if (wanted.has(dependency)) continue;
      wanted.add(dependency);
      visit(dependency);
    }
  };
  visit(node.id);
  return nodes.filter((candidate) => wanted.has(candidate.id));
}
