import { defineRecipe } from '../../src/define.ts';

/**
 * The BOINC volunteer-computing client and its command-line control tool. Building
 * BOINC means building curl, OpenSSL and their tree first; that is the work the old
 * distro's toolchain spent most of its time on, so emb takes Debian bookworm's
 * binaries instead (BOINC's source is not in Debian's pool as an .orig tarball, and
 * its upstream cannot be reached from the project's machines). Only the two programs
 * and the libraries they load (ELF DT_NEEDED closure) are taken, not Debian's
 * Depends tree (python3, debconf, adduser…). The libraries come from the packages
 * below; glibc and libgcc come from their own recipes.
 * The client links libX11/libXss for idle detection; they are small and unused here.
 * libcurl is the curl recipe's (HTTP and HTTPS through OpenSSL, zlib), not Debian's
 * libcurl4, whose LDAP, Kerberos, GnuTLS, p11-kit, RTMP, SSH2, IDN, PSL, brotli, zstd
 * and nghttp2 libraries BOINC never uses; libcrypto (for the projects' code signatures)
 * and libz are the openssl and zlib recipes', shared with curl.
 */
export default defineRecipe({
  name: 'boinc-client',
  version: '7.20.5',
  license: 'LGPL-3.0-or-later',
  description: 'BOINC client (boinc) and its control tool (boinccmd)',
  arches: ['aarch64', 'armhf', 'amd64'],
  dependencies: ['glibc', 'libgcc', 'curl', 'openssl', 'zlib'],
  checks: [
    { command: 'boinc --version', expect: '^7\\.20\\.5' },
    { command: 'boinccmd --help 2>&1 | grep -m 1 -i usage', expect: 'boinccmd' },
  ],
  sources: [
    {
      kind: 'debian-binary',
      package: 'boinc-client',
      binaries: ['/usr/bin/boinc', '/usr/bin/boinccmd'],
      libraryPackages: [
        'libboinc7',
        'libstdc++6',
        'libx11-6',
        'libxss1',
        'libxext6',
        'libxcb1',
        'libxau6',
        'libxdmcp6',
        'libbsd0',
        'libmd0',
      ],
    },
  ],
});
