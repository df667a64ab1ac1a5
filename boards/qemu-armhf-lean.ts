import { defineBoard } from '../src/define.ts';
import { basePackages, onDemandModules, readOnlyPayload } from './common/base-set.ts';

/**
 * qemu-armhf with a kernel built from Debian's source by emb (kernel-configs/): the
 * virt platform, virtio and the node's file systems built in, LPAE off as in
 * qemu-armhf (so highmem=off keeps the PCI window below 4 GiB).
 */
export default defineBoard({
  name: 'qemu-armhf-lean',
  description: 'QEMU virt machine, Cortex-A15, kernel built from source with the drivers built in',
  arch: 'armhf',
  kernel: { provider: 'source', package: 'linux-source-6.1', fragments: ['qemu-virt', 'qemu-virt-armhf'] },
  ramMiB: 512,
  bootloader: { kind: 'qemu', from: 'QEMU direct boot (-kernel, -initrd)', maxInitrdMiB: 256 },
  modules: [],
  optionalModules: onDemandModules,
  console: 'ttyAMA0',
  hostname: 'emb-qemu-armhf-lean',
  compressionLevel: 9,
  packages: basePackages,
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
