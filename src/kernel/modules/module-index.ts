/**
 * The index of one kernel's module tree: every loadable module by canonical name, the
 * built-in ones, and alias tables for both. Built from records by a pure function so
 * that tests can make synthetic trees without files.
 */
import { aliasTableOf, type AliasTable } from './alias-table.ts';
import type { BuiltinModules } from './builtin-modules.ts';
import type { ModInfo } from './modinfo.ts';
import type { ModuleCompression } from './module-compression.ts';

export interface ModuleRecord {
  /** Canonical name: the file name without `.ko`, '-' → '_'. */
  name: string;
  /**
   * Relative to the module root, e.g. 'kernel/drivers/net/virtio_net.ko': where the
   * image puts it. Always `.ko`, also when the tree holds it compressed.
   */
  relPath: string;
  /** How the tree holds it when compressed: the file is `relPath` + '.xz' (or '.zst', '.gz'). */
  compression?: ModuleCompression;
  /** Size in bytes of the plain `.ko` (what the image holds). */
  size: number;
  info: ModInfo;
}

export interface ModuleIndex {
  /** The tree this index describes, e.g. '…/lib/modules/6.1.0-28-arm64' (for messages). */
  moduleRoot: string;
  modules: Map<string, ModuleRecord>;
  /** Canonical names of the modules built into the kernel image. */
  builtin: Set<string>;
  /** Aliases of the loadable modules. */
  aliases: AliasTable;
  /** Aliases of the built-in modules. */
  builtinAliases: AliasTable;
}

/**
 * Which of two files with the same module name modprobe would use: depmod searches
 * `updates/` first (where DKMS puts rebuilt modules); otherwise the first path, so the
 * choice does not depend on directory order.
 */
function preferredRecord(a: ModuleRecord, b: ModuleRecord): ModuleRecord {
  const aUpdates = a.relPath.startsWith('updates/');
  const bUpdates = b.relPath.startsWith('updates/');
  if (aUpdates !== bUpdates) return aUpdates ? a : b;
  return a.relPath <= b.relPath ? a : b;
}

export function moduleIndexOf(
  moduleRoot: string,
  records: Iterable<ModuleRecord>,
  builtin: BuiltinModules = { names: [], aliases: [] },
): ModuleIndex {
  const modules = new Map<string, ModuleRecord>();
  for (const record of records) {
    const other = modules.get(record.name);
    modules.set(record.name, other === undefined ? record : preferredRecord(other, record));
  }
  const sorted = new Map([...modules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const aliasPairs = [...sorted.values()].flatMap((m) => m.info.aliases.map((alias) => [alias, m.name] as const));
  return {
    moduleRoot,
    modules: sorted,
    builtin: new Set(builtin.names),
    aliases: aliasTableOf(aliasPairs),
    builtinAliases: aliasTableOf(builtin.aliases),
  };
}
