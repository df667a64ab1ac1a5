/**
 * `emb build` peak RSS on the default board (test/bench/peak-rss.ts in a process of its
 * own), beside the image's unpacked size: a packer that streams stays well under it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { manifestSchema } from '../../../src/pack/manifest.ts';
import { projectRoot } from '../../../src/paths.ts';
import type { BenchContext } from '../bench-context.ts';
import { mib, type RowResult, ratio } from '../row.ts';

const board = 'qemu-aarch64';

export async function peakRssRows(ctx: BenchContext): Promise<RowResult> {
  const outRoot = join(ctx.scratch, 'peak-rss');
  const result = await execa(process.execPath, ['--import', 'tsx', join(projectRoot, 'test', 'bench', 'peak-rss.ts'), outRoot, board], {
    cwd: projectRoot,
    env: { CI: 'true' },
  });
  const kib = Number(result.stdout.trim().split('\n').pop());
  if (!Number.isFinite(kib) || kib <= 0) throw new Error(`peak-rss.ts printed no figure:\n${result.stdout.slice(-2000)}`);
  const manifest = manifestSchema.parse(JSON.parse(await readFile(join(outRoot, board, 'manifest.json'), 'utf8')));
  const rss = kib * 1024;
  return {
    rows: [
      {
        section: 'memory',
        figure: `peak RSS of \`emb build\` of ${board}, zstd-${manifest.initramfs.zstdLevel} (plan, kernel, assemble, pack) (MiB)`,
        value: mib(rss),
        peer: `${mib(manifest.initramfs.uncompressedBytes)} (the image's unpacked cpio)`,
        ratio: ratio(rss, manifest.initramfs.uncompressedBytes),
      },
    ],
  };
}
