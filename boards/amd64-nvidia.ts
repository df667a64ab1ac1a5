import { defineBoard } from '../src/define.ts';
import { basePackages, onDemandModules } from './common/base-set.ts';

/**
 * An amd64 GPU compute host with NVIDIA cards (Turing and newer): Debian's amd64
 * kernel, booted by the PC's PXE firmware (iPXE or the NIC's ROM) as qemu-amd64 is by
 * QEMU, with NVIDIA's open kernel modules built against that kernel at image build
 * time (packages/nvidia-open/driver.ts). The node checks the modules against their
 * marker and loads them by path (the nvidia service); bee.nvidia.mode chooses how.
 * QEMU boots it without a GPU: the service then reports no device.
 */
export default defineBoard({
  name: 'amd64-nvidia',
  description: 'amd64 GPU host (NVIDIA Turing or newer), Debian amd64 kernel, NVIDIA open modules 535',
  arch: 'amd64',
  kernel: { provider: 'debian', package: 'linux-image-amd64', image: '/boot/vmlinuz-{kver}' },
  // The unpacked image is ~200 MB (GSP firmware alone is 62 MB): half of RAM must hold it.
  ramMiB: 4096,
  bootloader: { kind: 'pc-firmware', from: "the PC's PXE boot ROM chaining to iPXE (emb pxe writes the scripts)", maxInitrdMiB: 512 },
  // Common server NICs and disks, and the virtio ones QEMU gives it.
  modules: ['virtio_pci', 'virtio_net', 'virtio_blk', 'e1000e', 'igb', 'ixgbe', 'nvme', 'ahci', 'ext4'],
  optionalModules: onDemandModules,
  console: 'ttyS0,115200',
  hostname: 'emb-gpu',
  compressionLevel: 9,
  packages: basePackages,
  gpu: { driver: 'nvidia-open', firmware: ['tu10x', 'ga10x'] },
  qemu: {
    binary: 'qemu-system-x86_64',
    machine: 'q35',
    cpu: 'qemu64',
    memoryMiB: 1024,
    // One vCPU: its dozen boots in npm test twice stalled on a guest soft lockup ("CPU#0
    // stuck for 26s! [svlogd]") with two emulated vCPUs on the 2-core CI machine; QEMU
    // here checks the driver's boot logic, not the host's cores.
    smp: 1,
    devices: ['-netdev', 'user,id=net0', '-device', 'virtio-net-pci,netdev=net0'],
  },
});
