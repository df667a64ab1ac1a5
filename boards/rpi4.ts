import { defineBoard } from '../src/define.ts';
import { armhfCompat, basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';
import { computeNodeDeny } from './common/compute-node-deny.ts';

/**
 * Raspberry Pi 4 Model B: GENET Ethernet (genet and its MDIO bus, both from the device
 * tree) with a Broadcom BCM54213PE PHY, whose driver is matched by PHY id at run time.
 * arm64 only: Debian's armmp kernel has no GENET driver.
 */
export default defineBoard({
  name: 'rpi4',
  description: 'Raspberry Pi 4 Model B (BCM2711, 1 to 8 GiB), gigabit Ethernet',
  arch: 'aarch64',
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  dtb: 'broadcom/bcm2711-rpi-4-b.dtb',
  ramMiB: 1024,
  // Not measured: the firmware loads the initramfs after the kernel into the ARM's share of the first GiB.
  bootloader: { kind: 'raspi-firmware', from: 'Debian raspi-firmware (non-free-firmware): start4.elf, fixup4.dat', maxInitrdMiB: 256 },
  // broadcom: the PHY's driver (matched by PHY id); bcm2835_wdt: the power-management
  // watchdog that powers the Pi off and reboots it (a platform device of the PM block).
  modules: ['auto', 'broadcom', 'bcm2835_wdt'],
  denyModules: computeNodeDeny,
  optionalModules: onDemandModules,
  console: 'ttyS1,115200',
  hostname: 'rpi4',
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
  extraArches: armhfCompat,
});
