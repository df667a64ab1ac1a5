/**
 * A cold source kernel build: `emb build --board qemu-aarch64-lean` with the source
 * kernel's cache folders empty (cold-cache.ts: the unpacked source tree, the built
 * kernels and the work folders), everything else from the shared cache; the wall time
 * is the kernel's unpack and compile plus a warm build's few seconds.
 */
import { join } from 'node:path';
import { listBoardNames } from '../../../src/plan/load-board.ts';
import { type BenchContext, buildBoard } from '../bench-context.ts';
import { cacheWithout } from '../cold-cache.ts';
import { type RowResult, skippedRow } from '../row.ts';

const board = 'qemu-aarch64-lean';
/** Where src/kernel/source keeps the unpacked source tree and the built kernels, and the builds' work folders. */
const coldFolders = ['kernel-source', 'source-kernels', 'work'];

export async function sourceKernelRows(ctx: BenchContext): Promise<RowResult> {
  const figure = `cold source kernel build: \`emb build --board ${board}\` with no kernel in the cache (s)`;
  if (!(await listBoardNames()).includes(board)) return { rows: [skippedRow('builds', figure, `board ${board} not present`)] };
  const cache = await cacheWithout(join(ctx.scratch, 'cold-kernel-cache'), coldFolders);
  const built = await buildBoard(board, join(ctx.scratch, 'source-kernel-dist'), { env: { EMB_CACHE_DIR: cache } });
  return {
    rows: [{ section: 'builds', figure, value: built.seconds.toFixed(1) }],
  };
}
