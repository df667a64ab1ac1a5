/**
 * Where two builds of one board differ: the first file of dist/<board> that is not
 * byte-identical, and for an initramfs the first record inside it, with what differs
 * about it (content, mode, owner, mtime, …). One line, so `emb build
 * --check-reproducible` can print it and a test can assert on it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '../fs/exists.ts';
import { readManifest } from '../pipeline/dist-output.ts';
import { describeBytesDifference } from './bytes-difference.ts';
import { describeInitramfsDifference } from './initramfs-difference.ts';
import { looksLikeInitramfs } from './read-initramfs.ts';

/**
 * Files of dist/<board> that are not compared: the manifest names the toolchain and the
 * package cache keys (which hash the toolchain's id), so it differs between a host and a
 * docker build by design; the console log is written by `emb qemu`, not the build.
 */
export const notCompared = ['manifest.json', 'qemu-console.log'];

export type DistComparison = { identical: true; files: string[] } | { identical: false; file: string; detail: string };

const fileMode = async (path: string): Promise<string> => ((await stat(path)).mode & 0o7777).toString(8).padStart(4, '0');

/** The files of one dist/<board> folder that are compared: regular files, temp names and notCompared left out. */
async function comparedFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.tmp-') && !notCompared.includes(entry.name))
    .map((entry) => entry.name);
}

/**
 * The order files are compared in: the first build's manifest's outputs (the initramfs,
 * then the kernel and DTB, then images made from them: a uInitrd differs whenever its
 * initramfs does, and the initramfs says why), then any others by name.
 */
async function comparisonOrder(dirA: string, names: Set<string>): Promise<string[]> {
  const outputs = (await readManifest(dirA))?.outputs ?? [];
  const first = outputs.filter((name) => names.has(name));
  const rest = [...names].filter((name) => !first.includes(name)).sort();
  return [...first, ...rest];
}

/**
 * Compare two dist/<board> folders file by file (`dirA` the first build's, `dirB` the
 * second's); the first difference ends the comparison.
 */
export async function compareDists(dirA: string, dirB: string): Promise<DistComparison> {
  for (const [dir, which] of [
    [dirA, 'first'],
    [dirB, 'second'],
  ] as const) {
    if (!(await pathExists(dir))) return { identical: false, file: dir, detail: `the ${which} build wrote no such folder` };
  }
  const inA = new Set(await comparedFiles(dirA));
  const inB = new Set(await comparedFiles(dirB));
  const order = await comparisonOrder(dirA, new Set([...inA, ...inB]));
  if (order.length === 0) return { identical: false, file: dirA, detail: 'neither build wrote a file to compare' };
  for (const name of order) {
    if (!inB.has(name)) return { identical: false, file: name, detail: 'only the first build wrote it' };
    if (!inA.has(name)) return { identical: false, file: name, detail: 'only the second build wrote it' };
    const [a, b] = await Promise.all([readFile(join(dirA, name)), readFile(join(dirB, name))]);
    if (a.equals(b)) {
      // dist/'s modes are emb's (0644, or 0600 with a secret), never the umask's: a server hands the files out.
      const [modeA, modeB] = await Promise.all([fileMode(join(dirA, name)), fileMode(join(dirB, name))]);
      if (modeA !== modeB) return { identical: false, file: name, detail: `the same bytes, mode ${modeA} vs ${modeB}` };
      continue;
    }
    const layerNames = (await readManifest(dirA))?.initramfs.layers.map((layer) => layer.name);
    const detail =
      looksLikeInitramfs(a) && looksLikeInitramfs(b) ? describeInitramfsDifference(a, b, layerNames) : describeBytesDifference(a, b);
    return { identical: false, file: name, detail };
  }
  return { identical: true, files: order };
}

/** The one line `emb build --check-reproducible` prints for a comparison. */
export function formatComparison(comparison: DistComparison): string {
  if (comparison.identical) {
    return `reproducible: ${comparison.files.length} files identical (${comparison.files.join(', ')})`;
  }
  return `not reproducible: first differing file ${comparison.file}: ${comparison.detail}`;
}
