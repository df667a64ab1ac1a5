import { defineBoard } from '../src/define.ts';
import { armhfCompat, basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';
import { computeNodeDeny } from './common/compute-node-deny.ts';

/**
 * H96 Max, the Rockchip RK3399 TV box. Debian has no DTB for it (its
 * meson-sm1-h96-max.dtb is the Amlogic S905X3 box sold under the same name). Like the
 * old distro, it uses the Orange Pi 4's nearest DTB, rk3399-orangepi.dtb: same SoC,
 * and the Ethernet and SD controllers work with it.
 */
export default defineBoard({
  name: 'h96-max',
  description: 'H96 Max TV box (Rockchip RK3399, 4 GiB), gigabit Ethernet',
  arch: 'aarch64',
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  dtb: 'rockchip/rk3399-orangepi.dtb',
  ramMiB: 4096,
  // Not measured: vendor U-Boot environments differ; 128 MiB is well within Rockchip's usual load addresses.
  bootloader: { kind: 'vendor-u-boot', from: "the box's vendor U-Boot (eMMC), or a Rockchip U-Boot on an SD card", maxInitrdMiB: 128 },
  modules: ['auto', 'realtek'],
  denyModules: computeNodeDeny,
  optionalModules: onDemandModules,
  console: 'ttyS2,1500000',
  hostname: 'h96-max',
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
  extraArches: armhfCompat,
  notes: [
    'DTB: Debian has none for the RK3399 H96 Max (meson-sm1-h96-max.dtb is the Amlogic box of that name); rk3399-orangepi.dtb stands in, as in the old distro.',
  ],
});
