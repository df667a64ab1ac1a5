/**
 * Image rows: per board the compressed and unpacked initramfs against the old distro's
 * published image for the arch, and the unpacked bytes per package (the manifest's
 * layers). Full mode builds every board at its own zstd level into this run's scratch
 * folder (the boot and RAM rows then boot those); --quick builds the default board at
 * its level and sopine, the goal's board, at zstd-3 (its own 19 takes half a minute):
 * its unpacked breakdown holds, its compressed size is not the goal's.
 */
import { listBoardNames } from '../../../src/plan/load-board.ts';
import type { Manifest } from '../../../src/pack/manifest.ts';
import { type BenchContext, sharedBuild, wantsBoard } from '../bench-context.ts';
import { oldDistroImageMB } from '../old-distro.ts';
import { mb, type Note, type Row, type RowResult, ratio } from '../row.ts';

const goalBoard = 'sopine';

/** "boinc-client 22.9, node-exporter 13.0, …": every layer with bytes, largest first, MB unpacked. */
export function packageBreakdown(manifest: Manifest): string {
  return Object.entries(manifest.layers)
    .filter(([, totals]) => totals.bytes > 0)
    .sort(([, a], [, b]) => b.bytes - a.bytes)
    .map(([name, totals]) => `${name} ${mb(totals.bytes)}`)
    .join(', ');
}

export async function imageRows(ctx: BenchContext): Promise<RowResult> {
  const plan: { board: string; args: string[] }[] = ctx.quick
    ? [
        { board: 'qemu-aarch64', args: [] },
        { board: goalBoard, args: ['--zstd-level', '3'] },
      ]
    : (await listBoardNames()).map((board) => ({ board, args: [] }));
  const wanted = plan.filter(({ board }) => wantsBoard(ctx, board));
  const rows: Row[] = [];
  const breakdown: string[] = ['| board | unpacked MB per package, largest first |', '|---|---|'];
  for (const { board, args } of wanted) {
    ctx.say(`images: building ${board}${args.length ? ` (${args.join(' ')})` : ''}`);
    const built = await sharedBuild(ctx, board, args);
    if (args.length === 0) ctx.built.set(board, built.outDir);
    const { initramfs, arch } = built.manifest;
    const old = oldDistroImageMB[arch];
    const ownLevel = args.length === 0;
    rows.push({
      section: 'images',
      figure: `${board} (${arch}), zstd-${initramfs.zstdLevel}: initramfs / unpacked (MB)`,
      value: `${mb(initramfs.compressedBytes)} / ${mb(initramfs.uncompressedBytes)}`,
      peer: old === undefined ? undefined : `${old} (old distro, ${arch}, published)`,
      ratio: old === undefined ? undefined : ratio(initramfs.compressedBytes / 1e6, old),
      goal: board === goalBoard && ownLevel ? { id: 'sopineImage', measured: initramfs.compressedBytes / 1e6 } : undefined,
    });
    breakdown.push(`| ${board} | ${packageBreakdown(built.manifest)} |`);
  }
  if (ctx.quick)
    rows.push({
      section: 'images',
      figure: `${goalBoard} at its own zstd-19`,
      value: 'not measured: full mode only (half a minute)',
      skipped: true,
    });
  const notes: Note[] = [{ title: 'Images: unpacked bytes per package', text: breakdown.join('\n') }];
  return { rows, notes };
}
