/**
 * npm run bench: figures for BENCHMARKS.md, each beside its peer measured in the same
 * run (these machines are noisy, so ratios mean more than seconds).
 * - pack: emb's TypeScript newc writer + zstd vs GNU cpio + the zstd CLI at the board's
 *   level, the old distro's way, on the same tree (the default board's image, unpacked).
 * - no-op build: `emb build` with nothing changed vs `node -e 0` (bare runtime start).
 * - clean build of busybox: `emb package build` vs the same steps in a bash script.
 * - clean build of the base set per arch (one round each: minutes), with emb's default jobs,
 *   and for aarch64 against 2 packages × make -j2 (what --jobs 2 meant before --make-jobs).
 * - boot: `emb qemu` ready line and full check+power-off, in seconds.
 * - RAM in use after boot, idle and with the BOINC client running (test/bench/ram.ts).
 * - peak RSS of `emb build` (kernel, assemble, pack: the streamed pack) vs the same image
 *   archived and compressed in memory (test/bench/peak-rss.ts).
 * Needs a finished `emb build` of qemu-aarch64 in dist/ (its downloads in the cache).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { entriesOfDirectory } from '../../src/build/artifact.ts';
import { createWriteStream } from 'node:fs';
import { compressStreamInto } from '../../src/pack/compress.ts';
import { newcArchiveChunks } from '../../src/pack/write-archive.ts';
import type { Manifest } from '../../src/pack/manifest.ts';
import { projectRoot } from '../../src/paths.ts';
import { defaultJobs } from '../../src/build/jobs.ts';
import { baseSet, cleanPackageBuild, handBuiltBusybox } from './clean-builds.ts';
import { ramInUse } from './ram.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
/** Clean builds take minutes: one round unless asked. */
const buildRounds = Number(process.env.BENCH_BUILD_ROUNDS ?? 1);
const image = join(projectRoot, 'dist', 'qemu-aarch64', 'initramfs.zst');

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

