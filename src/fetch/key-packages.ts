import type { ChosenSource } from './choose-source.ts';
import { join } from 'node:path';
import { chooseSource } from './choose-source.ts';
import { checkImportedVersion } from './imported-version.ts';
import { shownPath } from '../plan/load-data-module.ts';
import { packageKey } from '../plan/package-key.ts';
import { transitiveDependencies, type PackageNode } from '../plan/package-plan.ts';
import type { Toolchain } from '../toolchain/toolchain.ts';

/** The fetch stage's output: a package with its source chosen and its cache key. */
export interface KeyedPackage extends PackageNode {
  readonly source: ChosenSource;
  readonly key: string;
  /** Keys of all dependencies, direct or not, in build order: the sysroot. */
  readonly sysrootKeys: readonly string[];
}

export interface FetchOptions {
  cacheRoot: string;
  /** Only the cache, never the network. */
  offline: boolean;
  toolchain: Toolchain;
}

/**
 * The fetch stage: pick each node's source (the cache first; with `offline`, only the
 * cache), then key every node in build order so dependencies are keyed first. A Debian
 * binary import runs no compiler, so its key leaves the toolchain out: switching
 * toolchains rebuilds only what is compiled.
 */
export async function fetchAndKeyPackages(nodes: readonly PackageNode[], options: FetchOptions): Promise<KeyedPackage[]> {
  const sources = await Promise.all(
    nodes.map((node) => chooseSource(node.loaded.recipe.name, options.cacheRoot, node.loaded.recipe.sources, node.info, options.offline)),
  );
  for (const [index, node] of nodes.entries()) {
    const source = sources[index];
    const imported = source?.kind === 'debian-binary' ? source.packages[0]?.pkg : undefined;
    if (imported !== undefined) checkImportedVersion(shownPath(join(node.loaded.dir, 'recipe.ts')), node.loaded.recipe.version, imported);
  }
  return keyPackages(nodes, sources, options.toolchain);
}

/** Key `nodes` (in build order) with their chosen sources (`sources[i]` is `nodes[i]`'s). */
export async function keyPackages(
  nodes: readonly PackageNode[],
  sources: readonly ChosenSource[],
  toolchain: Pick<Toolchain, 'id'>,
): Promise<KeyedPackage[]> {
  const toolchainIds = new Map<string, Promise<string>>();
  const toolchainIdFor = (node: PackageNode): Promise<string> => {
    const known = toolchainIds.get(node.info.arch);
    if (known) return known;
    const id = toolchain.id(node.info);
    toolchainIds.set(node.info.arch, id);
    return id;
  };
  const keyed: KeyedPackage[] = [];
  const keys = new Map<string, string>();
  const keyOf = (id: string): string => {
    const key = keys.get(id);
    if (key === undefined) throw new Error(`internal: ${id} is keyed after a package that depends on it`);
    return key;
  };
  for (const [index, node] of nodes.entries()) {
    const source = sources[index];
    if (!source) throw new Error(`internal: no source chosen for ${node.id}`);
    const key = await packageKey({
      recipeDir: node.loaded.dir,
      sourceIdentity: source.identity,
      toolchainId: source.kind === 'debian-binary' ? 'none' : await toolchainIdFor(node),
      arch: node.info.arch,
      dependencyKeys: node.dependencies.map(keyOf),
    });
    // Dependencies come before `node` in `nodes`, so every one of them is keyed by now.
    keyed.push({ ...node, source, key, sysrootKeys: transitiveDependencies(node, nodes).map((dependency) => keyOf(dependency.id)) });
    keys.set(node.id, key);
  }
  return keyed;
}
