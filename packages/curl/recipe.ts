import { defineRecipe } from '../../src/define.ts';

/**
 * libcurl, for BOINC's client alone: HTTP and HTTPS (TLS through OpenSSL), gzip and
 * deflate replies through zlib (the client accepts every encoding libcurl knows),
 * the proxies BOINC's settings offer (HTTP with Basic, Digest or NTLM auth; SOCKS5),
 * the threaded resolver. Debian's libcurl4 also links LDAP, Kerberos, GnuTLS,
 * p11-kit, RTMP, SSH2, IDN2, PSL, brotli, zstd and nghttp2: about 9 MB in the image
 * that BOINC never uses (the one thing lost is a proxy that wants Kerberos,
 * force_auth gss-negotiate in cc_config.xml). Every other protocol is left out too,
 * and the curl program is not installed (nothing runs it).
 *
 * Debian's boinc-client links curl's symbols with the version node CURL_OPENSSL_4
 * (Debian builds libcurl with --enable-versioned-symbols): with OpenSSL as the TLS
 * backend, configure names the node the same, and a step checks that before building.
 * The CA bundle and folder are Debian's (/etc/ssl/certs); BOINC itself prefers a
 * ca-bundle.crt in its data folder when there is one.
 *
 * patches/ are Debian bookworm's CVE and bug fixes for 7.88.1, from
 * curl_7.88.1-10+deb12u15.debian.tar.xz in series order, so this libcurl is as safe as
 * the one bookworm ships; left out are Debian's packaging patches (build flags,
 * curl-config, zsh, NSS and GnuTLS flavours), its test-harness patches, and the two
 * LDAP ones (configure.ac, and LDAP is not built here).
 */
const patches = [
  'patches/fix-unix-domain-socket.patch',
  'patches/CVE-2023-27533.patch',
  'patches/CVE-2023-27534.patch',
  'patches/CVE-2023-27538.patch',
  'patches/CVE-2023-27535.patch',
  'patches/CVE-2023-27536.patch',
  'patches/CVE-2023-27537.patch',
  'patches/CVE-2023-28319.patch',
  'patches/CVE-2023-28320.patch',
  'patches/CVE-2023-28320-1.patch',
  'patches/CVE-2023-28321.patch',
  'patches/CVE-2023-28322.patch',
  'patches/CVE-2023-32001.patch',
  'patches/CVE-2023-38039.patch',
  'patches/CVE-2023-38545.patch',
  'patches/CVE-2023-38546.patch',
  'patches/CVE-2023-46218.patch',
  'patches/CVE-2023-46219.patch',
  'patches/CVE-2024-2004.patch',
  'patches/CVE-2024-2398.patch',
  'patches/CVE-2024-7264-0.patch',
  'patches/CVE-2024-7264-1.patch',
  'patches/CVE-2024-8096.patch',
  'patches/CVE-2024-9681-0.patch',
  'patches/CVE-2024-9681-1.patch',
  'patches/url-use-same-credentials-on-redirect.patch',
  'patches/CVE-2024-11053.patch',
  'patches/CVE-2025-0167.patch',
  'patches/CVE-2025-10148.patch',
  'patches/CVE-2025-14524.patch',
  'patches/CVE-2025-14819.patch',
  'patches/CVE-2026-3783.patch',
  'patches/CVE-2026-3784.patch',
  'patches/CVE-2026-5773.patch',
  'patches/CVE-2026-7168.patch',
  'patches/fix-CVE-2023-27534-regression-1.patch',
  'patches/fix-CVE-2023-27534-regression-2.patch',
  'patches/0001-http_chunks-reset-the-trailer-to-avoid-memory-leak.patch',
];

/** Protocols and features BOINC's client does not use. */
const disabled = ['ftp', 'file', 'ldap', 'ldaps', 'rtsp', 'dict', 'telnet', 'tftp', 'pop3', 'imap', 'smb', 'smtp', 'gopher', 'mqtt'];
const without = ['libpsl', 'brotli', 'zstd', 'nghttp2', 'libidn2', 'librtmp', 'libssh2', 'libssh', 'gssapi', 'libgsasl', 'hyper'];

export default defineRecipe({
  name: 'curl',
  version: '7.88.1',
  license: 'curl',
  description: 'libcurl for HTTP and HTTPS (OpenSSL, zlib), the transfer library of the BOINC client',
  arches: ['aarch64', 'armhf', 'amd64'],
  // Upstream's signed tarball is Debian's orig, byte for byte (Debian keeps its .asc beside it).
  sources: [
    {
      kind: 'tarball',
      url: 'https://curl.se/download/curl-7.88.1.tar.gz',
      sha256: 'cdb38b72e36bc5d33d5b8810f8018ece1baa29a8f215b4495e495ded82bbf3c7',
    },
    {
      kind: 'debian-orig',
      package: 'curl',
      file: 'curl_7.88.1.orig.tar.gz',
      sha256: 'cdb38b72e36bc5d33d5b8810f8018ece1baa29a8f215b4495e495ded82bbf3c7',
    },
  ],
  // openssl-headers brings openssl (libssl.so.3, libcrypto.so.3) with it.
  dependencies: ['glibc', 'zlib', 'openssl', 'openssl-headers'],
  patches,
  checks: [{ command: 'ls -L /usr/lib/${TRIPLET}/libcurl.so.4', expect: 'libcurl\\.so\\.4' }],
  steps: ({ triplet, jobs }) => [
    // The openssl recipe ships only libssl.so.3 and libcrypto.so.3; -lssl and -lcrypto
    // need the unversioned names. They go into this build's own sysroot (a scratch copy).
    { run: ['ln', '-sf', 'libssl.so.3', `\${SYSROOT}/usr/lib/${triplet}/libssl.so`] },
    { run: ['ln', '-sf', 'libcrypto.so.3', `\${SYSROOT}/usr/lib/${triplet}/libcrypto.so`] },
    {
      run: [
        './configure',
        `--host=${triplet}`,
        '--prefix=/usr',
        `--libdir=/usr/lib/${triplet}`,
        '--disable-static',
        '--disable-manual',
        '--disable-dependency-tracking',
        // The symbol version node Debian's boinc-client binary asks for (CURL_OPENSSL_4).
        '--enable-versioned-symbols',
        // OpenSSL and zlib from the sysroot, never the build host's (an amd64 host may have libssl-dev).
        '--with-openssl',
        '--with-zlib',
        'PKG_CONFIG=false',
        `CPPFLAGS=-I\${SYSROOT}/usr/include -I\${SYSROOT}/usr/include/${triplet}`,
        `LDFLAGS=-L\${SYSROOT}/usr/lib/${triplet} -L\${SYSROOT}/lib/${triplet}`,
        // Where Debian's ca-certificates puts them, as Debian's libcurl looks.
        '--with-ca-bundle=/etc/ssl/certs/ca-certificates.crt',
        '--with-ca-path=/etc/ssl/certs',
        '--disable-ntlm-wb',
        ...disabled.map((name) => `--disable-${name}`),
        ...without.map((name) => `--without-${name}`),
        // Without -g no build path reaches the library.
        'CFLAGS=-O2',
      ],
    },
    // Fails the build if configure chose another version node than the client's.
    { run: ['grep', '-q', 'CURL_OPENSSL_4', 'lib/libcurl.vers'] },
    { run: ['make', `-j${jobs}`], cwd: 'lib' },
    { run: ['make', 'DESTDIR=${DESTDIR}', 'install'], cwd: 'lib' },
    { run: ['make', 'DESTDIR=${DESTDIR}', 'install'], cwd: 'include' },
  ],
});
