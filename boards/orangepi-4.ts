import { defineBoard } from '../src/define.ts';
import { armhfCompat, basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';
import { computeNodeDeny } from './common/compute-node-deny.ts';

/**
 * Orange Pi 4 (Rockchip RK3399). Debian's 6.1 kernel has no DTB for it; the nearest is
 * rk3399-orangepi.dtb, which describes the Orange Pi RK3399 (another board with the
 * same SoC, Ethernet MAC and SD controller). It boots and networks with it, but devices
 * that differ between the two boards may be missing or wrong. A DTB built from source
 * comes with source kernels (kernel-configs/).
 */
export default defineBoard({
  name: 'orangepi-4',
  description: 'Orange Pi 4 (Rockchip RK3399, 4 GiB), gigabit Ethernet',
  arch: 'aarch64',
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  dtb: 'rockchip/rk3399-orangepi.dtb',
  ramMiB: 4096,
  // Not measured: vendor U-Boot environments differ; 128 MiB is well within Rockchip's usual load addresses.
  bootloader: { kind: 'vendor-u-boot', from: "Orange Pi's U-Boot (SPI flash or SD card)", maxInitrdMiB: 128 },
  // dwmac-rk and dw_mmc-rockchip come from the device tree; the RTL8211E PHY is matched by id.
  modules: ['auto', 'realtek'],
  denyModules: computeNodeDeny,
  optionalModules: onDemandModules,
  console: 'ttyS2,1500000',
  hostname: 'orangepi-4',
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
  extraArches: armhfCompat,
  notes: [
    'DTB: Debian 6.1 has none for the Orange Pi 4; rk3399-orangepi.dtb (the Orange Pi RK3399 board) is the nearest. A source kernel will build the right one.',
  ],
});
