import { knownKeys, type KnownKey } from './known-args.ts';

/**
 * The known key an unknown uebo.* / bee.* key was probably meant to be. The old distro
 * silently lost remote hosts to a misspelt name; a warning that names the fix is cheap.
 */
export function suggestedKey(key: string): KnownKey | undefined {
  const normal = key.toLowerCase().replaceAll('-', '_');
  let best: { key: KnownKey; distance: number } | undefined;
  for (const known of knownKeys) {
    const distance = known === normal ? 0 : editDistance(normal, known);
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: known, distance };
  }
  return best?.key;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}
