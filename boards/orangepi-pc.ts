import { defineBoard } from '../src/define.ts';
import { basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';
import { computeNodeDeny } from './common/compute-node-deny.ts';

/**
 * Orange Pi PC (Allwinner H3, Cortex-A7). Its 100 Mbit Ethernet uses the H3's internal
 * PHY, so the device tree names everything (dwmac-sun8i, sunxi-mmc). QEMU models this
 * board (-M orangepi-pc, with the EMAC): the test suite boots it there with this DTB.
 */
export default defineBoard({
  name: 'orangepi-pc',
  description: 'Orange Pi PC (Allwinner H3, 1 GiB), 100 Mbit Ethernet',
  arch: 'armhf',
  kernel: { provider: 'debian', package: 'linux-image-armmp', image: '/boot/vmlinuz-{kver}' },
  dtb: 'sun8i-h3-orangepi-pc.dtb',
  ramMiB: 1024,
  bootloader: {
    kind: 'u-boot',
    from: 'U-Boot built from source (orangepi_pc_defconfig): Debian u-boot-sunxi has no Orange Pi PC target',
    // Mainline U-Boot's sunxi environment (as in Debian's orangepi_zero build): bootm_size=0xa000000
    // and ramdisk_addr_r=0x43400000, 52 MiB into DRAM: about 108 MiB below the 160 MiB bootm window.
    maxInitrdMiB: 100,
    // SPL and U-Boot in one file, read by the H3's boot ROM at 8 KiB.
    image: {
      from: 'recipe',
      recipe: 'u-boot-orangepi-pc',
      files: [{ path: '/usr/lib/u-boot/orangepi_pc/u-boot-sunxi-with-spl.bin', offsetKiB: 8 }],
    },
  },
  modules: ['auto'],
  denyModules: computeNodeDeny,
  optionalModules: onDemandModules,
  console: 'ttyS0,115200',
  hostname: 'orangepi-pc',
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
  qemu: {
    binary: 'qemu-system-arm',
    machine: 'orangepi-pc',
    cpu: 'cortex-a7',
    memoryMiB: 1024,
    smp: 4,
    dtb: true,
    // The board's own EMAC takes the first NIC: -nic, not -device.
    devices: ['-nic', 'user'],
  },
});
