/**
 * Peak RSS (KiB, getrusage maxrss) of one way to make an image, printed on stdout;
 * run as its own process by run.ts so each figure is that process's alone.
 *   stream <outDir>   `emb build` of qemu-aarch64 into a fresh out dir (kernel, assemble and
 *                     pack run; packages come from the cache): the streamed pack.
 *   buffers <tree>    the same image's files read whole, archived and compressed in
 *                     memory: how emb packed before the pack stage streamed.
 */
import { runBuild } from '../../src/pipeline/run-build.ts';
import { cacheDir } from '../../src/paths.ts';
import { entriesOfDirectory } from '../../src/build/artifact.ts';
import { compressZstd } from '../../src/pack/compress.ts';
import { writeNewcArchive } from '../../src/pack/write-archive.ts';

const [mode, path] = process.argv.slice(2);
if (!path) throw new Error('usage: peak-rss.ts stream <outDir> | buffers <tree>');
if (mode === 'stream') {
  await runBuild({ board: 'qemu-aarch64', cacheRoot: cacheDir(), outDir: path, toolchain: 'host' });
} else {
  const archive = writeNewcArchive(await entriesOfDirectory(path), { mtime: 0 });
  await compressZstd(archive, 9);
}
console.log(process.resourceUsage().maxRSS);
