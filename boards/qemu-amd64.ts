import { defineBoard } from '../src/define.ts';
import { basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';

/**
 * A PC in QEMU with Debian's amd64 kernel: the amd64 userland and kernel, booted the
 * way PXE-booted amd64 nodes are (kernel and initramfs handed over by the firmware).
 * The 16550 serial port is ttyS0.
 */
export default defineBoard({
  name: 'qemu-amd64',
  description: 'QEMU PC (q35), virtio-pci network and disk, Debian amd64 kernel',
  arch: 'amd64',
  kernel: { provider: 'debian', package: 'linux-image-amd64', image: '/boot/vmlinuz-{kver}' },
  ramMiB: 512,
  bootloader: { kind: 'qemu', from: 'QEMU direct boot (-kernel, -initrd)', maxInitrdMiB: 256 },
  modules: ['virtio_pci', 'virtio_net', 'virtio_blk', 'ext4'],
  optionalModules: onDemandModules,
  console: 'ttyS0',
  hostname: 'emb-qemu-amd64',
  compressionLevel: 9,
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
  qemu: {
    binary: 'qemu-system-x86_64',
    machine: 'q35',
    cpu: 'qemu64',
    memoryMiB: 512,
    // One vCPU, as amd64-nvidia: two emulated x86 vCPUs on the 2-core CI machine stalled
    // a boot on a guest soft lockup ("CPU#0 stuck for 26s!") and a console command timed out.
    smp: 1,
    devices: ['-netdev', 'user,id=net0', '-device', 'virtio-net-pci,netdev=net0'],
  },
});
