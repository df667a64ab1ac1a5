/**
 * npm run bench:pxe: seconds for emb pxe's tree writer (planTree + writeTree) to write
 * the tree of 1,000 nodes across 5 network-booting boards, the images already built:
 * (a) a fresh tree, (b) a rewrite with nothing changed, (c) a rewrite after every node's
 * args changed. Median of 3 rounds (BENCH_ROUNDS), emb and its peer interleaved.
 *
 * The builds are synthetic: per board a kernel, initramfs (and DTB) of random bytes at
 * the sizes of the real builds (BENCHMARKS.md, issue 10), so copies cost what they do.
 *
 * Peer: GNU cp on a staged copy of the same finished tree: the same files and bytes,
 * with nothing planned, compared or renamed into place, which is the least any script
 * that puts these bytes there can do. (a) `cp -a` into an empty dir; (b) and (c)
 * `cp -au` (copy only what is newer) from the staged tree onto that copy: the cheapest
 * way to skip unchanged files, by mtime alone where emb compares content keys and text.
 * -a keeps the staged mtimes, so (b) finds nothing newer and (c) finds the 1,000 node
 * files (and the state file) the changed args rewrote. Neither side syncs to disk in its
 * time; a sync between steps (untimed) keeps one step's writeback out of the next.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Manifest } from '../../src/pack/manifest.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { type BoardBuild, type PxeNode, planTree } from '../../src/pxe/plan-tree.ts';
import { treeStatePath } from '../../src/pxe/tree-layout.ts';
import { type TreeWriteResult, writeTree } from '../../src/pxe/write-tree.ts';
import { tempDir } from '../helpers/run-emb.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const nodeCount = 1000;
const mib = 1024 * 1024;

/** Sizes of the real builds: kernels as Debian ships them, initramfs at each board's zstd level. */
const boardFiles: { board: string; kernel: [string, number]; initrd: number; dtb?: [string, number] }[] = [
  { board: 'qemu-aarch64', kernel: ['Image', 32_956_352], initrd: 17.3 * mib },
  { board: 'qemu-armhf', kernel: ['zImage', 5_448_192], initrd: 15.2 * mib },
  { board: 'qemu-amd64', kernel: ['vmlinuz', 8_222_656], initrd: 17.8 * mib },
  { board: 'sopine', kernel: ['Image', 32_956_352], initrd: 15.4 * mib, dtb: ['sun50i-a64-sopine-baseboard.dtb', 29_000] },
  { board: 'orangepi-pc', kernel: ['zImage', 5_448_192], initrd: 13.5 * mib, dtb: ['sun8i-h3-orangepi-pc.dtb', 33_000] },
];

async function writeRandom(path: string, bytes: number): Promise<void> {
  await writeFile(path, randomBytes(Math.round(bytes)));
}

