import { defineBoard } from '../src/define.ts';
import { basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';
import { computeNodeDeny } from './common/compute-node-deny.ts';

/**
 * Hardkernel ODROID-C1 (Amlogic S805, Cortex-A5: no LPAE, so the armmp kernel). Its
 * vendor U-Boot (2011) has no network boot and only boots legacy images: dist/ gets
 * uImage, uInitrd and a boot.ini for the SD card's FAT partition, beside the DTB.
 */
export default defineBoard({
  name: 'odroid-c1',
  description: 'ODROID-C1 (Amlogic S805, 1 GiB), gigabit Ethernet, boots from SD',
  arch: 'armhf',
  kernel: { provider: 'debian', package: 'linux-image-armmp', image: '/boot/vmlinuz-{kver}' },
  dtb: 'meson8b-odroidc1.dtb',
  ramMiB: 1024,
  bootloader: {
    kind: 'vendor-u-boot',
    from: "Hardkernel's U-Boot on the SD card (boot.ini)",
    // Not measured: uInitrd is loaded at 0x22000000 (544 MiB in), below U-Boot at the top of the first GiB.
    maxInitrdMiB: 256,
    legacyImages: { kernelLoadAddress: 0x00208000, kernelAddress: 0x21000000, initrdAddress: 0x22000000, dtbAddress: 0x21800000 },
  },
  // dwmac-meson8b and meson-mx-sdio come from the device tree; the RTL8211F PHY is matched by id.
  modules: ['auto', 'realtek'],
  denyModules: computeNodeDeny,
  optionalModules: onDemandModules,
  console: 'ttyAML0,115200',
  hostname: 'odroid-c1',
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
});
