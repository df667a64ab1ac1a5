import { defineRecipe } from '../../src/define.ts';

/** The programs the image needs, each with the names it also answers to (it looks at argv[0]). */
const programs: { dir: string; name: string; aliases: string[] }[] = [
  { dir: 'e2fsck', name: 'e2fsck', aliases: ['fsck.ext2', 'fsck.ext3', 'fsck.ext4'] },
  { dir: 'misc', name: 'mke2fs', aliases: ['mkfs.ext2', 'mkfs.ext3', 'mkfs.ext4'] },
  { dir: 'misc', name: 'tune2fs', aliases: ['e2label'] },
  { dir: 'resize', name: 'resize2fs', aliases: [] },
];

/**
 * Check, make, label and grow ext4: what /init needs for the `storage` partition.
 * Installed in /usr/sbin, which comes first in the image's PATH, so these win over
 * busybox's /sbin/mke2fs and /sbin/mkfs.ext2 without a file conflict.
 * e2fsprogs' own libraries (ext2fs, e2p, com_err, and its private uuid and blkid)
 * are linked in statically: the programs need glibc alone.
 * Only the four programs are built and installed; no /etc/mke2fs.conf is needed,
 * because mke2fs falls back to the same profile compiled in when the file is absent.
 * The patch is Debian bookworm's (from Ted Ts'o): mke2fs leaves out the
 * metadata_csum_seed and orphan_file features by default, so a filesystem made on a
 * node stays readable by older e2fsprogs, kernels and bootloaders, as bookworm's does.
 */
export default defineRecipe({
  name: 'e2fsprogs',
  version: '1.47.0',
  license: 'GPL-2.0-or-later AND LGPL-2.0-or-later AND BSD-3-Clause AND MIT',
  description: 'ext2/3/4 filesystem tools: e2fsck, mke2fs (mkfs.ext4), tune2fs (e2label), resize2fs',
  arches: ['aarch64', 'armhf', 'amd64'],
  sources: [
    // Upstream's .tar.gz is byte-identical to Debian's orig (Homebrew pins the same hash; Debian's .dsc agrees).
    {
      kind: 'tarball',
      url: 'https://downloads.sourceforge.net/project/e2fsprogs/e2fsprogs/v1.47.0/e2fsprogs-1.47.0.tar.gz',
      sha256: '6667afde56eef0c6af26684974400e4d2288ea49e9441bf5e6229195d51a3578',
    },
    {
      kind: 'debian-orig',
      package: 'e2fsprogs',
      file: 'e2fsprogs_1.47.0.orig.tar.gz',
      sha256: '6667afde56eef0c6af26684974400e4d2288ea49e9441bf5e6229195d51a3578',
    },
    // kernel.org's .tar.xz of the same release: other bytes, so its own hash (as Arch, Yocto, Termux and nixpkgs pin it).
    {
      kind: 'tarball',
      url: 'https://mirrors.edge.kernel.org/pub/linux/kernel/people/tytso/e2fsprogs/v1.47.0/e2fsprogs-1.47.0.tar.xz',
      sha256: '144af53f2bbd921cef6f8bea88bb9faddca865da3fbc657cc9b4d2001097d5db',
    },
  ],
  // Linked against glibc, which the image gets from its recipe.
  dependencies: ['glibc'],
  patches: ['patches/disable-metadata_csum_seed-and-orphan_file-by-default.patch'],
  // Make, label and check a real ext4 filesystem on the node.
  checks: [
    {
      command:
        'dd if=/dev/zero of=/tmp/emb-fs.img bs=1M count=16 2>/dev/null && mkfs.ext4 -q -L storage /tmp/emb-fs.img && e2label /tmp/emb-fs.img && e2fsck -fn /tmp/emb-fs.img >/dev/null && rm /tmp/emb-fs.img',
      expect: '^storage',
    },
  ],
  steps: ({ triplet, jobs }) => [
    {
      run: [
        './configure',
        `--host=${triplet}`,
        '--prefix=/usr',
        // mke2fs and e2fsck look for their .conf files here.
        '--sysconfdir=/etc',
        // Static own libraries, and the private uuid/blkid even where the host
        // (amd64) has util-linux's: only glibc may be a shared library.
        '--disable-elf-shlibs',
        '--enable-libuuid',
        '--enable-libblkid',
        // Nothing the image uses; nls would also pull in translations.
        '--disable-nls',
        '--disable-fuse2fs',
        '--disable-debugfs',
        '--disable-imager',
        '--disable-defrag',
        '--disable-uuidd',
        '--disable-fsck',
        '--disable-e2initrd-helper',
        '--disable-tdb',
        '--disable-testio-debug',
        '--without-udev-rules-dir',
        '--without-crond-dir',
        '--without-systemd-unit-dir',
        // e2fsck parses whatever filesystem it is pointed at: fortify and PIE it.
        '--enable-hardening',
        // Without -g (the default adds it) no build path reaches the build ID.
        'CFLAGS=-O2',
      ],
    },
    { run: ['make', `-j${jobs}`, 'libs'] },
    ...programs.map(({ dir, name }) => ({ run: ['make', `-j${jobs}`, name], cwd: dir })),
    ...programs.flatMap(({ dir, name, aliases }) => [
      { run: ['install', '-D', '-m', '0755', `${dir}/${name}`, `\${DESTDIR}/usr/sbin/${name}`] },
      ...aliases.map((alias) => ({ run: ['ln', '-s', name, `\${DESTDIR}/usr/sbin/${alias}`] })),
    ]),
  ],
});
