import { readFileSync } from 'node:fs';
import { defineRecipe } from '../../src/define.ts';

/**
 * U-Boot for the Orange Pi PC (Allwinner H3), the netboot bootloader `emb bootloader`
 * writes on its SD card: Debian's u-boot-sunxi has no orangepi_pc target, so this
 * builds Debian's own U-Boot source for it: the pool's .orig tarball with the Debian
 * revision's patches (debian-patches/, copied with their series file from
 * u-boot_2023.01+dfsg-2+deb12u3.debian.tar.xz, sha256 f9d96a50…845e), configured with
 * orangepi_pc_defconfig as Debian builds its other sunxi boards. Not part of any image.
 *
 * The .orig's sha256 is the one Debian's signed index gives: bookworm's InRelease
 * (checked with gpgv against debian-archive-keyring) lists main/source/Sources.xz, whose
 * u-boot stanza lists this file and hash (as does the .dsc).
 */
const series = readFileSync(new URL('debian-patches/series', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter((line) => line.length > 0)
  .map((patch) => `debian-patches/${patch}`);

export default defineRecipe({
  name: 'u-boot-orangepi-pc',
  version: '2023.01+dfsg-2+deb12u3',
  license: 'GPL-2.0-or-later',
  description: 'U-Boot with SPL for the Orange Pi PC (orangepi_pc_defconfig): boots the node from the network',
  arches: ['armhf'],
  sources: [
    {
      kind: 'debian-orig',
      package: 'u-boot',
      file: 'u-boot_2023.01+dfsg.orig.tar.xz',
      sha256: 'e75da6f089d063aaef39a1c17f1631791d87700662624e18de2121fa39a1ed44',
    },
  ],
  patches: series,
  // Needs bison, flex, swig, python3-dev, python3-setuptools, python3-pyelftools,
  // python3-libfdt, libssl-dev, libgnutls28-dev, uuid-dev, bc and device-tree-compiler
  // on the build host (toolchain/packages/common.list).
  steps: ({ crossCompile, jobs }) => [
    { run: ['make', `CROSS_COMPILE=${crossCompile}`, 'orangepi_pc_defconfig'] },
    { run: ['make', `CROSS_COMPILE=${crossCompile}`, `-j${jobs}`] },
    {
      run: ['install', '-D', '-m', '0644', 'u-boot-sunxi-with-spl.bin', '${DESTDIR}/usr/lib/u-boot/orangepi_pc/u-boot-sunxi-with-spl.bin'],
    },
  ],
});
