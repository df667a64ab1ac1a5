import { defineBoard } from '../src/define.ts';
import { armhfCompat, basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';
import { computeNodeDeny } from './common/compute-node-deny.ts';

/**
 * SOPine64 (Allwinner A64) on the Pine64 clusterboard: the old distro's main board.
 * Modules come from the device tree, plus two it cannot reveal: the AXP803 PMIC's
 * regulators (a platform device of the PMIC driver; without them the Ethernet PHY's
 * supply, DC1SW, never comes up) and the RTL8211E PHY's driver (matched by PHY id
 * when the MAC probes the MDIO bus).
 */
export default defineBoard({
  name: 'sopine',
  description: 'SOPine64 module (Allwinner A64, 2 GiB) on the Pine64 clusterboard',
  arch: 'aarch64',
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  dtb: 'allwinner/sun50i-a64-sopine-baseboard.dtb',
  ramMiB: 2048,
  // Debian's u-boot-sunxi 2023.01 (A64 boards): bootm_size=0xa000000, so the initrd (fetched
  // to ramdisk_addr_r 0x4FF00000) is moved below DRAM + 160 MiB, beside the ~33 MiB Image at
  // kernel_addr_r 0x40080000: about 125 MiB of room.
  bootloader: {
    kind: 'u-boot',
    from: 'Debian u-boot-sunxi, target sopine_baseboard (SPI flash or SD card)',
    maxInitrdMiB: 120,
    // Debian's arm64 sunxi builds ship the SPL and a FIT image (ATF, U-Boot, DTB) apart; its
    // u-boot-install-sunxi64 writes them at 8 KiB and 40 KiB (dd bs=8k seek=1, seek=5).
    image: {
      from: 'debian',
      package: 'u-boot-sunxi',
      files: [
        { path: '/usr/lib/u-boot/sopine_baseboard/sunxi-spl.bin', offsetKiB: 8 },
        { path: '/usr/lib/u-boot/sopine_baseboard/u-boot-sunxi-with-spl.fit.itb', offsetKiB: 40 },
      ],
    },
  },
  modules: ['auto', 'axp20x_regulator', 'realtek'],
  denyModules: computeNodeDeny,
  optionalModules: onDemandModules,
  console: 'ttyS0,115200',
  hostname: 'sopine',
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
  extraArches: armhfCompat,
});
