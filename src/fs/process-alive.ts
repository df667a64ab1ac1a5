/**
 * Whether a pid on this machine is alive: it answers signal 0 (EPERM means alive but
 * not ours). Locks, temp names and container labels carry the pid of the emb that
 * made them; a dead owner's leftovers may be taken over or removed.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
