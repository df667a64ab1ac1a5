import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbError } from '../errors.ts';
import { extractDebianPackage } from '../fetch/extract-deb.ts';
import type { ResolvedGpu } from './resolve-gpu.ts';

/** Where the headers are once unpacked under a root folder: what a driver's steps see as ${KERNEL_SOURCE} and ${KERNEL_BUILD}. */
export interface HeadersTree {
  /** linux-headers-<abi>-common: the kernel's include/ and Makefiles. */
  source: string;
  /** linux-headers-<release>: the arch's .config, Module.symvers and generated headers. */
  build: string;
}

/**
 * Unpack a Debian kernel's three header packages under `root`, as they would lie
 * under / (the arch headers reach kbuild through relative links into
 * /usr/lib/linux-kbuild-*). Their Makefile includes the common Makefile by an
 * absolute /usr/src path: it is rewritten to the unpacked copy, the one change.
 */
export async function unpackHeaders(gpu: ResolvedGpu, root: string): Promise<HeadersTree> {
  const { arch, common, kbuild } = gpu.headers;
  await mkdir(root, { recursive: true });
  for (const found of [arch, common, kbuild]) {
    await extractDebianPackage(await found.download(), root, `the kernel headers ${found.pkg.name} ${found.pkg.version}`);
  }
  const build = join(root, 'usr', 'src', arch.pkg.name);
  const source = join(root, 'usr', 'src', common.pkg.name);
  const makefile = join(build, 'Makefile');
  const text = await readFile(makefile, 'utf8').catch(() => undefined);
  if (text === undefined || !text.includes('/usr/src/')) {
    throw new EmbError(
      `${arch.pkg.name} ${arch.pkg.version}: its Makefile does not include the common headers by /usr/src path`,
      'report this: the Debian packaging changed',
    );
  }
  await writeFile(makefile, text.replaceAll(/(^|\s)\/usr\/src\//gm, `$1${root}/usr/src/`));
  return { source, build };
}
