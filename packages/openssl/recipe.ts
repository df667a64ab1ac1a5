import { defineRecipe } from '../../src/define.ts';

/**
 * OpenSSL's shared libraries, libssl.so.3 and libcrypto.so.3: Debian bookworm's libssl3,
 * so the image gets bookworm's security updates of OpenSSL by a rebuild. curl links
 * them for HTTPS, and BOINC's libboinc_crypt links libcrypto for the projects' code
 * signatures: one copy serves both. The engines and the legacy provider are left out
 * (nothing here loads them); without /usr/lib/ssl/openssl.cnf OpenSSL uses its
 * built-in defaults. Headers for building against these are the openssl-headers recipe.
 */
export default defineRecipe({
  name: 'openssl',
  version: '3.0.20',
  license: 'Apache-2.0',
  description: 'OpenSSL TLS and crypto libraries (libssl.so.3, libcrypto.so.3)',
  arches: ['aarch64', 'armhf', 'amd64'],
  dependencies: ['glibc'],
  checks: [
    { command: 'ls -L /usr/lib/${TRIPLET}/libssl.so.3', expect: 'libssl\\.so\\.3' },
    { command: 'ls -L /usr/lib/${TRIPLET}/libcrypto.so.3', expect: 'libcrypto\\.so\\.3' },
  ],
  sources: [
    {
      kind: 'debian-binary',
      package: 'libssl3',
      binaries: ['/usr/lib/${TRIPLET}/libssl.so.3', '/usr/lib/${TRIPLET}/libcrypto.so.3'],
    },
  ],
});
