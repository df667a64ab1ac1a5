/**
 * npm run bench (GPU part), for BENCHMARKS.md: the amd64-nvidia board against its peers
 * measured in the same run.
 * - module build: emb's (in the toolchain, against the kernel's headers, then stripped
 *   and collected) vs the same `make modules` run directly in the same unpacked tree,
 *   what DKMS runs on a node at boot: cold both times, medians of BENCH_GPU_ROUNDS (1).
 * - image: amd64-nvidia at its own zstd level vs qemu-amd64 (the same kernel and base
 *   set without the GPU driver), compressed and unpacked, with the GPU layer's share.
 * - boot: `emb qemu` to the ready line, amd64-nvidia vs qemu-amd64 (no GPU in QEMU: the
 *   nvidia service's marker check and module loading are in it), medians of BENCH_ROUNDS (3).
 * Prints Markdown for BENCHMARKS.md.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { availableParallelism } from 'node:os';
import { extractDebianPackage } from '../../src/fetch/extract-deb.ts';
import { extractSourceTarball } from '../../src/fetch/extract-tarball.ts';
import { keyOf } from '../../src/fs/hash.ts';
import { buildGpuModules } from '../../src/gpu/build-modules.ts';
import { unpackHeaders } from '../../src/gpu/kernel-headers-tree.ts';
import { resolveGpu } from '../../src/gpu/resolve-gpu.ts';
import type { Manifest } from '../../src/pack/manifest.ts';
import { cacheDir } from '../../src/paths.ts';
import { planBuild } from '../../src/plan/plan-build.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const gpuRounds = Number(process.env.BENCH_GPU_ROUNDS ?? 1);
const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? Number.NaN;
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const cacheRoot = cacheDir();
const outRoot = await tempDir('bench-gpu');
const lines: string[] = [];

try {
  // Module build: emb's own (a fresh cache key each round, removed after) vs make in the same tree.
  const plan = await planBuild({ board: 'amd64-nvidia', cacheRoot, toolchain: 'host' });
  if (!plan.gpuDriver) throw new Error('amd64-nvidia has no GPU driver');
  const jobs = availableParallelism();
  const toolchainId = await plan.toolchain.toolchain.id(plan.info);
  const gpu = await resolveGpu(plan.gpuDriver, plan.kernel.identity, plan.info, { cacheRoot, offline: false, toolchainId });
  const embTimes: number[] = [];
  const peerTimes: number[] = [];
  for (let round = 0; round < gpuRounds; round++) {
    const modulesKey = keyOf([gpu.modulesKey, 'bench', String(process.pid), String(round)]);
    let started = performance.now();
    const built = await buildGpuModules(
      { ...gpu, modulesKey },
      { cacheRoot, toolchain: plan.toolchain.toolchain, info: plan.info, makeJobs: jobs },
    );
    embTimes.push((performance.now() - started) / 1000);
    await rm(join(built.dir, '..'), { recursive: true, force: true });

    const tree = join(outRoot, `peer-${round}`);
    await mkdir(tree, { recursive: true });
    const headers = await unpackHeaders(gpu, join(tree, 'headers'));
    await extractDebianPackage(await gpu.moduleSource.download(), join(tree, 'package'), 'bench');
    const { driver } = plan.gpuDriver;
    await extractSourceTarball(join(tree, 'package', driver.moduleSource.tarball), join(tree, 'src'), 'bench');
    started = performance.now();
    await execa(
      'make',
      [
        `-j${jobs}`,
        'modules',
        `SYSSRC=${headers.source}`,
        `SYSOUT=${headers.build}`,
        'NV_KERNEL_MODULES=nvidia nvidia-uvm nvidia-modeset nvidia-drm',
      ],
      { cwd: join(tree, 'src', driver.moduleSource.dir), stdout: 'ignore', stderr: 'ignore' },
    );
    peerTimes.push((performance.now() - started) / 1000);
    await rm(tree, { recursive: true, force: true });
    console.error(`module build round ${round + 1}: emb ${embTimes.at(-1)?.toFixed(1)} s, make ${peerTimes.at(-1)?.toFixed(1)} s`);
  }
  const emb = median(embTimes);
  const peer = median(peerTimes);
  lines.push(
    `Module build, cold, make -j${jobs} (${gpuRounds} round${gpuRounds === 1 ? '' : 's'}, median): emb ${emb.toFixed(1)} s, plain \`make modules\` in the same tree ${peer.toFixed(1)} s: **${(emb / peer).toFixed(2)}×** (emb's part: unpacking the headers and sources, strip, collect).`,
    '',
  );

  // Image: the board at its own level vs qemu-amd64.
  const manifests: Record<string, Manifest> = {};
  for (const board of ['amd64-nvidia', 'qemu-amd64']) {
    // emb qemu below needs the console's root shell (a real PC's console asks for root's password).
    const result = await runEmb(['build', '--board', board, '--out', outRoot, '--console-shell', 'root'], {}, 60 * 60_000);
    if (result.exitCode !== 0) throw new Error(`emb build --board ${board} failed:\n${result.stderr}`);
    manifests[board] = JSON.parse(await readFile(join(outRoot, board, 'manifest.json'), 'utf8')) as Manifest;
  }
  const gpuImage = manifests['amd64-nvidia'];
  const baseImage = manifests['qemu-amd64'];
  if (!gpuImage?.gpu || !baseImage) throw new Error('no manifests');
  const layer = (name: string): number => gpuImage.layers[name]?.bytes ?? 0;
  const firmwareBytes = gpuImage.files
    .filter((file) => file.path.startsWith('/lib/firmware/nvidia/'))
    .reduce((sum, file) => sum + file.size, 0);
  const driverModules = gpuImage.gpu.modules.filter((module) => module.from === 'driver').reduce((sum, module) => sum + module.bytes, 0);
  lines.push(
    `| image | zstd | initramfs MiB | unpacked MiB |`,
    `|---|---|---|---|`,
    `| amd64-nvidia | ${gpuImage.initramfs.zstdLevel} | ${mib(gpuImage.initramfs.compressedBytes)} | ${mib(gpuImage.initramfs.uncompressedBytes)} |`,
    `| qemu-amd64 (peer: no GPU driver) | ${baseImage.initramfs.zstdLevel} | ${mib(baseImage.initramfs.compressedBytes)} | ${mib(baseImage.initramfs.uncompressedBytes)} |`,
    `| ratio | | **${(gpuImage.initramfs.compressedBytes / baseImage.initramfs.compressedBytes).toFixed(2)}×** | **${(gpuImage.initramfs.uncompressedBytes / baseImage.initramfs.uncompressedBytes).toFixed(2)}×** |`,
    '',
    `The GPU layer unpacked: ${mib(layer('nvidia-open'))} MiB, of which GSP firmware ${mib(firmwareBytes)} MiB, NVIDIA modules (stripped) ${mib(driverModules)} MiB, libcuda/NVML/nvidia-smi and the kernel's drm modules the rest.`,
    '',
  );

  // Boot to the ready line.
  const boot = async (board: string): Promise<number> => {
    const result = await runEmb(['qemu', '--board', board, '--out', outRoot], {}, 10 * 60_000);
    const ready = /ready after ([\d.]+) s/.exec(String(result.stdout));
    if (result.exitCode !== 0 || !ready?.[1]) throw new Error(`emb qemu --board ${board} failed:\n${result.stdout}`);
    return Number(ready[1]);
  };
  const gpuBoots: number[] = [];
  const baseBoots: number[] = [];
  for (let round = 0; round < rounds; round++) {
    gpuBoots.push(await boot('amd64-nvidia'));
    baseBoots.push(await boot('qemu-amd64'));
  }
  lines.push(
    `Boot to the ready line in QEMU (TCG, q35, qemu64, ${rounds} rounds, median): amd64-nvidia ${median(gpuBoots).toFixed(1)} s, qemu-amd64 ${median(baseBoots).toFixed(1)} s: **${(median(gpuBoots) / median(baseBoots)).toFixed(2)}×** (the kernel unpacks a bigger archive; the nvidia service runs after the ready line).`,
  );
} finally {
  await rm(outRoot, { recursive: true, force: true });
}
console.log(lines.join('\n'));
