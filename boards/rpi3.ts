import { defineBoard } from '../src/define.ts';
import { armhfCompat, basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';
import { computeNodeDeny } from './common/compute-node-deny.ts';

/**
 * Raspberry Pi 3 Model B. Its Ethernet is a SMSC LAN9514 on the USB bus: the device
 * tree names the USB controller (dwc2), not the adapter behind it, so smsc95xx is
 * listed. The serial header is the mini UART (ttyS1 with Debian's DTB; enable_uart=1
 * in config.txt); the PL011 (ttyAMA0) belongs to Bluetooth.
 */
export default defineBoard({
  name: 'rpi3',
  description: 'Raspberry Pi 3 Model B (BCM2837, 1 GiB), USB Ethernet',
  arch: 'aarch64',
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  dtb: 'broadcom/bcm2837-rpi-3-b.dtb',
  ramMiB: 1024,
  // Not measured: the firmware (start.elf) loads the initramfs after the kernel into the ARM's share of the first GiB.
  // image: an SD card holding only bootcode.bin on a FAT32 partition; the boot ROM runs it and
  // bootcode.bin netboots (Raspberry Pi documentation, boot-net.adoc, "Known problems": the fix
  // for the 3B ROM's netboot bugs, and no OTP bit to set). The rest comes from emb pxe's tree.
  bootloader: {
    kind: 'raspi-firmware',
    from: 'Debian raspi-firmware (non-free-firmware): bootcode.bin, start.elf',
    maxInitrdMiB: 256,
    image: {
      from: 'debian-fat',
      package: 'raspi-firmware',
      component: 'non-free-firmware',
      files: [{ path: '/usr/lib/raspi-firmware/bootcode.bin', name: 'bootcode.bin' }],
    },
  },
  // bcm2835_wdt: the power-management watchdog, a platform device of the PM block (no
  // DTB alias of its own); it is what powers the Pi off and reboots it.
  modules: ['auto', 'smsc95xx', 'bcm2835_wdt'],
  denyModules: computeNodeDeny,
  optionalModules: onDemandModules,
  console: 'ttyS1,115200',
  hostname: 'rpi3',
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
  extraArches: armhfCompat,
  // QEMU's own model of this board, with Debian's DTB; the console is the mini UART as on
  // the real board (QEMU's second UART). It powers off through bcm2835_wdt as the board does.
  qemu: {
    binary: 'qemu-system-aarch64',
    machine: 'raspi3b',
    cpu: 'cortex-a53',
    memoryMiB: 1024,
    smp: 4,
    dtb: true,
    consoleSerial: 1,
    devices: [],
    skipChecks: [{ check: 'network interface', why: "QEMU's raspi3b has no model of the LAN9514 USB Ethernet" }],
  },
});
