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

/** Levenshtein distance, one row at a time (UTF-16 code units, as `a[i]` indexes them). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (const [i, charA] of a.split('').entries()) {
    const row = [i + 1];
    // Walking `previous` one cell behind `above` gives the diagonal; `left` is the cell just written.
    let diagonal = i;
    let left = i + 1;
    for (const [j, above] of previous.slice(1).entries()) {
      left = Math.min(above + 1, left + 1, diagonal + (charA === b[j] ? 0 : 1));
      row.push(left);
      diagonal = above;
    }
    previous = row;
  }
  const distance = previous.at(-1);
  if (distance === undefined) throw new Error('internal: edit distance row is empty');
  return distance;
}
