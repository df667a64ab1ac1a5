import { EmbError } from '../errors.ts';
import { UnpinnedPackageError } from '../lock/lock-session.ts';
import { markUsed, pathExists } from '../fs/exists.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import type { DebianBinarySource, DebianOrigSource, Source, TarballSource } from '../schema/recipe.ts';
import { debianArchiveUris, listFromEnv, poolPath } from './debian-mirrors.ts';
import { downloadDebianPackages, resolveDebianPackage, type DebianPackage } from './debian-packages.ts';
import { downloadCachePath, fetchVerified, type DownloadCandidate } from './download.ts';
import { isIntactDownload } from './intact-download.ts';

/** A source tarball (upstream or Debian's pool), unpacked and built by the recipe's steps. */
export type TarballLikeSource = TarballSource | DebianOrigSource;

export type ChosenSource =
  | { kind: 'tarball' | 'debian-orig'; source: TarballLikeSource; file: string; identity: string; from: string }
  | { kind: 'debian-binary'; source: DebianBinarySource; packages: { pkg: DebianPackage; file: string }[]; identity: string; from: string };

function tarballFileName(source: TarballLikeSource): string {
  return source.kind === 'tarball' ? source.url.split('/').pop() || 'source.tar' : source.file;
}

/**
 * Where a source tarball may be fetched from, in order: each source mirror of
 * EMB_SOURCE_MIRRORS (base URLs holding files by name, like buildroot's primary site),
 * then the tarball's own URL; for a debian-orig source, the pool path on each
 * configured Debian mirror.
 */
export async function tarballCandidates(source: TarballLikeSource, env = process.env): Promise<DownloadCandidate[]> {
  if (source.kind === 'tarball') {
    const mirrors = listFromEnv(env.EMB_SOURCE_MIRRORS).map((base) => ({
      label: 'source mirror',
      url: `${base.replace(/\/+$/, '')}/${tarballFileName(source)}`,
    }));
    return [...mirrors, { label: 'upstream', url: source.url }];
  }
  return (await debianArchiveUris()).map((uri) => ({ label: 'Debian mirror', url: `${uri}/${poolPath(source.package, source.file)}` }));
}

/** Every package a debian-binary source imports (the binary's own and its library packages), pinned. */
export async function resolveBinaryPackages(cacheRoot: string, source: DebianBinarySource, info: ArchInfo): Promise<DebianPackage[]> {
  const names = [source.package, ...source.libraryPackages.filter((name) => name !== source.package)];
  return Promise.all(names.map((name) => resolveDebianPackage(cacheRoot, name, info.debianArch)));
}

function binaryIdentity(packages: readonly DebianPackage[]): string {
  return packages.map((pkg) => `${pkg.name}:${pkg.debianArch}=${pkg.version}@${pkg.sha256}`).join(',');
}

/** A source whose every file is already in the download cache, if there is one. */
async function cachedSource(cacheRoot: string, source: Source, info: ArchInfo): Promise<ChosenSource | undefined> {
  if (source.kind !== 'debian-binary') {
    const file = downloadCachePath(cacheRoot, source.sha256, tarballFileName(source));
    return (await pathExists(file)) ? { kind: source.kind, source, file, identity: `tarball:${source.sha256}`, from: 'cache' } : undefined;
  }
  const packages = await resolveBinaryPackages(cacheRoot, source, info);
  const cached = packages.map((pkg) => ({ pkg, file: downloadCachePath(cacheRoot, pkg.sha256, pkg.fileName) }));
  for (const { file } of cached) if (!(await pathExists(file))) return undefined;
  return { kind: 'debian-binary', source, packages: cached, identity: `debian:${binaryIdentity(packages)}`, from: 'cache' };
}

async function acquireSource(cacheRoot: string, source: Source, info: ArchInfo): Promise<ChosenSource> {
  if (source.kind !== 'debian-binary') {
    const got = await fetchVerified(cacheRoot, tarballFileName(source), source.sha256, await tarballCandidates(source));
    return {
      kind: source.kind,
      source,
      file: got.path,
      identity: `tarball:${source.sha256}`,
      from: got.from === 'cache' ? 'cache' : got.from.url,
    };
  }
  const packages = await resolveBinaryPackages(cacheRoot, source, info);
  const files = await downloadDebianPackages(cacheRoot, packages);
  const fetched = packages.map((pkg, index) => {
    const file = files[index];
    if (file === undefined) throw new Error(`internal: downloading ${pkg.fileName} gave no path`);
    return { pkg, file };
  });
  return { kind: 'debian-binary', source, packages: fetched, identity: `debian:${binaryIdentity(packages)}`, from: 'Debian archive (apt)' };
}

/**
 * The chosen source's files hashed again just before a build reads them: a file that
 * changed on disk since it was verified is deleted and fetched again, from the same
 * places and against the same sha256 (the cache is not trusted by file name).
 */
export async function refetchIfDamaged(cacheRoot: string, chosen: ChosenSource, offline = false): Promise<void> {
  if (offline) {
    const files =
      chosen.kind === 'debian-binary'
        ? chosen.packages.map((entry) => ({ file: entry.file, sha256: entry.pkg.sha256 }))
        : [{ file: chosen.file, sha256: chosen.source.sha256 }];
    for (const { file, sha256 } of files) {
      if (!(await isIntactDownload(file, sha256))) {
        throw new EmbError(
          `${file}: its bytes no longer have sha256 ${sha256} (changed on disk since it was downloaded), so it was deleted`,
          'run again without --offline, which downloads it again',
        );
      }
    }
    return;
  }
  if (chosen.kind === 'debian-binary') {
    await downloadDebianPackages(
      cacheRoot,
      chosen.packages.map((entry) => entry.pkg),
    );
    return;
  }
  await fetchVerified(cacheRoot, tarballFileName(chosen.source), chosen.source.sha256, await tarballCandidates(chosen.source));
}

/**
 * The first acceptable source that can be had: one already in the cache wins (no
 * network on a rebuild), else each is tried in the recipe's order. With `offline`,
 * only the cache is used.
 */
export async function chooseSource(
  recipeName: string,
  cacheRoot: string,
  sources: readonly Source[],
  info: ArchInfo,
  offline = false,
): Promise<ChosenSource> {
  for (const source of sources) {
    const cached = await cachedSource(cacheRoot, source, info).catch(() => undefined);
    if (cached) {
      for (const file of cached.kind === 'debian-binary' ? cached.packages.map((entry) => entry.file) : [cached.file]) await markUsed(file);
      return cached;
    }
  }
  if (offline) throw new EmbError(`${recipeName}: no source is in the cache and --offline is set`, 'run once without --offline');
  const failures: string[] = [];
  const errors: unknown[] = [];
  for (const source of sources) {
    try {
      return await acquireSource(cacheRoot, source, info);
    } catch (error) {
      // --locked refusing an unpinned package is not a source that could not be had.
      if (error instanceof UnpinnedPackageError) throw error;
      errors.push(error);
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  // One source: its own hint says what to do (emb lock --update, a snapshot mirror…).
  const only = errors.length === 1 ? errors[0] : undefined;
  if (only instanceof EmbError) throw new EmbError(`${recipeName}: ${only.message}`, only.hint);
  throw new EmbError(
    `${recipeName}: no source could be had: ${failures.join(' | ')}`,
    "check the recipe's sources and hashes, the network, or set EMB_DEBIAN_MIRROR to a reachable Debian mirror",
  );
}
