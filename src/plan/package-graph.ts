import { EmbError } from '../errors.ts';

/**
 * Order packages so that every package comes after what it depends on. `dependenciesOf`
 * returns a package's direct dependencies; a cycle or an unknown name is an error that
 * names the whole chain.
 */
export function topologicalOrder(roots: readonly string[], dependenciesOf: (name: string) => readonly string[] | undefined): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visit = (name: string, chain: readonly string[]): void => {
    if (done.has(name)) return;
    if (chain.includes(name)) {
      throw new EmbError(
        `dependency cycle: ${[...chain.slice(chain.indexOf(name)), name].join(' -> ')}`,
        'remove one of these dependencies',
      );
    }
    const dependencies = dependenciesOf(name);
    if (!dependencies) {
      const via = chain.length > 0 ? ` (needed by ${chain.join(' -> ')})` : '';
      throw new EmbError(`unknown package "${name}"${via}`, 'add packages/<name>/recipe.ts or fix the dependency name');
    }
    for (const dependency of [...dependencies].sort()) visit(dependency, [...chain, name]);
    done.add(name);
    order.push(name);
  };
  for (const root of roots) visit(root, []);
  return order;
}
