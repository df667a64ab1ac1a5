import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../paths.ts';
import type { Arch } from '../schema/board.ts';
import { archInfoOf } from '../plan/arch-info.ts';

/** The lists under toolchain/packages/; see its README. */
export type PackageListName = 'common' | Arch | 'host-only' | 'test';

export const toolchainListsDir = join(projectRoot, 'toolchain', 'packages');

/** One package per line; '#' comments and blank lines are skipped. */
export function parsePackageList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.length > 0);
}

export async function readPackageList(name: PackageListName, dir = toolchainListsDir): Promise<string[]> {
  return parsePackageList(await readFile(join(dir, `${name}.list`), 'utf8'));
}

/** dpkg's name for the machine emb runs on, e.g. "amd64". */
export async function hostDebianArch(): Promise<string> {
  return (await execa('dpkg', ['--print-architecture'])).stdout.trim();
}

/**
 * The Debian packages that build for `arches` on a host of `hostArch`: the common
 * tools plus each target's cross compiler, except the host's own arch, whose compiler
 * is the native gcc of the common list (Debian has no cross package for it).
 */
export async function toolchainPackagesFor(arches: readonly Arch[], hostArch: string, dir = toolchainListsDir): Promise<string[]> {
  const names = await readPackageList('common', dir);
  for (const arch of arches) {
    if (archInfoOf(arch).debianArch === hostArch) continue;
    names.push(...(await readPackageList(arch, dir)));
  }
  return [...new Set(names)];
}
