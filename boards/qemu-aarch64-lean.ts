import { defineBoard } from '../src/define.ts';
import { armhfCompat, basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';

/**
 * qemu-aarch64 with a kernel built from Debian's source by emb (kernel-configs/):
 * everything the virt machine and a compute node need is built in, so /init loads no
 * module, and what a node never uses is left out. Boots the same userland as
 * qemu-aarch64; compare the two to see what the tailored kernel buys.
 */
export default defineBoard({
  name: 'qemu-aarch64-lean',
  description: 'QEMU virt machine, Cortex-A53, kernel built from source with the drivers built in',
  arch: 'aarch64',
  kernel: { provider: 'source', package: 'linux-source-6.1', fragments: ['qemu-virt'] },
  ramMiB: 512,
  bootloader: { kind: 'qemu', from: 'QEMU direct boot (-kernel, -initrd)', maxInitrdMiB: 256 },
  // virtio, ext4, loop and squashfs are built in (kernel-configs/); nfsv4 stays a module, loaded on demand.
  modules: [],
  optionalModules: onDemandModules,
  console: 'ttyAMA0',
  hostname: 'emb-qemu-lean',
  compressionLevel: 9,
  packages: basePackages,
  // BOINC, its libraries and node_exporter in a squashfs, loop-mounted by /init (loop and squashfs built in).
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
