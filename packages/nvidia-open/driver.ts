import { defineGpuDriver } from '../../src/define.ts';

/**
 * NVIDIA's open GPU kernel modules (Turing and newer), built at image build time
 * against the board kernel's headers, so a node needs no compiler and no DKMS. The
 * userland is Debian's build of the same release: nvidia-smi with NVML, and libcuda.
 * GSP firmware: gsp_tu10x.bin (Turing), gsp_ga10x.bin (Ampere and newer); the open
 * modules need it (they run the GPU System Processor).
 *
 * Debian's packages are in contrib (the module source) and non-free (userland,
 * firmware in non-free-firmware): emb fetches them through its private apt, so the
 * host's sources may list main only. The rootfiles/ folder beside this file holds the
 * node side: the nvidia service (marker check, insmod by path, /dev nodes) and the
 * metrics service.
 */
export default defineGpuDriver({
  name: 'nvidia-open',
  description: 'NVIDIA open GPU kernel modules 535 with nvidia-smi, NVML, libcuda and GSP firmware',
  license: 'MIT OR GPL-2.0-only (kernel modules); NVIDIA proprietary (nvidia-smi, libraries, firmware)',
  version: '535.261.03',
  kind: 'open',
  arches: ['amd64'],
  debianVersion: '535.261.03-1',
  moduleSource: {
    package: 'nvidia-open-kernel-source',
    component: 'contrib',
    tarball: '/usr/src/nvidia-open-kernel.tar.xz',
    dir: 'nvidia-open-kernel',
  },
  // nvidia-peermem is left out: it needs InfiniBand's ib_core, which a node without
  // an HCA does not load.
  steps: ({ jobs }) => [
    {
      run: [
        'make',
        `-j${jobs}`,
        'modules',
        'SYSSRC=${KERNEL_SOURCE}',
        'SYSOUT=${KERNEL_BUILD}',
        'NV_KERNEL_MODULES=nvidia nvidia-uvm nvidia-modeset nvidia-drm',
      ],
    },
  ],
  modules: ['nvidia.ko', 'nvidia-modeset.ko', 'nvidia-uvm.ko', 'nvidia-drm.ko'],
  gspOffParameters: ['NVreg_EnableGpuFirmware=0'],
  userland: [
    {
      package: 'nvidia-smi',
      component: 'non-free',
      files: [{ path: '/usr/lib/nvidia/current/nvidia-smi', name: 'nvidia-smi', links: ['/usr/bin/nvidia-smi'] }],
    },
    {
      package: 'libnvidia-ml1',
      component: 'non-free',
      files: [
        {
          path: '/usr/lib/x86_64-linux-gnu/nvidia/current/libnvidia-ml.so.535.261.03',
          name: 'libnvidia-ml.so.535.261.03',
          // nvidia-smi dlopen()s libnvidia-ml.so.1: the link in the loader's default path finds it.
          links: ['libnvidia-ml.so.1', '/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1'],
        },
      ],
    },
    {
      package: 'libcuda1',
      component: 'non-free',
      files: [
        {
          path: '/usr/lib/x86_64-linux-gnu/nvidia/current/libcuda.so.535.261.03',
          name: 'libcuda.so.535.261.03',
          links: ['libcuda.so.1', '/usr/lib/x86_64-linux-gnu/libcuda.so.1'],
        },
      ],
    },
  ],
  checks: [
    // The nvidia service's outcome (bounded wait): a node without a GPU says no-gpu, one
    // with a GPU loaded; a bad marker or a failed insmod fails the check.
    {
      command:
        'i=0; until [ -s /run/emb/nvidia/state ]; do [ $i -ge 120 ] && break; sleep 1; i=$((i + 1)); done; cat /run/emb/nvidia/state',
      expect: '^(loaded|no-gpu|off)\\n',
    },
    // nvidia-smi finds NVML (libnvidia-ml.so.1) through the image's links: with a GPU it lists it, without one it says the driver is missing.
    { command: 'nvidia-smi -L 2>&1; true', expect: "GPU 0:|couldn't communicate with the NVIDIA driver" },
  ],
  firmware: {
    package: 'firmware-nvidia-gsp',
    component: 'non-free-firmware',
    files: {
      tu10x: '/lib/firmware/nvidia/535.261.03/gsp_tu10x.bin',
      ga10x: '/lib/firmware/nvidia/535.261.03/gsp_ga10x.bin',
    },
  },
});
