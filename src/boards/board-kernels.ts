import { kernelProviderFor } from '../kernel/kernel-provider.ts';
import { indexModules } from '../kernel/modules/index.ts';
import { archInfoOf } from '../plan/arch-info.ts';
import type { Board } from '../schema/board.ts';
import type { BoardKernel } from './check-board.ts';

/**
 * Each board's kernel, fetched, unpacked and indexed once however many boards share it
 * (eight boards use linux-image-arm64): indexing reads every module's modinfo.
 */
export function boardKernels(cacheRoot: string): (board: Board) => Promise<BoardKernel> {
  const byPackage = new Map<string, Promise<BoardKernel>>();
  return (board) => {
    const key = `${board.kernel.provider}:${board.kernel.package}:${board.arch}:${board.kernel.image}`;
    let found = byPackage.get(key);
    if (found === undefined) {
      found = (async () => {
        const resolved = await kernelProviderFor(board, cacheRoot, archInfoOf(board.arch)).resolve();
        const kernel = await resolved.prepare();
        return { kernel, index: await indexModules(kernel.moduleRoot) };
      })();
      byPackage.set(key, found);
    }
    return found;
  };
}
