import type { Arch } from '../schema/board.ts';
import { archInfoOf, type ArchInfo } from './arch-info.ts';
import { loadPackageSet } from './load-package-set.ts';
import type { LoadedRecipe } from './load-recipe.ts';

/**
 * One package for one arch: a node of the build graph, the plan stage's output. An
 * aarch64 board with armhf as an extra arch has nodes for both; a dependency is always
 * on the same arch. The fetch stage adds a source and a key (KeyedPackage), the build
 * stage an artifact (BuiltPackage): each stage returns new objects, none is mutated.
 */
export interface PackageNode {
  /** "aarch64/busybox" */
  readonly id: string;
  readonly loaded: LoadedRecipe;
  readonly info: ArchInfo;
  /** Ids of the direct dependencies. */
  readonly dependencies: readonly string[];
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
export function transitiveDependencies<Node extends PackageNode>(node: PackageNode, nodes: readonly Node[]): Node[] {
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
