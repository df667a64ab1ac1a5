import { defineRecipe } from '../../src/define.ts';

/**
 * The C library for dynamically linked programs: Debian bookworm's libc6, the same
 * glibc 2.36 the cross toolchains link against (libc6-dev-*-cross), so what emb
 * compiles and what it imports from Debian agree. Only the loader and the runtime
 * libraries are taken: no gconv modules, locales or tools (the image runs LC_ALL=C).
 * On an aarch64 board with armhf as an extra arch, the armhf copy lands beside it
 * under /lib/arm-linux-gnueabihf and /lib/ld-linux-armhf.so.3.
 */
const libraries = [
  'libc.so.6',
  'libm.so.6',
  'libresolv.so.2',
  'libpthread.so.0',
  'libdl.so.2',
  'librt.so.1',
  'libutil.so.1',
  'libanl.so.1',
  'libnss_files.so.2',
  'libnss_dns.so.2',
];

export default defineRecipe({
  name: 'glibc',
  version: '2.36',
  license: 'LGPL-2.1-or-later',
  description: 'GNU C library: the dynamic loader and runtime libraries',
  arches: ['aarch64', 'armhf', 'amd64'],
  // Runs the loader itself: for an extra arch (armhf on aarch64) this proves the node runs its binaries.
  checks: [{ command: '${LOADER} --version | head -n 1', expect: 'ld\\.so.*2\\.36' }],
  sources: [
    {
      kind: 'debian-binary',
      package: 'libc6',
      binaries: ['${LOADER}', ...libraries.map((name) => `/lib/\${TRIPLET}/${name}`)],
    },
  ],
});
