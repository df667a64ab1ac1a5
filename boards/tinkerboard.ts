import { defineBoard } from '../src/define.ts';
import { basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';
import { computeNodeDeny } from './common/compute-node-deny.ts';

/**
 * ASUS Tinker Board (Rockchip RK3288, Cortex-A17). The LPAE kernel: the A17 has it,
 * and it reaches all 2 GiB. dwmac-rk and dw_mmc-rockchip come from the device tree;
 * the RTL8211E PHY is matched by id.
 */
export default defineBoard({
  name: 'tinkerboard',
  description: 'ASUS Tinker Board (Rockchip RK3288, 2 GiB), gigabit Ethernet',
  arch: 'armhf',
  kernel: { provider: 'debian', package: 'linux-image-armmp-lpae', image: '/boot/vmlinuz-{kver}' },
  dtb: 'rk3288-tinker.dtb',
  ramMiB: 2048,
  // Not measured: vendor U-Boot environments differ; 128 MiB is well within Rockchip's usual load addresses.
  bootloader: { kind: 'vendor-u-boot', from: "ASUS's U-Boot, or U-Boot built from source (tinker-rk3288_defconfig)", maxInitrdMiB: 128 },
  modules: ['auto', 'realtek'],
  denyModules: computeNodeDeny,
  optionalModules: onDemandModules,
  console: 'ttyS2,115200',
  hostname: 'tinkerboard',
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
});
