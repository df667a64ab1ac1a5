import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';

/**
 * Module specifiers a TypeScript file names statically: `import … from 'x'`,
 * `export … from 'x'` and `import 'x'`. A small scan, not a parser: a specifier in a
 * comment may be matched too, which only adds a file to a key (or nothing, when the
 * file does not exist). Dynamic `import()` is not followed.
 */
const fromClause = /\b(?:import|export)\s[^;'"]*?\bfrom\s*(['"])([^'"\n]+)\1/g;
const bareImport = /\bimport\s*(['"])([^'"\n]+)\1/g;

export function staticSpecifiers(source: string): string[] {
  const found = new Set<string>();
  for (const pattern of [fromClause, bareImport]) {
    for (const [, , specifier] of source.matchAll(pattern)) if (specifier !== undefined) found.add(specifier);
  }
  return [...found];
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** The file a relative specifier names, as tsx resolves it: as written, then with .ts or /index.ts. */
async function resolveRelative(fromFile: string, specifier: string): Promise<string | undefined> {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    if (await isFile(candidate)) return realpath(candidate);
  }
  return undefined;
}

function isUnder(file: string, dirs: readonly string[]): boolean {
  return dirs.some((dir) => file === dir || file.startsWith(`${dir}${sep}`));
}

/**
 * `entry` and every file it imports through relative specifiers, directly or not:
 * what a board (or recipe) file's value depends on. Bare specifiers ('zod') are
 * packages, not the project's files, and are left out; so is anything under
 * `coveredDirs` (emb's own src/, which a key hashes whole). Real paths, sorted.
 */
export async function importClosure(entry: string, coveredDirs: readonly string[] = []): Promise<string[]> {
  const covered = await Promise.all(coveredDirs.map((dir) => realpath(dir).catch(() => resolve(dir))));
  const seen = new Set<string>();
  const pending = [await realpath(entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of staticSpecifiers(await readFile(file, 'utf8'))) {
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
      const target = await resolveRelative(file, specifier);
      if (target !== undefined && !seen.has(target) && !isUnder(target, covered)) pending.push(target);
    }
  }
  return [...seen].sort();
}
