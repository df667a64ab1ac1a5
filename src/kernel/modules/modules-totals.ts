/** How much of a kernel's module tree an image keeps, for the build summary and the manifest. */
import type { ModuleIndex, ModuleRecord } from './module-index.ts';

export interface ModulesTotals {
  keptCount: number;
  totalCount: number;
  keptBytes: number;
  totalBytes: number;
}

/** Totals over the index and over `kept` (e.g. a closure's `order`); a module kept twice counts once. */
export function modulesTotals(index: ModuleIndex, kept: Iterable<ModuleRecord>): ModulesTotals {
  const keptByName = new Map<string, ModuleRecord>();
  for (const record of kept) keptByName.set(record.name, record);
  let totalBytes = 0;
  for (const record of index.modules.values()) totalBytes += record.size;
  let keptBytes = 0;
  for (const record of keptByName.values()) keptBytes += record.size;
  return { keptCount: keptByName.size, totalCount: index.modules.size, keptBytes, totalBytes };
}
