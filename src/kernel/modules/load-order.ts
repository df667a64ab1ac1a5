/**
 * A load order over a dependency graph: Kahn's topological sort that always takes the
 * smallest ready name, so the same graph gives the same order on every host.
 */

/** Inserts into an ascending array, keeping it sorted. */
function insertSorted(sorted: string[], name: string): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? '') < name) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, name);
}

/**
 * Every node once, each edge's `before` ahead of its `after` where the graph allows it.
 * Soft dependencies can form cycles that modprobe itself tolerates; when no node is free,
 * the one with the fewest unmet predecessors (then the smallest name) goes next, so a
 * cycle bends the order instead of hanging or dropping modules.
 */
export function orderedByEdges(nodes: Iterable<string>, edges: Iterable<readonly [before: string, after: string]>): string[] {
  const successors = new Map<string, Set<string>>();
  const unmet = new Map<string, number>();
  for (const node of nodes) {
    successors.set(node, new Set());
    unmet.set(node, 0);
  }
  for (const [before, after] of edges) {
    const next = successors.get(before);
    if (before === after || next === undefined || !unmet.has(after) || next.has(after)) continue;
    next.add(after);
    unmet.set(after, (unmet.get(after) ?? 0) + 1);
  }

  const ready = [...unmet]
    .filter(([, count]) => count === 0)
    .map(([node]) => node)
    .sort();
  const order: string[] = [];
  const emit = (node: string): void => {
    order.push(node);
    unmet.delete(node);
    for (const after of successors.get(node) ?? []) {
      const count = unmet.get(after);
      if (count === undefined) continue;
      unmet.set(after, count - 1);
      if (count - 1 === 0) insertSorted(ready, after);
    }
  };
  while (unmet.size > 0) {
    const node = ready.shift();
    if (node !== undefined) {
      emit(node);
      continue;
    }
    let pick: [string, number] | undefined;
    for (const [candidate, count] of unmet) {
      if (pick === undefined || count < pick[1] || (count === pick[1] && candidate < pick[0])) pick = [candidate, count];
    }
    if (pick === undefined) throw new Error('internal: nodes are left but none can be picked');
    emit(pick[0]);
  }
  return order;
}
