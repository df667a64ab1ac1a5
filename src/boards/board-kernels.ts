import { kernelProviderFor } from '../kernel/kernel-provider.ts';
import { indexModulesKept } from '../kernel/modules/kept-module-index.ts';
import { archInfoOf } from '../plan/arch-info.ts';
import type { Board } from '../schema/board.ts';
import type { Toolchain } from '../toolchain/toolchain.ts';
import type { BoardKernel } from './check-board.ts';

/**
 * Each board's kernel, fetched, unpacked and indexed once however many boards share it
 * (eight boards use linux-image-arm64): indexing reads every module's modinfo. A
 * `source` kernel is built (once, then from the cache) with the toolchain `toolchain`
 * gives: asked for only when such a board is checked.
 */
export function boardKernels(cacheRoot: string, toolchain?: () => Promise<Toolchain>): (board: Board) => Promise<BoardKernel> {
  const byPackage = new Map<string, Promise<BoardKernel>>();
  return (board) => {
    const key = `${board.arch}:${board.dtb ?? ''}:${JSON.stringify(board.kernel)}`;
    let found = byPackage.get(key);
    if (found === undefined) {
      found = (async () => {
        const chosen = board.kernel.provider === 'source' ? await toolchain?.() : undefined;
        const resolved = await kernelProviderFor(board, cacheRoot, archInfoOf(board.arch), chosen).resolve();
        const kernel = await resolved.prepare();
        return { kernel, index: await indexModulesKept(kernel.moduleRoot, kernel.moduleIndexFile) };
      })();
      byPackage.set(key, found);
    }
    return found;
  };
}
