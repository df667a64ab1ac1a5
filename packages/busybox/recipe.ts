import { defineRecipe } from '../../src/define.ts';

/**
 * The userland: shell, mount, insmod, ip, udhcpc, httpd… one static binary.
 * busybox.config is defconfig with: static; no init/halt (runit is PID 1 and
 * /sbin/poweroff talks to it); no runit applets (Debian's runit provides them);
 * no tc (breaks with newer kernel headers); no SHA hardware acceleration (x86-only
 * assembly that fails to cross-compile).
 */
export default defineRecipe({
  name: 'busybox',
  version: '1.37.0',
  license: 'GPL-2.0-only',
  description: 'Tiny versions of many common UNIX utilities in one static binary',
  arches: ['aarch64', 'armhf', 'amd64'],
  sources: [
    {
      kind: 'tarball',
      url: 'https://busybox.net/downloads/busybox-1.37.0.tar.bz2',
      sha256: '3311dff32e746499f4df0d5df04d7eb396382d7e108bb9250e7b519b837043a4',
    },
    // The same bytes in Debian's source pool.
    {
      kind: 'debian-orig',
      package: 'busybox',
      file: 'busybox_1.37.0.orig.tar.bz2',
      sha256: '3311dff32e746499f4df0d5df04d7eb396382d7e108bb9250e7b519b837043a4',
    },
  ],
  checks: [{ command: 'busybox --help | head -n 1', expect: 'BusyBox v1\\.37\\.0' }],
  steps: ({ crossCompile, kernelArch, jobs }) => {
    const kbuild = [`ARCH=${kernelArch}`, `CROSS_COMPILE=${crossCompile}`];
    return [
      { copy: 'busybox.config', to: '.config' },
      { run: ['make', ...kbuild, 'oldconfig'] },
      { run: ['make', ...kbuild, `-j${jobs}`, 'busybox'] },
      { run: ['make', ...kbuild, 'CONFIG_PREFIX=${DESTDIR}', 'install'] },
    ];
  },
});