/** Median of `rounds` timings, peer and emb interleaved so drift hits both alike. */
async function medianPair(a: () => Promise<unknown>, b: () => Promise<unknown>, times = rounds): Promise<[number, number]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < times; i++) {
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
  const manifest = JSON.parse(await readFile(join(projectRoot, 'dist', 'qemu-aarch64', 'manifest.json'), 'utf8')) as Manifest;
  const level = manifest.initramfs.zstdLevel;
  const out = join(tree, '..', `${tree.split('/').pop()}.peer.zst`);
  let embSize = 0;
  const [embPack, peerPack] = await medianPair(
    async () => {
      await compressStreamInto(newcArchiveChunks(entries, { mtime: 0 }), createWriteStream(`${out}.emb`), level);
      embSize = (await readFile(`${out}.emb`)).length;
    },
    () =>
      execa('sh', [
        '-c',
        `cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet | zstd -${level} -q -f -o "$2"`,
        'sh',
        tree,
        out,
      ]),
  );
  const peerSize = (await readFile(out)).length;
  await rm(out, { force: true });
  await rm(`${out}.emb`, { force: true });
  const peakRss = async (mode: string, path: string): Promise<number> =>
    Number(
      (
        await execa(process.execPath, ['--import', 'tsx', join(projectRoot, 'test', 'bench', 'peak-rss.ts'), mode, path], {
          cwd: projectRoot,
          env: { CI: 'true' },
        })
      ).stdout
        .trim()
        .split('\n')
        .pop(),
    ) / 1024;
  const rssOut = await mkdtemp(join(tmpdir(), 'emb-bench-rss-'));
  const [rssStream, rssBuffers] = [await peakRss('stream', rssOut), await peakRss('buffers', tree)];
  await rm(rssOut, { recursive: true, force: true });
  const [bareNode, noop] = await medianPair(
    () => execa(process.execPath, ['-e', '0']),
    () =>
      execa(process.execPath, [join(projectRoot, 'bin', 'emb.js'), 'build', '--toolchain', 'host'], {
        cwd: projectRoot,
        env: { CI: 'true' },
      }),
  );
  const [peerBusybox, embBusybox] = await medianPair(
    () => handBuiltBusybox(2),
    () => cleanPackageBuild(['busybox'], 'aarch64', { packages: 1, make: 2 }),
    buildRounds,
  );
  const jobs = defaultJobs();
  const setTimes: string[] = [];
  const setSeconds: number[] = [];
  for (const arch of ['aarch64', 'armhf', 'amd64']) {
    const took = await cleanPackageBuild(baseSet, arch);
    setSeconds.push(took);
    setTimes.push(
      `| clean build of the base set (${baseSet.length} recipes), ${arch}, default jobs (${jobs.packages} × make -j${jobs.make}) (s) | ${took.toFixed(1)} | — | — |`,
    );
  }
  // The peer: what --jobs 2 meant before --make-jobs existed, 2 packages each with make -j2.
  const oldJobs = await cleanPackageBuild(baseSet, 'aarch64', { packages: 2, make: 2 });
  const newJobs = setSeconds[0] ?? Number.NaN;
  setTimes.push(
    `| clean build of the base set, aarch64: default jobs vs 2 packages × make -j2 (the old \`--jobs 2\`) (s) | ${newJobs.toFixed(1)} | ${oldJobs.toFixed(1)} | ${(newJobs / oldJobs).toFixed(2)} |`,
  );
  const boot = await execa(process.execPath, [join(projectRoot, 'bin', 'emb.js'), 'qemu'], {
    cwd: projectRoot,
    env: { CI: 'true' },
    reject: false,
  });
  const ready = /ready after ([\d.]+) s/.exec(boot.stdout)?.[1];
  const [ramIdle, ramBoinc] = await ramInUse(join(projectRoot, 'dist', 'qemu-aarch64'), manifest);
  const off = /powered off cleanly after ([\d.]+) s/.exec(boot.stdout)?.[1];
  const lines = [
    `| figure | emb | peer | ratio (emb / peer) |`,
    `|---|---|---|---|`,
    `| pack ${entries.length} entries, cpio newc + zstd-${level} (s) | ${embPack.toFixed(2)} | ${peerPack.toFixed(2)} (GNU cpio + zstd CLI) | ${(embPack / peerPack).toFixed(2)} |`,
    `| initramfs.zst size (bytes) | ${embSize} | ${peerSize} (GNU cpio + zstd CLI) | ${(embSize / peerSize).toFixed(3)} |`,
    `| peak RSS of \`emb build\` with kernel, assemble and pack (MiB) | ${rssStream.toFixed(1)} | ${rssBuffers.toFixed(1)} (same image archived + compressed in memory) | ${(rssStream / rssBuffers).toFixed(2)} |`,
    `| no-op \`emb build\` (s) | ${noop.toFixed(2)} | ${bareNode.toFixed(2)} (\`node -e 0\`) | ${(noop / bareNode).toFixed(1)} |`,
    `| clean build of busybox, aarch64 (s) | ${embBusybox.toFixed(1)} | ${peerBusybox.toFixed(1)} (same steps in bash) | ${(embBusybox / peerBusybox).toFixed(2)} |`,
    ...setTimes,
    `| \`emb qemu\`: ready line / powered off (s) | ${ready ?? '?'} / ${off ?? '?'} | — | — |`,
    `| RAM in use after boot, idle (MiB, MemTotal − MemAvailable) | ${ramIdle ?? '?'} | 85 MB (old distro, published) | — |`,
    `| RAM in use, BOINC client running on /storage (MiB) | ${ramBoinc ?? '?'} | 100 MB (old distro, published) | — |`,
  ];
  console.log(`rounds: ${rounds} (median; clean builds: ${buildRounds}), ${new Date().toISOString().slice(0, 10)}, ${process.version}`);
  console.log(lines.join('\n'));
} finally {
  await rm(tree, { recursive: true, force: true });
}
