/**
 * Reads a kernel's module tree into a ModuleIndex. Only each module's `.modinfo` section
 * is read (through a file handle: header, section table, names, section), a bounded
 * number of files at a time: a Debian arm64 tree is ~3,700 files and ~290 MB. A
 * compressed module (.ko.xz, .ko.zst) has to be decompressed whole to find its section;
 * those are read in batches (module-compression.ts).
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { readSection } from '../../elf/elf-sections.ts';
import { readSectionFromFile } from '../../elf/elf-file-section.ts';
import { readBuiltinModules, type BuiltinModules } from './builtin-modules.ts';
import { diskPathOf, moduleFileOf, readModuleFiles, type ModuleFile } from './module-compression.ts';
import { moduleFilesUnder } from './module-files.ts';
import { moduleIndexOf, type ModuleIndex, type ModuleRecord } from './module-index.ts';
import { moduleNameOfFile } from './module-names.ts';
import { parseModinfo } from './modinfo.ts';

/** Enough open files to keep the disk busy, few enough to stay far below the fd limit. */
const DEFAULT_CONCURRENCY = 32;
/** Compressed modules decompressed together: bounds the memory held at once (~64 × 100 KB each). */
const COMPRESSED_CHUNK = 64;

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  // One iterator shared by the workers: each takes the next item when it is free.
  const queue = items.entries();
  const worker = async (): Promise<void> => {
    for (const [at, item] of queue) results[at] = await fn(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function noModinfo(file: string): Error {
  return new Error(`${file} has no .modinfo section: it is not a kernel module or it is corrupt`);
}

/** The record of a plain `.ko`, reading only its .modinfo section. */
async function plainModuleRecord(moduleRoot: string, module: ModuleFile, name: string): Promise<ModuleRecord> {
  const file = path.join(moduleRoot, module.relPath);
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const section = await readSectionFromFile(handle, '.modinfo', file, size);
    if (section === undefined) throw noModinfo(file);
    return { name, relPath: module.relPath, size, info: parseModinfo(section) };
  } finally {
    await handle.close();
  }
}

/** The record of a compressed module from its decompressed bytes. */
function compressedModuleRecord(moduleRoot: string, module: ModuleFile, name: string, bytes: Buffer): ModuleRecord {
  const file = path.join(moduleRoot, diskPathOf(module));
  const section = readSection(bytes, '.modinfo', file);
  if (section === undefined) throw noModinfo(file);
  return { name, relPath: module.relPath, compression: module.compression, size: bytes.length, info: parseModinfo(section) };
}

function moduleNameOf(moduleRoot: string, relPathOnDisk: string): { module: ModuleFile; name: string } {
  const module = moduleFileOf(relPathOnDisk);
  const name = module === undefined ? undefined : moduleNameOfFile(path.posix.basename(module.relPath));
  if (module === undefined || name === undefined) {
    throw new Error(
      `${path.join(moduleRoot, relPathOnDisk)} is not a kernel module: its name does not end in .ko (or .ko.xz, .ko.zst, .ko.gz)`,
    );
  }
  return { module, name };
}

/** The record of one module file (`.ko`, or compressed); throws naming the file when it is not a module. */
export async function readModuleRecord(moduleRoot: string, relPathOnDisk: string): Promise<ModuleRecord> {
  const { module, name } = moduleNameOf(moduleRoot, relPathOnDisk);
  if (module.compression === undefined) return plainModuleRecord(moduleRoot, module, name);
  const [bytes] = await readModuleFiles(moduleRoot, [module]);
  if (bytes === undefined) throw new Error(`internal: no bytes read for ${relPathOnDisk}`);
  return compressedModuleRecord(moduleRoot, module, name, bytes);
}

async function compressedRecords(moduleRoot: string, modules: readonly ModuleFile[]): Promise<ModuleRecord[]> {
  const chunks: ModuleFile[][] = [];
  for (let start = 0; start < modules.length; start += COMPRESSED_CHUNK) chunks.push(modules.slice(start, start + COMPRESSED_CHUNK));
  const perChunk = await mapWithConcurrency(chunks, 2, async (chunk) => {
    const bytes = await readModuleFiles(moduleRoot, chunk);
    return chunk.map((module, at) => {
      const data = bytes[at];
      if (data === undefined) throw new Error(`internal: no bytes read for ${diskPathOf(module)}`);
      return compressedModuleRecord(moduleRoot, module, moduleNameOf(moduleRoot, diskPathOf(module)).name, data);
    });
  });
  return perChunk.flat();
}

async function verifyModuleRoot(moduleRoot: string): Promise<void> {
  const found = await stat(moduleRoot).catch(() => undefined);
  if (found === undefined || !found.isDirectory()) {
    throw new Error(`module tree ${moduleRoot} does not exist or is not a directory; expected <kernel tree>/lib/modules/<kernel version>`);
  }
}

/** What an index is made of: every module's record, in file order, and what the kernel has built in. */
export interface ModuleTreeRecords {
  records: ModuleRecord[];
  builtin: BuiltinModules;
}

export async function indexModules(moduleRoot: string, options: { concurrency?: number } = {}): Promise<ModuleIndex> {
  const { records, builtin } = await readModuleTreeRecords(moduleRoot, options);
  return moduleIndexOf(moduleRoot, records, builtin);
}

/** Read every module's .modinfo and the built-in list: the slow part of indexModules (a Debian tree: ~3,700 files). */
export async function readModuleTreeRecords(moduleRoot: string, options: { concurrency?: number } = {}): Promise<ModuleTreeRecords> {
  await verifyModuleRoot(moduleRoot);
  const { modules } = await moduleFilesUnder(moduleRoot);
  const plain = modules.filter((module) => module.compression === undefined);
  const compressed = modules.filter((module) => module.compression !== undefined);
  const [plainRecords, compressedRecordList, builtin] = await Promise.all([
    mapWithConcurrency(plain, options.concurrency ?? DEFAULT_CONCURRENCY, (module) =>
      plainModuleRecord(moduleRoot, module, moduleNameOf(moduleRoot, module.relPath).name),
    ),
    compressedRecords(moduleRoot, compressed),
    readBuiltinModules(moduleRoot),
  ]);
  // Records in file order (plain before compressed at the same path), so a tie is decided the same way every time.
  const order = new Map(modules.map((module, at) => [diskPathOf(module), at]));
  const rank = (record: ModuleRecord): number => order.get(diskPathOf(record)) ?? 0;
  const records = [...plainRecords, ...compressedRecordList].sort((a, b) => rank(a) - rank(b));
  return { records, builtin };
}
