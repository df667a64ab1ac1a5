import { NotInAptIndexError, resolveDebianPackage } from '../fetch/debian-packages.ts';
import { preparePrivateApt, type PrivateApt } from '../fetch/private-apt.ts';
import { resolvePrivatePackage } from '../fetch/private-apt-packages.ts';
import type { ToolchainChoice } from '../toolchain/select-toolchain.ts';
import { resolveBoardImports } from './board-imports.ts';
import { lockChanges } from './lock-changes.ts';
import { type LockEntries, readLockFile, writeLockFile } from './lock-file.ts';
import { type LockMode, openLockSession, setLockMode } from './lock-session.ts';

export interface LockRun {
  file: string;
  before: LockEntries;
  after: LockEntries;
  /** lockChanges(before, after): what a user reads. */
  changes: string[];
}

/**
 * Walk the boards' imports in `mode`:
 * - `use` (`emb lock`): pin what the lock lacks, move nothing;
 * - `locked` (`emb lock --check`): fail on the first package the lock lacks;
 * - `refresh` (`emb lock --update`): resolve everything through apt now and write that
 *   as the new lock, in one rename once every board resolved (a failure writes nothing).
 */
export async function walkLock(
  mode: LockMode,
  boards: readonly string[],
  cacheRoot: string,
  toolchain?: ToolchainChoice,
): Promise<LockRun> {
  setLockMode(mode);
  const session = await openLockSession();
  const before = session.pinnedEntries();
  for (const board of boards) await resolveBoardImports(board, cacheRoot, toolchain);
  if (mode !== 'refresh') {
    const after = await readLockFile(session.file);
    return { file: session.file, before, after, changes: lockChanges(before, after) };
  }
  await refreshOthers(before, session.resolved, cacheRoot);
  await writeLockFile(session.file, session.resolved);
  return { file: session.file, before, after: session.resolved, changes: lockChanges(before, session.resolved) };
}

/**
 * Packages pinned by runs no board build covers (emb pxe's Raspberry Pi firmware) are
 * resolved again by name through the apt that found them; one apt says it no longer
 * has is dropped, and the change list says so.
 */
async function refreshOthers(before: LockEntries, resolved: LockEntries, cacheRoot: string): Promise<void> {
  let privateApt: Promise<PrivateApt> | undefined;
  for (const [key, entry] of before) {
    if (resolved.has(key)) continue;
    const [name = '', debianArch = ''] = key.split(':');
    try {
      if (entry.apt === 'host') await resolveDebianPackage(cacheRoot, name, debianArch);
      else {
        privateApt ??= preparePrivateApt(cacheRoot);
        await resolvePrivatePackage(await privateApt, name, debianArch);
      }
    } catch (error) {
      // Dropped only when apt answered that it has no such package: a mirror that
      // cannot be reached stops the update (nothing is written) instead of emptying pins.
      if (!(error instanceof NotInAptIndexError)) throw error;
    }
  }
}
