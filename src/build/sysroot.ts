import { mkdir } from 'node:fs/promises';
import { execa } from 'execa';
import { artifactPaths } from './artifact-store.ts';

/**
 * Unpack the artifacts of a package's dependencies (runtime and dev files) into one
 * folder: the ${SYSROOT} its steps compile against, and where a Debian import looks
 * for libraries that are already provided.
 */
export async function makeSysroot(cacheRoot: string, dependencyKeys: readonly string[], sysroot: string): Promise<void> {
  await mkdir(sysroot, { recursive: true });
  for (const key of dependencyKeys) {
    const paths = artifactPaths(cacheRoot, key);
    for (const tarFile of [paths.runtime, paths.dev]) await execa('tar', ['-xf', tarFile, '-C', sysroot, '--no-same-owner']);
  }
}