async function fakeBuild(root: string, spec: (typeof boardFiles)[number]): Promise<BoardBuild> {
  const { board } = await loadBoard(spec.board);
  const distDir = join(root, spec.board);
  await mkdir(distDir, { recursive: true });
  await writeRandom(join(distDir, spec.kernel[0]), spec.kernel[1]);
  await writeRandom(join(distDir, 'initramfs.zst'), spec.initrd);
  if (spec.dtb) await writeRandom(join(distDir, spec.dtb[0]), spec.dtb[1]);
  const manifest = {
    imageKey: randomBytes(32).toString('hex'),
    kernel: { file: spec.kernel[0] },
    initramfs: { file: 'initramfs.zst' },
    dtb: spec.dtb ? { file: spec.dtb[0], source: spec.dtb[0] } : undefined,
  } as unknown as Manifest;
  return { board, distDir, manifest };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** 1,000 nodes, 200 per board; `consul` stands for args that differ between (b) and (c). */
function nodes(consul: string): PxeNode[] {
  return Array.from({ length: nodeCount }, (_, i) => {
    const hostname = `node${String(i).padStart(4, '0')}`;
    return {
      mac: `02:00:00:00:${hex(i >> 8)}:${hex(i & 0xff)}`,
      hostname,
      board: boardFiles[i % boardFiles.length]!.board,
      args: `uebo.consul=${consul} uebo.hostname=${hostname}`,
    };
  });
}

interface Run {
  seconds: number;
  result: TreeWriteResult;
  nodeBytes: number;
}

/** Untimed: write back what the last step left dirty, so it does not land in the next step's time. */
async function settle(): Promise<void> {
  await execa('sync');
}

async function emb(tree: string, builds: Map<string, BoardBuild>, nodeList: PxeNode[]): Promise<Run> {
  await settle();
  const start = performance.now();
  const plan = planTree(nodeList, builds);
  const result = await writeTree(tree, plan, { prune: false });
  const seconds = (performance.now() - start) / 1000;
  const written = new Set(result.written);
  const nodeBytes = plan.node.reduce(
    (sum, file) => sum + (written.has(file.path) && file.kind === 'text' ? Buffer.byteLength(file.text) : 0),
    0,
  );
  return { seconds, result, nodeBytes };
}

async function peer(args: string[]): Promise<number> {
  await settle();
  const start = performance.now();
  await execa('cp', args);
  return (performance.now() - start) / 1000;
}

function median(values: number[]): number {
  return [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
}

const root = await tempDir('bench-pxe');
try {
  const builds = new Map<string, BoardBuild>();
  for (const spec of boardFiles) builds.set(spec.board, await fakeBuild(join(root, 'dist'), spec));
  const before = nodes('10.0.0.2:8500');
  const after = nodes('10.0.0.3:8500');
  // The staged trees cp copies: the finished tree, and the same with every node's args changed (node files newer).
  const staged = join(root, 'staged');
  const stagedChanged = join(root, 'staged-changed');
  await writeTree(staged, planTree(before, builds), { prune: false });
  await execa('cp', ['-a', staged, stagedChanged]);
  // File times tick with the kernel's clock (a few ms): make the rewritten node files newer for cp -u.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await writeTree(stagedChanged, planTree(after, builds), { prune: false });

  const cases = ['(a) fresh tree', '(b) rewrite, nothing changed', "(c) rewrite, every node's args changed"] as const;
  const embRuns: Run[][] = [[], [], []];
  const cpSeconds: number[][] = [[], [], []];
  for (let round = 0; round < rounds; round++) {
    const tree = join(root, `emb-${round}`);
    const copy = join(root, `cp-${round}`);
    embRuns[0]!.push(await emb(tree, builds, before));
    cpSeconds[0]!.push(await peer(['-a', staged, copy]));
    embRuns[1]!.push(await emb(tree, builds, before));
    cpSeconds[1]!.push(await peer(['-au', `${staged}/.`, copy]));
    embRuns[2]!.push(await emb(tree, builds, after));
    cpSeconds[2]!.push(await peer(['-au', `${stagedChanged}/.`, copy]));
    await rm(tree, { recursive: true, force: true });
    await rm(copy, { recursive: true, force: true });
    console.error(
      `round ${round + 1}: emb ${embRuns.map((runs) => runs.at(-1)!.seconds.toFixed(3)).join(' / ')} s, cp ${cpSeconds.map((s) => s.at(-1)!.toFixed(3)).join(' / ')} s`,
    );
  }

  // The cases measure what they say: everything, nothing, then exactly the node files.
  const written = embRuns.map((runs) => [...new Set(runs.map((run) => run.result.written.length))]);
  const fresh = planTree(before, builds);
  const want = [[fresh.shared.length + fresh.node.length], [0], [nodeCount]];
  if (JSON.stringify(written) !== JSON.stringify(want))
    throw new Error(`files written ${JSON.stringify(written)}, want ${JSON.stringify(want)}`);

  console.log(
    `| ${nodeCount} nodes, ${boardFiles.length} boards | emb s | cp s | emb / cp | files written | bytes per node (node files) | bytes per node (all / ${nodeCount}) |`,
  );
  console.log('|---|---|---|---|---|---|---|');
  cases.forEach((name, i) => {
    const runs = embRuns[i]!;
    const seconds = median(runs.map((run) => run.seconds));
    const cp = median(cpSeconds[i]!);
    const last = runs.at(-1)!;
    console.log(
      `| ${name} | ${seconds.toFixed(3)} | ${cp.toFixed(3)} | ${(seconds / cp).toFixed(2)} | ${last.result.written.length} | ` +
        `${Math.round(last.nodeBytes / nodeCount)} | ${Math.round(last.result.bytesWritten / nodeCount)} |`,
    );
  });
  const state = await stat(join(staged, treeStatePath));
  console.log(
    `\nNot counted above: ${treeStatePath} (${state.size} bytes for these nodes), rewritten when the set of files changes (not in (b)).`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
