import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { EmbError } from '../errors.ts';

/**
 * Host programs emb runs, and the Debian package that provides each: the error for a
 * missing tool names the package, so the fix is one apt-get line.
 */
export const debianPackageOfTool: Readonly<Record<string, string>> = {
  'apt-get': 'apt',
  'apt-cache': 'apt',
  'dpkg-deb': 'dpkg',
  'dpkg-query': 'dpkg',
  tar: 'tar',
  bzip2: 'bzip2',
  xz: 'xz-utils',
  make: 'make',
  gcc: 'gcc',
  'aarch64-linux-gnu-gcc': 'gcc-aarch64-linux-gnu',
  'aarch64-linux-gnu-strip': 'binutils-aarch64-linux-gnu',
  'arm-linux-gnueabihf-gcc': 'gcc-arm-linux-gnueabihf',
  'arm-linux-gnueabihf-strip': 'binutils-arm-linux-gnueabihf',
  'x86_64-linux-gnu-gcc': 'gcc-x86-64-linux-gnu',
  'x86_64-linux-gnu-strip': 'binutils-x86-64-linux-gnu',
  'qemu-system-aarch64': 'qemu-system-arm',
  'qemu-system-arm': 'qemu-system-arm',
  'qemu-system-x86_64': 'qemu-system-x86',
  docker: 'docker.io',
  debootstrap: 'debootstrap',
  mkimage: 'u-boot-tools',
  dnsmasq: 'dnsmasq-base',
};

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findOnPath(tool: string, env = process.env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && (await isExecutable(join(dir, tool)))) return join(dir, tool);
  }
  return undefined;
}

/** Throws one line naming every missing tool and the apt-get line that installs them. */
export async function verifyHostTools(tools: readonly string[], env = process.env): Promise<void> {
  const missing: string[] = [];
  for (const tool of [...new Set(tools)]) {
    if (!(await findOnPath(tool, env))) missing.push(tool);
  }
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((tool) => debianPackageOfTool[tool] ?? tool))];
  throw new EmbError(
    `missing host tool${missing.length > 1 ? 's' : ''}: ${missing.map((tool) => `${tool} (Debian package ${debianPackageOfTool[tool] ?? 'unknown'})`).join(', ')}`,
    `install with: apt-get install ${packages.join(' ')} (or run npm run setup)`,
  );
}
