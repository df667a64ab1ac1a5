import { defineBoard } from '../src/define.ts';
import qemuAarch64 from './qemu-aarch64.ts';

/**
 * qemu-aarch64 with a kernel built from Debian's source by emb (kernel-configs/):
 * everything the virt machine and a compute node need is built in, so /init loads no
 * module, and what a node never uses is left out. Everything else is qemu-aarch64's
 * (userland, read-only layer, QEMU machine): compare the two to see what the tailored
 * kernel buys.
 */
export default defineBoard({
  ...qemuAarch64,
  name: 'qemu-aarch64-lean',
  description: 'QEMU virt machine, Cortex-A53, kernel built from source with the drivers built in',
  kernel: { provider: 'source', package: 'linux-source-6.1', fragments: ['qemu-virt'] },
  // virtio, ext4, loop and squashfs are built in (kernel-configs/); nfsv4 stays a module, loaded on demand.
  modules: [],
  hostname: 'emb-qemu-lean',
});
