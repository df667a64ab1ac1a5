/**
 * Peak RSS (KiB, getrusage maxrss) of `emb build <board>` into a fresh out dir, printed
 * as the last line of stdout; run as its own process by rows/peak-rss.ts so the figure
 * is that build's alone. Packages and kernel come from the cache; plan, kernel stage,
 * assemble and pack run.
 *   peak-rss.ts <outDir> [board]
 */
import { join } from 'node:path';
import { cacheDir } from '../../src/paths.ts';
import { runBuild } from '../../src/pipeline/run-build.ts';

const [outRoot, board = 'qemu-aarch64'] = process.argv.slice(2);
if (!outRoot) throw new Error('usage: peak-rss.ts <outDir> [board]');
await runBuild({ board, cacheRoot: cacheDir(), outDir: join(outRoot, board), toolchain: 'host' });
console.log(process.resourceUsage().maxRSS);
