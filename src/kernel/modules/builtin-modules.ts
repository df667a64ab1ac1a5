/**
 * Modules compiled into the kernel image. `modules.builtin` lists their would-be paths
 * ('kernel/drivers/virtio/virtio.ko'); `modules.builtin.modinfo` holds their modinfo
 * strings prefixed with the module name ('crc32c_generic.alias=crypto-crc32c'), which is
 * what lets a softdep on an alias be satisfied by a built-in module.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { modinfoEntries } from './modinfo.ts';
import { canonicalModuleName, moduleNameOfFile } from './module-names.ts';

export interface BuiltinModules {
  names: string[];
  /** [alias pattern, module name] pairs. */
  aliases: Array<[string, string]>;
}

/** Canonical module names of the lines of a `modules.builtin` file. */
export function parseModulesBuiltin(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const name = moduleNameOfFile(path.posix.basename(line.trim()));
    if (name !== undefined) names.push(name);
  }
  return names;
}

/** The alias pairs of a `modules.builtin.modinfo` file ('<module>.<key>=<value>' strings). */
export function parseBuiltinModinfo(section: Buffer): Array<[string, string]> {
  const aliases: Array<[string, string]> = [];
  for (const [qualifiedKey, value] of modinfoEntries(section)) {
    const dot = qualifiedKey.indexOf('.');
    if (dot > 0 && qualifiedKey.slice(dot + 1) === 'alias' && value !== '') {
      aliases.push([value, canonicalModuleName(qualifiedKey.slice(0, dot))]);
    }
  }
  return aliases;
}

async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Built-in modules of the tree at `moduleRoot`; empty lists when the files are absent. */
export async function readBuiltinModules(moduleRoot: string): Promise<BuiltinModules> {
  const [list, modinfo] = await Promise.all([
    readIfPresent(path.join(moduleRoot, 'modules.builtin')),
    readIfPresent(path.join(moduleRoot, 'modules.builtin.modinfo')),
  ]);
  return {
    names: list === undefined ? [] : parseModulesBuiltin(list.toString('utf8')),
    aliases: modinfo === undefined ? [] : parseBuiltinModinfo(modinfo),
  };
}
