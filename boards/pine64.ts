import { defineBoard } from '../src/define.ts';
import { armhfCompat, basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';
import { computeNodeDeny } from './common/compute-node-deny.ts';

/**
 * Pine64+ (Allwinner A64): the SOPine's SoC, PMIC and PHY on a single board. The plain
 * Pine64 (512 MiB, 100 Mbit) has its own DTB, sun50i-a64-pine64.dtb. Modules come from the device tree, plus two it cannot reveal: the AXP803 PMIC's
 * regulators (a platform device of the PMIC driver; without them the Ethernet PHY's
 * supply, DC1SW, never comes up) and the RTL8211E PHY's driver (matched by PHY id
 * when the MAC probes the MDIO bus).
 */
export default defineBoard({
  name: 'pine64',
  description: 'Pine64+ (Allwinner A64, 1 or 2 GiB), gigabit Ethernet',
  arch: 'aarch64',
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  dtb: 'allwinner/sun50i-a64-pine64-plus.dtb',
  ramMiB: 1024,
  // Debian's u-boot-sunxi 2023.01 (A64 boards): bootm_size=0xa000000, so the initrd (fetched
  // to ramdisk_addr_r 0x4FF00000) is moved below DRAM + 160 MiB, beside the ~33 MiB Image at
  // kernel_addr_r 0x40080000: about 125 MiB of room.
  bootloader: {
    kind: 'u-boot',
    from: 'Debian u-boot-sunxi, target pine64_plus (SD card)',
    maxInitrdMiB: 120,
    // As on the SOPine: SPL at 8 KiB, FIT image at 40 KiB (Debian's u-boot-install-sunxi64).
    image: {
      from: 'debian',
      package: 'u-boot-sunxi',
      files: [
        { path: '/usr/lib/u-boot/pine64_plus/sunxi-spl.bin', offsetKiB: 8 },
        { path: '/usr/lib/u-boot/pine64_plus/u-boot-sunxi-with-spl.fit.itb', offsetKiB: 40 },
      ],
    },
  },
  modules: ['auto', 'axp20x_regulator', 'realtek'],
  denyModules: computeNodeDeny,
  optionalModules: onDemandModules,
  console: 'ttyS0,115200',
  hostname: 'pine64',
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
  extraArches: armhfCompat,
});
