/**
 * A module tree's index, kept beside a tree that never changes once made (a kernel in
 * emb's cache): reading ~3,700 modules' .modinfo sections took 0.3–0.7 s of every
 * build, a no-op's repack after a rootfile change included (issue 13). The kept file
 * holds the records and the built-in list the index is made from; a file of another
 * format, or one that does not parse, is read again from the tree and replaced.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../fs/atomic.ts';
import type { BuiltinModules } from './builtin-modules.ts';
import { readModuleTreeRecords, type ModuleTreeRecords } from './index-modules.ts';
import { moduleIndexOf, type ModuleIndex, type ModuleRecord } from './module-index.ts';

/** Bump when ModuleRecord, ModInfo or what index-modules.ts reads changes. */
export const KEPT_INDEX_FORMAT = 'emb-module-index-1';

interface KeptIndex extends ModuleTreeRecords {
  format: string;
}

function isKeptIndex(value: unknown): value is KeptIndex {
  const kept = value as Partial<KeptIndex> | null;
  const builtin = kept?.builtin as Partial<BuiltinModules> | undefined;
  return (
    kept?.format === KEPT_INDEX_FORMAT &&
    Array.isArray(kept.records) &&
    kept.records.every((record: Partial<ModuleRecord>) => typeof record?.name === 'string' && typeof record.relPath === 'string') &&
    Array.isArray(builtin?.names) &&
    Array.isArray(builtin?.aliases)
  );
}

async function readKeptIndex(file: string): Promise<KeptIndex | undefined> {
  try {
    const kept: unknown = JSON.parse(await readFile(file, 'utf8'));
    return isKeptIndex(kept) ? kept : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The index of `moduleRoot`: from `keptFile` when a run has read this tree before, else
 * read from the tree and kept there (by a temp name and a rename). Without a `keptFile`
 * (a tree that may change) the tree is read every time.
 */
export async function indexModulesKept(moduleRoot: string, keptFile: string | undefined): Promise<ModuleIndex> {
  const kept = keptFile === undefined ? undefined : await readKeptIndex(keptFile);
  if (kept !== undefined) return moduleIndexOf(moduleRoot, kept.records, kept.builtin);
  const { records, builtin } = await readModuleTreeRecords(moduleRoot);
  if (keptFile !== undefined) {
    const file: KeptIndex = { format: KEPT_INDEX_FORMAT, records, builtin };
    // Only time is lost when it cannot be kept: the next run reads the tree again.
    await writeFileAtomic(keptFile, JSON.stringify(file)).catch(() => undefined);
  }
  return moduleIndexOf(moduleRoot, records, builtin);
}
