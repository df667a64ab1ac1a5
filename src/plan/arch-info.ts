import type { Arch } from '../schema/board.ts';

/** Names one target architecture goes by in each tool emb talks to. */
export interface ArchInfo {
  arch: Arch;
  debianArch: string;
  /** GNU triplet, also the multiarch directory name under /lib. */
  triplet: string;
  crossCompile: string;
  kernelArch: string;
  /** ELF e_machine value binaries for this arch must carry. */
  elfMachine: number;
  /** glibc's dynamic loader as programs name it (PT_INTERP). */
  loader: string;
}

const archInfos: Record<Arch, ArchInfo> = {
  aarch64: {
    arch: 'aarch64',
    debianArch: 'arm64',
    triplet: 'aarch64-linux-gnu',
    crossCompile: 'aarch64-linux-gnu-',
    kernelArch: 'arm64',
    elfMachine: 183,
    loader: '/lib/ld-linux-aarch64.so.1',
  },
  armhf: {
    arch: 'armhf',
    debianArch: 'armhf',
    triplet: 'arm-linux-gnueabihf',
    crossCompile: 'arm-linux-gnueabihf-',
    kernelArch: 'arm',
    elfMachine: 40,
    loader: '/lib/ld-linux-armhf.so.3',
  },
  amd64: {
    arch: 'amd64',
    debianArch: 'amd64',
    triplet: 'x86_64-linux-gnu',
    crossCompile: 'x86_64-linux-gnu-',
    kernelArch: 'x86',
    elfMachine: 62,
    loader: '/lib64/ld-linux-x86-64.so.2',
  },
};

export function archInfoOf(arch: Arch): ArchInfo {
  return archInfos[arch];
}

/** Variables a debian-binary source's paths may use, e.g. /lib/${TRIPLET}/libc.so.6. */
export function archPathVariables(info: ArchInfo): Record<string, string> {
  return { TRIPLET: info.triplet, LOADER: info.loader, DEBIAN_ARCH: info.debianArch };
}
