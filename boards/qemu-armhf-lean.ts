import { defineBoard } from '../src/define.ts';
import qemuArmhf from './qemu-armhf.ts';

/**
 * qemu-armhf with a kernel built from Debian's source by emb (kernel-configs/): the
 * virt platform, virtio and the node's file systems built in, LPAE off as in
 * qemu-armhf (so highmem=off keeps the PCI window below 4 GiB). Everything else is
 * qemu-armhf's.
 */
export default defineBoard({
  ...qemuArmhf,
  name: 'qemu-armhf-lean',
  description: 'QEMU virt machine, Cortex-A15, kernel built from source with the drivers built in',
  kernel: { provider: 'source', package: 'linux-source-6.1', fragments: ['qemu-virt', 'qemu-virt-armhf'] },
  modules: [],
  hostname: 'emb-qemu-armhf-lean',
});
