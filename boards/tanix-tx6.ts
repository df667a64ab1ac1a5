import { defineBoard } from '../src/define.ts';
import { armhfCompat, basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';
import { computeNodeDeny } from './common/compute-node-deny.ts';

/**
 * Tanix TX6 TV box (Allwinner H6). Its Ethernet goes through an AC200 companion chip
 * that mainline Linux 6.1 does not support, so the DTB leaves the Ethernet node
 * disabled: the box networks through a USB Ethernet adapter. The common adapter
 * drivers are listed (a device tree cannot name what is plugged into a USB port).
 */
export default defineBoard({
  name: 'tanix-tx6',
  description: 'Tanix TX6 TV box (Allwinner H6, 2 or 4 GiB), USB Ethernet adapter',
  arch: 'aarch64',
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  dtb: 'allwinner/sun50i-h6-tanix-tx6.dtb',
  ramMiB: 2048,
  bootloader: {
    kind: 'vendor-u-boot',
    from: "the box's vendor U-Boot, or Debian u-boot-sunxi's tanix_tx6 on an SD card",
    // Not measured on the box's vendor U-Boot; Debian's (arm64 sunxi) keeps the initrd below DRAM + 160 MiB.
    maxInitrdMiB: 120,
  },
  modules: ['auto', 'r8152', 'asix', 'ax88179_178a', 'cdc_ether', 'smsc95xx'],
  denyModules: computeNodeDeny,
  optionalModules: onDemandModules,
  console: 'ttyS0,115200',
  hostname: 'tanix-tx6',
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
  extraArches: armhfCompat,
  notes: [
    'Ethernet: the on-board port (through the AC200 chip) is disabled in the mainline DTB and has no driver in Linux 6.1; use a USB Ethernet adapter (r8152, asix, ax88179_178a, cdc_ether, smsc95xx are in the image).',
  ],
});
