/** Kernel module trees: index a tree, pick a closure of modules, count what is kept. */
export { parseModinfo, parseSoftdep, type ModInfo } from './modinfo.ts';
export { canonicalAlias, canonicalModuleName } from './module-names.ts';
export { globMatches } from './glob-match.ts';
export { modulesMatchingAlias, type AliasTable } from './alias-table.ts';
export { parseBuiltinModinfo, parseModulesBuiltin, type BuiltinModules } from './builtin-modules.ts';
export { moduleIndexOf, type ModuleIndex, type ModuleRecord } from './module-index.ts';
export { indexModules, readModuleRecord } from './index-modules.ts';
export { diskPathOf, moduleFileOf, readModuleFiles, type ModuleCompression, type ModuleFile } from './module-compression.ts';
export { moduleClosure, resolveModuleName, type ModuleClosure, type ModuleResolution } from './module-closure.ts';
export { orderedByEdges } from './load-order.ts';
export { modulesTotals, type ModulesTotals } from './modules-totals.ts';
