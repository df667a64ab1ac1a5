import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { sha256Hex } from '../fs/hash.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import { projectRoot } from '../paths.ts';
import type { Arch } from '../schema/board.ts';

interface ToolchainPackages {
  common: string[];
  aarch64: string[];
  armhf: string[];
  amd64: string[];
  qemu: string[];
}

/** The one list of Debian packages the toolchain consists of (toolchain/packages.json). */
export async function toolchainPackages(): Promise<ToolchainPackages> {
  return JSON.parse(await readFile(join(projectRoot, 'toolchain', 'packages.json'), 'utf8')) as ToolchainPackages;
}

/** Host programs a build for `arch` runs; verifyHostTools checks them before any work. */
export function hostBuildTools(info: ArchInfo): string[] {
  return ['make', 'tar', 'bzip2', 'xz', 'dpkg-deb', 'apt-get', 'apt-cache', 'dpkg-query', `${info.crossCompile}gcc`, `${info.crossCompile}strip`];
}

/**
 * The host toolchain's id: the installed versions of its packages. An upgraded cross
 * compiler changes the id and so every package key built with it.
 */
export async function hostToolchainId(arch: Arch): Promise<string> {
  const lists = await toolchainPackages();
  const packages = [...lists.common, ...lists[arch]];
  const result = await execa('dpkg-query', ['-W', '-f', '${Package}=${Version}\n', ...packages], { reject: false });
  return `host:${sha256Hex(result.stdout)}`;
}
