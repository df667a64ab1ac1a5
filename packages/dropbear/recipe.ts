import { defineRecipe } from '../../src/define.ts';

/** One multi-call binary holds all four programs; the rest are symlinks to it. */
const programs = 'PROGRAMS=dropbear dbclient dropbearkey scp';

/**
 * The SSH server, with its client, key generator and scp, linked against glibc and
 * libxcrypt. Key logins only unless the build allows passwords (`emb build
 * --root-password-hash`): password checks are compiled in, and the node's run script
 * turns them off with -s unless the image says otherwise.
 * patches/ are Debian bookworm's security and bug fixes for 2022.83 (from
 * dropbear_2022.83-1+deb12u3.debian.tar.xz), so this build is as safe as the
 * dropbear that bookworm ships: strict KEX against Terrapin (CVE-2023-48795),
 * keepalives under -k, and dbclient's multihop shell injection (CVE-2025-47203,
 * which needs the multihop path-length patch before it).
 * Modern OpenSSH `scp` speaks SFTP by default and the image has no sftp-server:
 * copy to a node with `scp -O`.
 */
export default defineRecipe({
  name: 'dropbear',
  version: '2022.83',
  license: 'MIT',
  description: 'Small SSH server and client (key logins; passwords only when the build allows them)',
  arches: ['aarch64', 'armhf', 'amd64'],
  // The same bytes both places (upstream's hash as Homebrew and Yocto pin it; Debian's .dsc agrees).
  sources: [
    {
      kind: 'tarball',
      url: 'https://matt.ucc.asn.au/dropbear/releases/dropbear-2022.83.tar.bz2',
      sha256: 'bc5a121ffbc94b5171ad5ebe01be42746d50aa797c9549a4639894a16749443b',
    },
    {
      kind: 'debian-orig',
      package: 'dropbear',
      file: 'dropbear_2022.83.orig.tar.bz2',
      sha256: 'bc5a121ffbc94b5171ad5ebe01be42746d50aa797c9549a4639894a16749443b',
    },
  ],
  // Linked against glibc, and libxcrypt for crypt().
  dependencies: ['glibc', 'libxcrypt'],
  // Applied in this order (the multihop path-length fix must precede CVE-2025-47203's).
  patches: [
    'patches/CVE-2023-48795.patch',
    'patches/fix-noremotetcp-behavior.patch',
    'patches/Handle-arbitrary-length-paths-and-commands-in-multihop_pa.patch',
    'patches/CVE-2025-47203.patch',
  ],
  checks: [{ command: 'dropbear -V 2>&1', expect: 'Dropbear v2022\\.83' }],
  steps: ({ triplet, jobs }) => [
    { copy: 'localoptions.h', to: 'localoptions.h' },
    {
      run: [
        './configure',
        `--host=${triplet}`,
        '--prefix=/usr',
        // Only glibc may be linked dynamically: no zlib or PAM, and the bundled
        // libtomcrypt/libtommath even where a host (amd64) has system copies.
        '--disable-zlib',
        '--disable-pam',
        '--enable-bundled-libtom',
        // crypt() is libxcrypt's libcrypt.so.1 from the sysroot, linked by its path:
        // the sysroot has no unversioned libcrypt.so for -lcrypt (that is
        // libcrypt-dev's, an absolute link into the build host's /lib).
        'ac_cv_func_crypt=yes',
        'ac_cv_lib_crypt_crypt=no',
        'LIBS=${SYSROOT}/lib/${TRIPLET}/libcrypt.so.1',
        // A RAM disk keeps no login records.
        '--disable-lastlog',
        '--disable-utmp',
        '--disable-utmpx',
        '--disable-wtmp',
        '--disable-wtmpx',
        '--disable-loginfunc',
        '--disable-pututline',
        '--disable-pututxline',
      ],
    },
    { run: ['make', `-j${jobs}`, programs, 'MULTI=1'] },
    { run: ['make', programs, 'MULTI=1', 'DESTDIR=${DESTDIR}', 'install'] },
  ],
});
