import { EmbError } from '../errors.ts';
import { pathExists } from '../fs/exists.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import type { DebianBinarySource, Source, TarballSource } from '../schema/recipe.ts';
import { debianArchiveUris, poolPath } from './debian-mirrors.ts';
import { downloadDebianPackage, resolveDebianPackage, type DebianPackage } from './debian-packages.ts';
import { downloadCachePath, fetchVerified, type DownloadCandidate } from './download.ts';

export type ChosenSource =
  | { kind: 'tarball'; source: TarballSource; file: string; identity: string; from: string }
  | { kind: 'debian-binary'; source: DebianBinarySource; packages: { pkg: DebianPackage; file: string }[]; identity: string; from: string };

function tarballFileName(source: TarballSource): string {
  return source.url.split('/').pop() || 'source.tar';
}

/** Upstream first, then the same bytes as Debian's .orig tarball on each configured mirror. */
export async function tarballCandidates(source: TarballSource): Promise<DownloadCandidate[]> {
  const candidates: DownloadCandidate[] = [{ label: 'upstream', url: source.url }];
  if (source.debianOrig) {
    for (const uri of await debianArchiveUris()) {
      candidates.push({ label: 'Debian mirror', url: `${uri}/${poolPath(source.debianOrig.sourcePackage, source.debianOrig.file)}` });
    }
  }
  return candidates;
}

async function resolveBinaryPackages(cacheRoot: string, source: DebianBinarySource, info: ArchInfo): Promise<DebianPackage[]> {
  const names = [source.package, ...source.libraryPackages.filter((name) => name !== source.package)];
  return Promise.all(names.map((name) => resolveDebianPackage(cacheRoot, name, info.debianArch)));
}

function binaryIdentity(packages: readonly DebianPackage[]): string {
  return packages.map((pkg) => `${pkg.name}:${pkg.debianArch}=${pkg.version}@${pkg.sha256}`).join(',');
}

/** A source whose every file is already in the download cache, if there is one. */
async function cachedSource(cacheRoot: string, source: Source, info: ArchInfo): Promise<ChosenSource | undefined> {
  if (source.kind === 'tarball') {
    const file = downloadCachePath(cacheRoot, source.sha256, tarballFileName(source));
    return (await pathExists(file)) ? { kind: 'tarball', source, file, identity: `tarball:${source.sha256}`, from: 'cache' } : undefined;
  }
  const packages = await resolveBinaryPackages(cacheRoot, source, info);
  const files = packages.map((pkg) => downloadCachePath(cacheRoot, pkg.sha256, pkg.fileName));
  for (const file of files) if (!(await pathExists(file))) return undefined;
  return { kind: 'debian-binary', source, packages: packages.map((pkg, index) => ({ pkg, file: files[index]! })), identity: `debian:${binaryIdentity(packages)}`, from: 'cache' };
}

async function acquireSource(cacheRoot: string, source: Source, info: ArchInfo): Promise<ChosenSource> {
  if (source.kind === 'tarball') {
    const got = await fetchVerified(cacheRoot, tarballFileName(source), source.sha256, await tarballCandidates(source));
    return { kind: 'tarball', source, file: got.path, identity: `tarball:${source.sha256}`, from: got.from === 'cache' ? 'cache' : got.from.url };
  }
  const packages = await resolveBinaryPackages(cacheRoot, source, info);
  const fetched = [];
  for (const pkg of packages) fetched.push({ pkg, file: await downloadDebianPackage(cacheRoot, pkg) });
  return { kind: 'debian-binary', source, packages: fetched, identity: `debian:${binaryIdentity(packages)}`, from: 'Debian archive (apt)' };
}

/**
 * The first acceptable source that can be had: one already in the cache wins (no
 * network on a rebuild), else each is tried in the recipe's order. With `offline`,
 * only the cache is used.
 */
export async function chooseSource(recipeName: string, cacheRoot: string, sources: readonly Source[], info: ArchInfo, offline = false): Promise<ChosenSource> {
  for (const source of sources) {
    const cached = await cachedSource(cacheRoot, source, info).catch(() => undefined);
    if (cached) return cached;
  }
  if (offline) throw new EmbError(`${recipeName}: no source is in the cache and --offline is set`, 'run once without --offline');
  const failures: string[] = [];
  for (const source of sources) {
    try {
      return await acquireSource(cacheRoot, source, info);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  throw new EmbError(`${recipeName}: no source could be had: ${failures.join(' | ')}`, 'check the recipe\'s sources, the network, or the Debian mirror');
}
