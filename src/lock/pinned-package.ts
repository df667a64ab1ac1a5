import type { DebianPackage } from '../fetch/debian-packages.ts';
import type { LockEntry } from './lock-file.ts';
import { type AptName, openLockSession } from './lock-session.ts';

function packageOfEntry(name: string, entry: LockEntry): DebianPackage {
  return {
    name,
    debianArch: entry.architecture,
    version: entry.version,
    sha256: entry.sha256,
    fileName: entry.filename.split('/').pop() ?? entry.filename,
    poolPath: entry.filename,
    depends: entry.depends,
  };
}

function entryOfPackage(pkg: DebianPackage, apt: AptName): LockEntry {
  return {
    architecture: pkg.debianArch,
    version: pkg.version,
    sha256: pkg.sha256,
    filename: pkg.poolPath,
    depends: pkg.depends,
    apt,
  };
}

/**
 * The package as emb.lock pins it; else (a package new to the lock, or `emb lock
 * --update`) as apt resolves it now, recorded in the lock. The only way a Debian
 * package's version reaches a build, so no import escapes the lock.
 */
export async function pinnedPackage(
  name: string,
  debianArch: string,
  apt: AptName,
  resolveWithApt: () => Promise<DebianPackage>,
): Promise<DebianPackage> {
  const session = await openLockSession();
  const pinned = session.pinnedEntry(name, debianArch);
  if (pinned !== undefined) return packageOfEntry(name, pinned);
  session.refuseUnpinned(name, debianArch);
  const pkg = await resolveWithApt();
  await session.record(name, debianArch, entryOfPackage(pkg, apt));
  return pkg;
}
