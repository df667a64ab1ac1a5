import { EmbError } from '../errors.ts';
import { pathExists } from '../fs/exists.ts';
import { type DebianPackage, downloadDebianPackage, resolveDebianPackage } from './debian-packages.ts';
import { downloadCachePath } from './download.ts';
import { downloadPrivatePackage, resolvePrivatePackage } from './private-apt-packages.ts';
import { type PrivateApt, preparePrivateApt } from './private-apt.ts';

/** An archive component: main through the host's apt, the others through emb's private apt. */
export type DebianComponent = 'main' | 'contrib' | 'non-free' | 'non-free-firmware';

/** A resolved package and how to get its .deb (downloaded once into the cache, checked by sha256). */
export interface ComponentPackage {
  pkg: DebianPackage;
  component: DebianComponent;
  download(): Promise<string>;
}

export type ComponentResolver = (name: string, debianArch: string, component: DebianComponent) => Promise<ComponentPackage>;

/**
 * Resolves packages by component: main through the host's apt index, contrib and
 * non-free through emb's private apt (prepared once, on first need), so a host whose
 * sources list main only still builds and its apt configuration is never touched.
 * With `offline`, a package whose .deb is not in the download cache is an error.
 */
export function componentResolver(context: { cacheRoot: string; offline: boolean }): ComponentResolver {
  let privateApt: Promise<PrivateApt> | undefined;
  const aptFor = (): Promise<PrivateApt> => {
    privateApt ??= preparePrivateApt(context.cacheRoot, { offline: context.offline });
    return privateApt;
  };
  return async (name, debianArch, component) => {
    if (component === 'main') {
      const pkg = await resolveDebianPackage(context.cacheRoot, name, debianArch);
      await refuseMissingWhenOffline(pkg, context);
      return { pkg, component, download: () => downloadDebianPackage(context.cacheRoot, pkg) };
    }
    const apt = await aptFor();
    const pkg = await resolvePrivatePackage(apt, name, debianArch);
    await refuseMissingWhenOffline(pkg, context);
    return { pkg, component, download: () => downloadPrivatePackage(context.cacheRoot, apt, pkg) };
  };
}

async function refuseMissingWhenOffline(pkg: DebianPackage, context: { cacheRoot: string; offline: boolean }): Promise<void> {
  if (context.offline && !(await pathExists(downloadCachePath(context.cacheRoot, pkg.sha256, pkg.fileName)))) {
    throw new EmbError(
      `${pkg.name}:${pkg.debianArch} ${pkg.version} is not in the download cache and --offline is set`,
      'run once without --offline',
    );
  }
}
