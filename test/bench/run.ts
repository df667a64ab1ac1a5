/**
 * npm run bench: figures for BENCHMARKS.md, each beside its peer measured in the same
 * run (these machines are noisy, so ratios mean more than seconds).
 * - pack: emb's TypeScript newc writer + zstd-19 vs GNU cpio + the zstd CLI (-19),
 *   the old distro's way, on the same tree (the default board's image, unpacked).
 * - no-op build: `emb build` with nothing changed vs `node -e 0` (bare runtime start).
 * - boot: `emb qemu` ready line and full check+power-off, in seconds.
 * Needs a finished `emb build` of qemu-aarch64 in dist/.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { entriesOfDirectory } from '../../src/build/artifact.ts';
import { compressZstd } from '../../src/pack/compress.ts';
import { writeNewcArchive } from '../../src/pack/write-archive.ts';
import { projectRoot } from '../../src/paths.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const image = join(projectRoot, 'dist', 'qemu-aarch64', 'initramfs.zst');

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

/** Median of `rounds` timings, peer and emb interleaved so drift hits both alike. */
async function medianPair(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    as.push(await seconds(a));
    bs.push(await seconds(b));
  }
  const median = (values: number[]): number => values.sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  return [median(as), median(bs)];
}

const tree = await mkdtemp(join(tmpdir(), 'emb-bench-'));
try {
  await execa('sh', ['-c', 'zstd -dc "$1" | (cd "$2" && cpio -idm --quiet --no-absolute-filenames)', 'sh', image, tree]);
  const entries = await entriesOfDirectory(tree);
  const out = join(tree, '..', `${tree.split('/').pop()}.peer.zst`);
  let embSize = 0;
  const [embPack, peerPack] = await medianPair(
    async () => (embSize = (await compressZstd(writeNewcArchive(entries, { mtime: 0 }), 19)).length),
    () => execa('sh', ['-c', 'cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet | zstd -19 -q -f -o "$2"', 'sh', tree, out]),
  );
  const peerSize = (await readFile(out)).length;
  await rm(out, { force: true });
  const [bareNode, noop] = await medianPair(
    () => execa(process.execPath, ['-e', '0']),
    () => execa(process.execPath, [join(projectRoot, 'bin', 'emb.js'), 'build'], { cwd: projectRoot, env: { CI: 'true' } }),
  );
  const boot = await execa(process.execPath, [join(projectRoot, 'bin', 'emb.js'), 'qemu'], { cwd: projectRoot, env: { CI: 'true' } });
  const ready = /ready after ([\d.]+) s/.exec(boot.stdout)?.[1];
  const off = /powered off cleanly after ([\d.]+) s/.exec(boot.stdout)?.[1];
  const lines = [
    `| figure | emb | peer | ratio (emb / peer) |`,
    `|---|---|---|---|`,
    `| pack ${entries.length} entries, cpio newc + zstd-19 (s) | ${embPack.toFixed(2)} | ${peerPack.toFixed(2)} (GNU cpio + zstd CLI) | ${(embPack / peerPack).toFixed(2)} |`,
    `| initramfs.zst size (bytes) | ${embSize} | ${peerSize} (GNU cpio + zstd CLI) | ${(embSize / peerSize).toFixed(3)} |`,
    `| no-op \`emb build\` (s) | ${noop.toFixed(2)} | ${bareNode.toFixed(2)} (\`node -e 0\`) | ${(noop / bareNode).toFixed(1)} |`,
    `| \`emb qemu\`: ready line / powered off (s) | ${ready ?? '?'} / ${off ?? '?'} | — | — |`,
  ];
  console.log(`rounds: ${rounds} (median), ${new Date().toISOString().slice(0, 10)}, ${process.version}`);
  console.log(lines.join('\n'));
} finally {
  await rm(tree, { recursive: true, force: true });
}
