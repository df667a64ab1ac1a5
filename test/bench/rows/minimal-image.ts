/**
 * The minimal image: busybox and runit (with what they depend on) and a board's boot
 * modules, packed at zstd-19, built from a board file written into this run's scratch
 * folder (EMB_BOARDS_DIR): the repository's boards are not touched. Two bases: the
 * default board (Debian's kernel, its virtio and ext4 modules) and qemu-aarch64-lean
 * (a kernel from kernel-configs/ with those built in, so no module at all).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../../src/paths.ts';
import { type BenchContext, buildBoard } from '../bench-context.ts';
import { mb, type RowResult, ratio } from '../row.ts';
import { packageBreakdown } from './images.ts';

const bases = ['qemu-aarch64', 'qemu-aarch64-lean'];

export async function minimalImageRows(ctx: BenchContext): Promise<RowResult> {
  const results = [];
  for (const base of bases) results.push(await minimalImage(ctx, base));
  return { rows: results.flatMap((result) => result.rows), notes: results.flatMap((result) => result.notes ?? []) };
}

async function minimalImage(ctx: BenchContext, base: string): Promise<RowResult> {
  const name = `bench-minimal-${base}`;
  const boards = join(ctx.scratch, `minimal-boards-${base}`);
  await mkdir(boards, { recursive: true });
  const baseUrl = pathToFileURL(join(projectRoot, 'boards', `${base}.ts`)).href;
  await writeFile(
    join(boards, `${name}.ts`),
    [
      `import base from '${baseUrl}';`,
      '',
      `/** ${base} with busybox and runit only: the smallest node image (written by npm run bench). */`,
      'export default {',
      '  ...base,',
      `  name: '${name}',`,
      `  description: 'busybox + runit + the boot modules of ${base}',`,
      "  packages: ['busybox', 'runit'],",
      '  extraArches: [],',
      '  optionalModules: [],',
      // The base's read-only layer names packages this image does not have.
      '  readOnlyLayer: undefined,',
      '  compressionLevel: 19,',
      '};',
      '',
    ].join('\n'),
  );
  const built = await buildBoard(name, join(ctx.scratch, `minimal-dist-${base}`), { env: { EMB_BOARDS_DIR: boards } });
  const { initramfs } = built.manifest;
  const packages = Object.keys(built.manifest.sources).join(', ');
  return {
    rows: [
      {
        section: 'images',
        figure: `minimal image (${packages} + ${base}'s boot modules), zstd-19: initramfs / unpacked (MB)`,
        value: `${mb(initramfs.compressedBytes)} / ${mb(initramfs.uncompressedBytes)}`,
        peer: "3 (u-root's stated ceiling)",
        ratio: ratio(initramfs.compressedBytes / 1e6, 3),
        goal: { id: 'minimalImage', measured: initramfs.compressedBytes / 1e6 },
      },
    ],
    notes: [{ title: `Minimal image on ${base}: unpacked MB per package`, text: packageBreakdown(built.manifest) }],
  };
}
