import { defineRecipe } from '../../src/define.ts';

/**
 * GCC's runtime support library (unwinding, 64-bit arithmetic on armhf): C++ programs
 * and anything using pthread_cancel need it. Debian bookworm's libgcc-s1, from the
 * same GCC 12 as the cross compilers.
 */
export default defineRecipe({
  name: 'libgcc',
  version: '12.2.0',
  license: 'GPL-3.0-or-later WITH GCC-exception-3.1',
  description: 'GCC support library (libgcc_s.so.1)',
  arches: ['aarch64', 'armhf', 'amd64'],
  dependencies: ['glibc'],
  checks: [{ command: 'ls -L /lib/${TRIPLET}/libgcc_s.so.1', expect: 'libgcc_s' }],
  sources: [{ kind: 'debian-binary', package: 'libgcc-s1', binaries: ['/lib/${TRIPLET}/libgcc_s.so.1'] }],
});
