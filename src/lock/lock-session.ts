import { EmbError } from '../errors.ts';
import { lockFilePath } from '../paths.ts';
import { type LockEntries, type LockEntry, lockKey, readLockFile, writeLockFile } from './lock-file.ts';

/**
 * How a run treats emb.lock:
 * - `use` (a plain build): a pinned package is taken as pinned, whatever apt says today;
 *   one the lock lacks (a new recipe or board) is resolved through apt and added, as
 *   Cargo adds a new dependency to Cargo.lock without moving the others;
 * - `locked` (`--locked`, or EMB_LOCKED=1): a package the lock lacks is an error, so CI
 *   proves the committed lock complete;
 * - `refresh` (`emb lock --update`): apt answers everything, and what it answered
 *   becomes the new lock.
 */
export type LockMode = 'use' | 'locked' | 'refresh';

/** Which apt resolves a package: the host's, or emb's private one (contrib, non-free). */
export type AptName = LockEntry['apt'];

/** --locked met a package the lock lacks: a stop, never a reason to try another source. */
export class UnpinnedPackageError extends EmbError {}

export class LockSession {
  readonly file: string;
  readonly mode: LockMode;
  /** What the file held when opened (plus this run's additions, in `use` mode). */
  private readonly pinned: LockEntries;
  /** What this run resolved through apt (every answer, in `refresh` mode). */
  readonly resolved: LockEntries = new Map();
  private writing: Promise<void> = Promise.resolve();

  constructor(file: string, mode: LockMode, pinned: LockEntries) {
    this.file = file;
    this.mode = mode;
    this.pinned = pinned;
  }

  /** The pinned entry, unless this run refreshes the lock. */
  pinnedEntry(name: string, debianArch: string): LockEntry | undefined {
    return this.mode === 'refresh' ? undefined : this.pinned.get(lockKey(name, debianArch));
  }

  /** Entries as the file held them when the run started. */
  pinnedEntries(): LockEntries {
    return new Map(this.pinned);
  }

  /** In `locked` mode, a package the lock lacks stops the run in one line. */
  refuseUnpinned(name: string, debianArch: string): void {
    if (this.mode !== 'locked') return;
    throw new UnpinnedPackageError(
      `${lockKey(name, debianArch)} is not pinned in ${this.file} and the build is --locked`,
      'run emb lock (it adds what the boards import) or build once without --locked, and commit emb.lock',
    );
  }

  /**
   * Remember what apt answered. In `use` mode the entry is added to the file at once
   * (re-read and merged, so another emb run's additions are kept; written by rename).
   */
  async record(name: string, debianArch: string, entry: LockEntry): Promise<void> {
    const key = lockKey(name, debianArch);
    this.resolved.set(key, entry);
    if (this.mode !== 'use') return;
    this.pinned.set(key, entry);
    this.writing = this.writing.then(async () => {
      const onDisk = await readLockFile(this.file);
      if (onDisk.get(key)?.sha256 === entry.sha256) return;
      onDisk.set(key, entry);
      await writeLockFile(this.file, onDisk);
    });
    await this.writing;
  }
}

let session: Promise<LockSession> | undefined;
let requestedMode: LockMode | undefined;

/** Set before the first resolution: `emb build --locked` and `emb lock --update` do. */
export function setLockMode(mode: LockMode): void {
  if (session !== undefined) throw new Error('internal: the lock mode was set after the lock was opened');
  requestedMode = mode;
}

function modeFromEnvironment(env = process.env): LockMode {
  return ['1', 'true', 'yes'].includes((env.EMB_LOCKED ?? '').toLowerCase()) ? 'locked' : 'use';
}

/** This process's lock, opened once: EMB_LOCK_FILE or emb.lock in the project. */
export function openLockSession(): Promise<LockSession> {
  session ??= (async () => {
    const file = lockFilePath();
    return new LockSession(file, requestedMode ?? modeFromEnvironment(), await readLockFile(file));
  })();
  return session;
}
