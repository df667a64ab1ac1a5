import { defineBoard } from '../src/define.ts';
import { basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';

/**
 * QEMU's generic 32-bit ARM machine with the armhf boards' kernel (armmp): boot-tests
 * the armhf userland and kernel the way qemu-aarch64 does for arm64. highmem=off keeps
 * the PCI window below 4 GiB, which the non-LPAE kernel cannot address.
 */
export default defineBoard({
  name: 'qemu-armhf',
  description: 'QEMU virt machine, Cortex-A15, armmp kernel, virtio-pci network and disk',
  arch: 'armhf',
  kernel: { provider: 'debian', package: 'linux-image-armmp', image: '/boot/vmlinuz-{kver}' },
  ramMiB: 512,
  bootloader: { kind: 'qemu', from: 'QEMU direct boot (-kernel, -initrd)', maxInitrdMiB: 256 },
  modules: ['virtio_pci', 'virtio_net', 'virtio_blk', 'ext4'],
  optionalModules: onDemandModules,
  console: 'ttyAMA0',
  hostname: 'emb-qemu-armhf',
  compressionLevel: 9,
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
  qemu: {
    binary: 'qemu-system-arm',
    machine: 'virt,highmem=off',
    cpu: 'cortex-a15',
    memoryMiB: 512,
    smp: 2,
    devices: ['-netdev', 'user,id=net0', '-device', 'virtio-net-pci,netdev=net0'],
  },
});
