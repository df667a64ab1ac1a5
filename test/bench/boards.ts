/**
 * npm run bench (boards part): every board built at its own zstd level into a temp
 * dir; per board the compressed and unpacked image, modules kept of the kernel's (count
 * and MiB), and for 'auto' boards how many modules the DTB chose and the deny list kept
 * out. The ratios are against the board's own kernel, read in the same run.
 * Prints a Markdown table for BENCHMARKS.md.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../../src/pack/manifest.ts';
import { listBoardNames } from '../../src/plan/load-board.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';

const outRoot = await tempDir('bench-boards');
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const rows: string[] = [];
try {
  for (const board of await listBoardNames()) {
    const started = performance.now();
    const result = await runEmb(['build', '--board', board, '--out', outRoot], {}, 60 * 60_000);
    if (result.exitCode !== 0) throw new Error(`emb build --board ${board} failed:\n${result.stdout}\n${result.stderr}`);
    const seconds = (performance.now() - started) / 1000;
    const m = JSON.parse(await readFile(join(outRoot, board, 'manifest.json'), 'utf8')) as Manifest;
    const auto = m.modules.auto === undefined ? '-' : `${m.modules.auto.length} (${m.modules.denied?.length ?? 0} denied)`;
    rows.push(
      `| ${board} | ${m.arch} | ${m.initramfs.zstdLevel} | ${mib(m.initramfs.compressedBytes)} | ${mib(m.initramfs.uncompressedBytes)} | ` +
        `${m.modules.kept} / ${m.modules.total} (${((100 * m.modules.kept) / m.modules.total).toFixed(1)}%) | ` +
        `${mib(m.modules.keptBytes)} / ${mib(m.modules.totalBytes)} (${((100 * m.modules.keptBytes) / m.modules.totalBytes).toFixed(1)}%) | ${auto} | ${seconds.toFixed(1)} |`,
    );
    console.error(`${board}: done in ${seconds.toFixed(1)} s`);
  }
} finally {
  await rm(outRoot, { recursive: true, force: true });
}
console.log(
  '| board | arch | zstd | initramfs MiB | unpacked MiB | modules kept / kernel | MiB kept / kernel | chosen by the DTB | build s |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
