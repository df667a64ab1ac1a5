/**
 * The boards QEMU can boot (a `qemu` section in their board file), read from the board
 * list, so a new board is benchmarked without touching the bench; and where this run
 * finds each one's image.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { manifestName } from '../../src/pipeline/dist-output.ts';
import { projectRoot } from '../../src/paths.ts';
import { listBoardNames, loadBoard } from '../../src/plan/load-board.ts';
import type { Board } from '../../src/schema/board.ts';
import { type BenchContext, wantsBoard } from './bench-context.ts';

export async function qemuBoards(ctx: BenchContext): Promise<Board[]> {
  const boards: Board[] = [];
  for (const name of await listBoardNames()) {
    if (!wantsBoard(ctx, name)) continue;
    const { board } = await loadBoard(name);
    if (board.qemu) boards.push(board);
  }
  return boards;
}

/** What a boot needs of a manifest: also in one an older emb wrote, which the current schema refuses. */
const bootFieldsSchema = z.object({
  kernel: z.object({ file: z.string() }),
  initramfs: z.object({ zstdLevel: z.number() }),
  modules: z.object({ auto: z.array(z.object({ module: z.string() })).optional() }),
});
export type BootFields = z.infer<typeof bootFieldsSchema>;

export interface BootableImage {
  outDir: string;
  manifest: BootFields;
  /** "built in this run", or "dist/" for an image found there (--quick boots what set-up or the tests built). */
  from: string;
}

/** The image this run built for the board (full mode), else the one in dist/ (--quick), else undefined. */
export async function imageToBoot(ctx: BenchContext, board: string): Promise<BootableImage | undefined> {
  const built = ctx.built.get(board);
  const outDir = built ?? join(projectRoot, 'dist', board);
  const text = await readFile(join(outDir, manifestName), 'utf8').catch(() => undefined);
  const parsed = text === undefined ? undefined : bootFieldsSchema.safeParse(JSON.parse(text));
  return parsed?.success ? { outDir, manifest: parsed.data, from: built ? 'built in this run' : 'dist/' } : undefined;
}
