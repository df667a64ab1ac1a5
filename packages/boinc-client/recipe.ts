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
 */
export default defineRecipe({
  name: 'boinc-client',
  version: '7.20.5',
  license: 'LGPL-3.0-or-later',
  description: 'BOINC client (boinc) and its control tool (boinccmd)',
  arches: ['aarch64', 'armhf', 'amd64'],
  dependencies: ['glibc', 'libgcc'],
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
        'libcurl4',
        'zlib1g',
        'libx11-6',
        'libxss1',
        'libxext6',
        'libxcb1',
        'libxau6',
        'libxdmcp6',
        'libbsd0',
        'libmd0',
        'libnghttp2-14',
        'libidn2-0',
        'libunistring2',
        'librtmp1',
        'libgnutls30',
        'libhogweed6',
        'libnettle8',
        'libgmp10',
        'libp11-kit0',
        'libffi8',
        'libtasn1-6',
        'libssh2-1',
        'libssl3',
        'libpsl5',
        'libgssapi-krb5-2',
        'libkrb5-3',
        'libk5crypto3',
        'libcom-err2',
        'libkrb5support0',
        'libkeyutils1',
        'libldap-2.5-0',
        'libsasl2-2',
        'libzstd1',
        'libbrotli1',
      ],
    },
  ],
});
