/**
 * Reads a kernel's module tree into a ModuleIndex. Only each module's `.modinfo` section
 * is read (through a file handle: header, section table, names, section), a bounded
 * number of files at a time: a Debian arm64 tree is ~3,700 files and ~290 MB.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { readSectionFromFile } from '../../elf/elf-file-section.ts';
import { readBuiltinModules } from './builtin-modules.ts';
import { moduleFilesUnder } from './module-files.ts';
import { moduleIndexOf, type ModuleIndex, type ModuleRecord } from './module-index.ts';
import { moduleNameOfFile } from './module-names.ts';
import { parseModinfo } from './modinfo.ts';

/** Enough open files to keep the disk busy, few enough to stay far below the fd limit. */
const DEFAULT_CONCURRENCY = 32;

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const at = next++;
      results[at] = await fn(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The record of one `.ko` file; throws naming the file when it is not a module. */
export async function readModuleRecord(moduleRoot: string, relPath: string): Promise<ModuleRecord> {
  const file = path.join(moduleRoot, relPath);
  const name = moduleNameOfFile(path.posix.basename(relPath));
  if (name === undefined) throw new Error(`${file} is not a kernel module: its name does not end in .ko`);
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const section = await readSectionFromFile(handle, '.modinfo', file, size);
    if (section === undefined) throw new Error(`${file} has no .modinfo section: it is not a kernel module or it is corrupt`);
    return { name, relPath, size, info: parseModinfo(section) };
  } finally {
    await handle.close();
  }
}

async function verifyModuleRoot(moduleRoot: string): Promise<void> {
  const found = await stat(moduleRoot).catch(() => undefined);
  if (found === undefined || !found.isDirectory()) {
    throw new Error(`module tree ${moduleRoot} does not exist or is not a directory; expected <kernel tree>/lib/modules/<kernel version>`);
  }
}

export async function indexModules(moduleRoot: string, options: { concurrency?: number } = {}): Promise<ModuleIndex> {
  await verifyModuleRoot(moduleRoot);
  const files = await moduleFilesUnder(moduleRoot);
  if (files.compressed.length > 0) {
    throw new Error(
      `${moduleRoot} has ${files.compressed.length} compressed kernel modules (e.g. ${files.compressed[0]}); ` +
        'emb reads only uncompressed .ko files: decompress them (xz -d, zstd -d, gunzip) or use a kernel package with uncompressed modules',
    );
  }
  const [records, builtin] = await Promise.all([
    mapWithConcurrency(files.modules, options.concurrency ?? DEFAULT_CONCURRENCY, (rel) => readModuleRecord(moduleRoot, rel)),
    readBuiltinModules(moduleRoot),
  ]);
  return moduleIndexOf(moduleRoot, records, builtin);
}
