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
}

const archInfos: Record<Arch, ArchInfo> = {
  aarch64: { arch: 'aarch64', debianArch: 'arm64', triplet: 'aarch64-linux-gnu', crossCompile: 'aarch64-linux-gnu-', kernelArch: 'arm64', elfMachine: 183 },
  armhf: { arch: 'armhf', debianArch: 'armhf', triplet: 'arm-linux-gnueabihf', crossCompile: 'arm-linux-gnueabihf-', kernelArch: 'arm', elfMachine: 40 },
  amd64: { arch: 'amd64', debianArch: 'amd64', triplet: 'x86_64-linux-gnu', crossCompile: 'x86_64-linux-gnu-', kernelArch: 'x86', elfMachine: 62 },
};

export function archInfoOf(arch: Arch): ArchInfo {
  return archInfos[arch];
}
