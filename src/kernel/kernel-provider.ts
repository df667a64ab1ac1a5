import type { ArchInfo } from '../plan/arch-info.ts';
import type { Board } from '../schema/board.ts';
import type { Toolchain } from '../toolchain/toolchain.ts';
import { debianKernelProvider } from './debian-kernel.ts';
import { sourceKernelProvider } from './source/source-kernel.ts';

/** Which kernel a build uses: recorded in the manifest, part of the image key. */
export interface KernelIdentity {
  /** "linux-image-6.1.0-50-arm64" (Debian), or the source tarball's name. */
  name: string;
  version: string;
  /** What the kernel was made from: the .deb's sha256, or the source and config's key. */
  sha256: string;
}

/** A kernel ready for the kernel stage: everything under `root` in the cache, read-only. */
export interface PreparedKernel {
  identity: KernelIdentity;
  /** The kernel release, `uname -r`: the module tree's folder name. */
  kver: string;
  /** The kernel image file as the provider has it (may be compressed; see kernelImageOutput). */
  imagePath: string;
  /** lib/modules/<kver>, with modules.builtin and modules.order. */
  moduleRoot: string;
  /** Where the DTBs are; a board's DTB names are relative to it. Undefined for kernels without DTBs (amd64). */
  dtbRoot?: string;
  /**
   * A lib/firmware tree holding the firmware files the modules name. Debian's
   * linux-image packages carry none (firmware comes in firmware-* packages), so this
   * is undefined for them.
   */
  firmwareRoot?: string;
  /**
   * Where the module tree's index may be kept (src/kernel/modules/kept-module-index.ts):
   * set by a provider whose tree never changes once made, a cache entry.
   */
  moduleIndexFile?: string;
  /** How a source kernel came to be, for the progress line: "built from source in 412 s" or "from the cache (built in 412 s)". */
  built?: string;
}

/** A kernel chosen but not yet fetched or built: cheap to make, so the plan can key the image. */
export interface ResolvedKernel {
  identity: KernelIdentity;
  /** Fetch (or build) and unpack, once per identity: the result lives in the cache. */
  prepare(): Promise<PreparedKernel>;
}

/**
 * Where kernels come from. Like Toolchain, one interface and one implementation per
 * kind: `debian` imports a linux-image package; `source` builds Debian's kernel source
 * with kernel-configs/ in the toolchain. The board's `kernel.provider` chooses.
 */
export interface KernelProvider {
  kind: Board['kernel']['provider'];
  resolve(): Promise<ResolvedKernel>;
}

/** `toolchain` is needed by `source` kernels only (they are compiled); Debian's are imported. */
export function kernelProviderFor(board: Board, cacheRoot: string, info: ArchInfo, toolchain?: Toolchain): KernelProvider {
  switch (board.kernel.provider) {
    case 'debian':
      return debianKernelProvider(board.kernel, cacheRoot, info);
    case 'source':
      return sourceKernelProvider(board.kernel, { cacheRoot, info, dtb: board.dtb, toolchain });
  }
}
