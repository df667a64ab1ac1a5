import { defineRecipe } from '../../src/define.ts';

const binaries = ['runit', 'runsvdir', 'runsv', 'sv', 'svlogd', 'chpst', 'utmpset'];
const sbin = new Set(['runit']);

/**
 * PID 1 and the service supervisor. Upstream's tarball comes first; it is not in
 * Debian's source pool, so where smarden.org cannot be reached (as on the project's
 * CI machines) Debian's binary package for the target arch is taken instead, with the
 * shared libraries its binaries need beyond glibc (none). The manifest records which
 * was used. The upstream steps below have not run on the project's machines.
 * Note: Debian's runit looks for /run/runit.stopit and /run/runit.reboot, upstream
 * for /etc/runit/stopit; rootfiles' /sbin/poweroff handles both.
 */
export default defineRecipe({
  name: 'runit',
  version: '2.1.2',
  license: 'BSD-3-Clause',
  description: 'A UNIX init scheme with service supervision',
  arches: ['aarch64', 'armhf', 'amd64'],
  // Debian's binaries link glibc dynamically; the upstream build is static and needs nothing.
  dependencies: ['glibc'],
  checks: [{ command: 'runsvdir 2>&1; chpst 2>&1; true', expect: 'usage: runsvdir' }],
  sources: [
    {
      kind: 'tarball',
      url: 'http://smarden.org/runit/runit-2.1.2.tar.gz',
      sha256: '6fd0160cb0cf1207de4e66754b6d39750cff14bb0aa66ab49490992c0c47ba18',
    },
    {
      kind: 'debian-binary',
      package: 'runit',
      binaries: binaries.map((name) => (sbin.has(name) ? `/sbin/${name}` : name === 'utmpset' ? `/usr/sbin/${name}` : `/usr/bin/${name}`)),
    },
  ],
  // Upstream's tarball unpacks to admin/runit-2.1.2; emb strips the first level.
  steps: () => [
    { write: 'runit-2.1.2/src/conf-cc', content: '${CC} -O2 -Wall\n' },
    { write: 'runit-2.1.2/src/conf-ld', content: '${CC} -static -s\n' },
    { run: ['make', '-C', 'runit-2.1.2/src'] },
    ...binaries.map((name) => ({
      run: ['install', '-D', '-m', '0755', `runit-2.1.2/src/${name}`, `\${DESTDIR}/${sbin.has(name) ? 'sbin' : 'usr/bin'}/${name}`],
    })),
  ],
});
