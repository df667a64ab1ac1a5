/** RAM in use with the BOINC client running, per QEMU board (ram.ts). */
import type { BenchContext } from '../bench-context.ts';
import { goalBoards, oldDistroRamMB } from '../old-distro.ts';
import { imageToBoot, qemuBoards } from '../qemu-boards.ts';
import { ramWithBoinc } from '../ram.ts';
import { type Row, type RowResult, skippedRow } from '../row.ts';

export async function ramBoincRows(ctx: BenchContext): Promise<RowResult> {
  const rows: Row[] = [];
  for (const board of await qemuBoards(ctx)) {
    const figure = `${board.name}: BOINC client running on /storage (MiB)`;
    const checked = goalBoards.includes(board.name);
    const image = await imageToBoot(ctx, board.name);
    if (!image) {
      rows.push(skippedRow('ram', figure, `no image (build it: emb build --board ${board.name})`));
      continue;
    }
    const used = await ramWithBoinc(board, image.outDir, image.manifest);
    ctx.say(`ram with BOINC ${board.name}: ${used ?? 'client not running'}`);
    rows.push({
      section: 'ram',
      figure,
      value: used === undefined ? 'not read: the client did not start' : used.toFixed(1),
      peer: `${oldDistroRamMB.boinc} MB (old distro, published)`,
      goal: checked && used !== undefined ? { id: 'ramBoinc', measured: used } : undefined,
    });
  }
  return { rows };
}
