import { defineBoard } from '../src/define.ts';
import { armhfCompat, basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';

/**
 * QEMU's generic arm64 machine: the default board, and the one every change is
 * boot-tested on. Devices are virtio over PCI, so the virtio PCI transport and the
 * drivers are modules that must be found, kept and loaded.
 */
export default defineBoard({
  name: 'qemu-aarch64',
  description: 'QEMU virt machine, Cortex-A53, virtio-pci network and disk',
  arch: 'aarch64',
  kernel: {
    provider: 'debian',
    package: 'linux-image-arm64',
    image: '/boot/vmlinuz-{kver}',
  },
  ramMiB: 512,
  // QEMU's direct boot puts the initrd at RAM + min(RAM/2, 128 MiB) (hw/arm/boot.c): 384 MiB of room at 512 MiB, kept to 256.
  bootloader: { kind: 'qemu', from: 'QEMU direct boot (-kernel, -initrd)', maxInitrdMiB: 256 },
  // ext4 for the storage disk: loaded at every boot (a module in Debian's kernel).
  modules: ['virtio_pci', 'virtio_net', 'virtio_blk', 'ext4'],
  // Shipped, loaded on demand: loading nfsv4 costs about 3 s of an emulated boot.
  optionalModules: onDemandModules,
  console: 'ttyAMA0',
  hostname: 'emb-qemu',
  // Rebuilt by every test run: zstd -9 packs its 42 MiB in about 1.4 s, -19 in 34 s for 12% less.
  compressionLevel: 9,
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init.
  readOnlyLayer: readOnlyPayload,
  extraArches: armhfCompat,
  qemu: {
    binary: 'qemu-system-aarch64',
    machine: 'virt',
    cpu: 'cortex-a53',
    memoryMiB: 512,
    smp: 2,
    devices: ['-netdev', 'user,id=net0', '-device', 'virtio-net-pci,netdev=net0'],
  },
});
