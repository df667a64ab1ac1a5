/**
 * The mode an image entry gets from a file on the build host's disk. What is on disk
 * depends on the builder's umask (mkdir -p, tar and dpkg-deb -x as a non-root user,
 * `make install` in many Makefiles): under `umask 077` /usr/lib would be 0700 and no
 * service running as another user could load a library. So only what a build means is
 * kept: a directory is 0755, a file 0755 when any exec bit is set, else 0644, a symlink
 * 0777. setuid, setgid and sticky bits are dropped: recipes have no field to declare
 * them, and a bit that came from the host's state must not reach the image. Modes that
 * mean something else are declared in data (rootfiles' .emb-modes) and set after this.
 */
export function normalizedMode(type: 'file' | 'dir' | 'symlink', diskMode: number): number {
  if (type === 'symlink') return 0o777;
  if (type === 'dir') return 0o755;
  return diskMode & 0o111 ? 0o755 : 0o644;
}
