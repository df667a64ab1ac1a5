import { verifyHostTools } from '../host/host-tools.ts';
import type { ArchInfo } from '../plan/arch-info.ts';
import { hostBuildTools } from './host-toolchain.ts';
import type { Toolchain } from './toolchain.ts';

/**
 * Check, before any work, that `toolchain` can build for every arch of `infos` (the
 * first is the board's or the package build's own). With the host toolchain its own
 * check covers the host tools; any other still needs them on this machine except the
 * cross compiler, because Debian imports and the kernel use the host's apt and dpkg.
 */
export async function verifyBuildHost(toolchain: Toolchain, infos: readonly ArchInfo[]): Promise<void> {
  const [primary] = infos;
  if (primary && toolchain.kind !== 'host')
    await verifyHostTools(hostBuildTools(primary).filter((tool) => !tool.startsWith(primary.crossCompile)));
  for (const info of infos) await toolchain.verify(info);
}
