import { defineRecipe } from '../../src/define.ts';
import { opensslHeaders } from './headers.ts';

/**
 * OpenSSL's headers and pkg-config files from Debian bookworm's libssl-dev, of the same
 * version as the openssl recipe's libraries: what a recipe compiling against OpenSSL
 * (curl) needs in its ${SYSROOT}. Every file here is a dev file, so nothing of it
 * reaches an image. libssl-dev's own libssl.so and libcrypto.so are links into libssl3
 * (not in this package), and its static libraries are not wanted: a dependent links
 * the openssl recipe's .so.3 files (curl's recipe makes the unversioned links in its
 * sysroot). libssl-dev holds no ELF file, and a debian-binary source must name at
 * least one path under `binaries`: the pkg-config files stand there, taken as they are.
 */
export default defineRecipe({
  name: 'openssl-headers',
  version: '3.0.20',
  license: 'Apache-2.0',
  description: 'OpenSSL headers and pkg-config files, for building against the openssl recipe',
  arches: ['aarch64', 'armhf', 'amd64'],
  dependencies: ['openssl'],
  sources: [
    {
      kind: 'debian-binary',
      package: 'libssl-dev',
      binaries: ['libcrypto', 'libssl', 'openssl'].map((name) => `/usr/lib/\${TRIPLET}/pkgconfig/${name}.pc`),
      files: [
        // The two headers that differ by arch (word size, enabled features).
        '/usr/include/${TRIPLET}/openssl/configuration.h',
        '/usr/include/${TRIPLET}/openssl/opensslconf.h',
        ...opensslHeaders.map((name) => `/usr/include/openssl/${name}.h`),
      ],
    },
  ],
});
