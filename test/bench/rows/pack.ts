/**
 * Pack rows: emb's packer against `find . | sort | cpio -o -H newc | zstd -<level> -T0`
 * (the old distro's way, on every core) and against `zstd -<level> -T0` alone on the
 * same ready cpio, on the default board's image tree, at the board's level and at 19.
 * Speeds are MB of cpio per second of wall time, medians of the rounds, interleaved.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { type BenchContext, sharedBuild } from '../bench-context.ts';
import { extractNewc } from '../newc-extract.ts';
import { embPack, packInput } from '../pack-entry.ts';
import { mb, median, type Row, type RowResult, ratio, seconds, skippedRow } from '../row.ts';

const board = 'qemu-aarch64';

/** MB/s with two digits that mean something: zstd-19 on a busy machine runs at about 1. */
const speedText = (value: number): string => value.toFixed(value >= 10 ? 1 : 2);

export async function packRows(ctx: BenchContext): Promise<RowResult> {
  const work = join(ctx.scratch, 'pack');
  const built = await sharedBuild(ctx, board);
  const tree = join(work, 'tree');
  await mkdir(tree, { recursive: true });
  const raw = await execa('zstd', ['-dc', join(built.outDir, built.manifest.initramfs.file)], { encoding: 'buffer', maxBuffer: 2 ** 31 });
  const extracted = await extractNewc(Buffer.from(raw.stdout), tree);
  const input = await packInput(tree, built.manifest);
  // The peers' ready cpio (untimed): the same tree as find | sort | cpio writes it.
  const readyCpio = join(work, 'ready.cpio');
  await execa('sh', ['-c', 'cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet > "$2"', 'sh', tree, readyCpio]);
  const cpioBytes = (await stat(readyCpio)).size;

  const rows: Row[] = [];
  const levels = [...new Set([built.manifest.initramfs.zstdLevel, 19])];
  for (const level of levels) {
    const label = `zstd-${level}, ${extracted.entries} entries`;
    if (ctx.quick && level !== levels[0]) {
      rows.push(skippedRow('pack', `pack at ${label}`, 'zstd-19 takes half a minute a round; full mode only'));
      continue;
    }
    const out = (name: string): string => join(work, `${name}-${level}.zst`);
    const times = { emb: [] as number[], pipeline: [] as number[], zstd: [] as number[] };
    let embBytes = { uncompressedBytes: 0, compressedBytes: 0 };
    for (let round = 0; round < ctx.rounds; round++) {
      times.emb.push(await seconds(async () => (embBytes = await embPack(input, out('emb'), level))));
      times.pipeline.push(
        await seconds(() =>
          execa('sh', [
            '-c',
            `cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | zstd -${level} -T0 -q -f -o "$2"`,
            'sh',
            tree,
            out('pipeline'),
          ]),
        ),
      );
      times.zstd.push(await seconds(() => execa('zstd', [`-${level}`, '-T0', '-q', '-f', readyCpio, '-o', out('zstd')])));
      ctx.say(
        `pack zstd-${level} round ${round + 1}: emb ${times.emb.at(-1)?.toFixed(2)} s, pipeline ${times.pipeline.at(-1)?.toFixed(2)} s, zstd ${times.zstd.at(-1)?.toFixed(2)} s`,
      );
    }
    const speed = {
      emb: embBytes.uncompressedBytes / 1e6 / median(times.emb),
      pipeline: cpioBytes / 1e6 / median(times.pipeline),
      zstd: cpioBytes / 1e6 / median(times.zstd),
    };
    const pipelineBytes = (await stat(out('pipeline'))).size;
    const zstdBytes = (await readFile(out('zstd'))).length;
    rows.push(
      {
        section: 'pack',
        figure: `pack at ${label}, ${mb(embBytes.uncompressedBytes)} MB cpio: speed (MB/s)`,
        value: speedText(speed.emb),
        peer: `${speedText(speed.pipeline)} (find | sort | cpio | zstd -T0)`,
        ratio: ratio(speed.emb, speed.pipeline),
        goal: { id: 'packVsPipeline', measured: speed.emb / speed.pipeline },
      },
      {
        section: 'pack',
        figure: `pack at zstd-${level} vs zstd alone: speed (MB/s)`,
        value: speedText(speed.emb),
        peer: `${speedText(speed.zstd)} (zstd -T0 on the ready cpio)`,
        ratio: ratio(speed.emb, speed.zstd),
        goal: { id: 'packVsZstd', measured: speed.emb / speed.zstd },
      },
      {
        section: 'pack',
        figure: `initramfs at zstd-${level} (MB)`,
        value: mb(embBytes.compressedBytes),
        peer: `${mb(pipelineBytes)} (pipeline); ${mb(zstdBytes)} (zstd alone)`,
        ratio: ratio(embBytes.compressedBytes, pipelineBytes, 3),
      },
    );
  }
  const note = extracted.skippedDevices ? `; ${extracted.skippedDevices} device nodes left out of the tree` : '';
  ctx.say(`pack: ${board}'s image tree, ${extracted.entries} entries${note}`);
  return { rows };
}
