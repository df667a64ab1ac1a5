import { defineRecipe } from '../../src/define.ts';

/**
 * The deflate library (libz.so.1), built from source so that its headers reach the
 * sysroot of what links it (curl) along with the library itself. BOINC's client links
 * it too. In /lib/${TRIPLET}, where bookworm's zlib1g has it. Debian's two zlib
 * patches only change how minizip and the package are built, not libz.
 */
export default defineRecipe({
  name: 'zlib',
  version: '1.2.13',
  license: 'Zlib',
  description: 'General-purpose lossless compression library (libz.so.1)',
  arches: ['aarch64', 'armhf', 'amd64'],
  sources: [
    {
      kind: 'tarball',
      url: 'https://zlib.net/fossils/zlib-1.2.13.tar.gz',
      sha256: 'b3a24de97a8fdbc835b9833169501030b8977031bcb54b3b3ac13740f846ab30',
    },
    // Debian's repack (contrib/ and the Windows files taken out): other bytes, its own hash (from zlib_1.2.13.dfsg-1.dsc).
    {
      kind: 'debian-orig',
      package: 'zlib',
      file: 'zlib_1.2.13.dfsg.orig.tar.bz2',
      sha256: '71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1',
    },
  ],
  dependencies: ['glibc'],
  checks: [{ command: 'ls -L /lib/${TRIPLET}/libz.so.1', expect: 'libz\\.so\\.1' }],
  steps: ({ triplet, jobs }) => [
    // zlib's own configure takes no --host: CHOST names the cross tools (${CHOST}-ar, …), and CC comes from the step environment.
    { run: ['env', `CHOST=${triplet}`, './configure', '--prefix=/usr', `--libdir=/lib/${triplet}`, `--sharedlibdir=/lib/${triplet}`] },
    // The libraries alone: the `all` target also builds and links zlib's example programs.
    { run: ['make', `-j${jobs}`, 'libz.a', 'libz.so.1.2.13'] },
    { run: ['make', 'DESTDIR=${DESTDIR}', 'install'] },
  ],
});
