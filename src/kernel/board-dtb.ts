import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EmbError } from '../errors.ts';
import type { Board } from '../schema/board.ts';
import type { PreparedKernel } from './kernel-provider.ts';

/** The board's DTB as the kernel package ships it: dist/ gets it under its own file name. */
export interface BoardDtb {
  /** The file name in dist/, e.g. "sun50i-a64-sopine-baseboard.dtb". */
  name: string;
  /** As the board names it, relative to the kernel's DTB folder. */
  source: string;
  data: Buffer;
}

async function dtbNamesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.endsWith('.dtb'));
}

/** Up to three DTB paths of the kernel that share the most leading words with `wanted`: what the user may have meant. */
function nearestNames(wanted: string, names: readonly string[]): string[] {
  const words = (name: string): string[] => basename(name, '.dtb').split(/[-_]/);
  const shared = (name: string): number => {
    const a = words(wanted);
    const b = words(name);
    let n = 0;
    while (n < a.length && a[n] === b[n]) n++;
    return n;
  };
  return [...names]
    .map((name) => ({ name, score: shared(name) }))
    .filter((candidate) => candidate.score > 0)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((candidate) => candidate.name);
}

/** The board's DTB from its kernel, or an error naming the board file's field, the kernel, and the nearest DTBs it has. */
export async function readBoardDtb(kernel: PreparedKernel, board: Board, boardFile: string): Promise<BoardDtb | undefined> {
  if (board.dtb === undefined) return undefined;
  const kernelName = `${kernel.identity.name} ${kernel.identity.version}`;
  if (kernel.dtbRoot === undefined) {
    throw new EmbError(
      `${boardFile}: field "dtb": ${kernelName} ships no DTBs`,
      'remove dtb, or choose a kernel for a device-tree machine',
    );
  }
  try {
    return { name: basename(board.dtb), source: board.dtb, data: await readFile(join(kernel.dtbRoot, board.dtb)) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const near = nearestNames(board.dtb, await dtbNamesUnder(kernel.dtbRoot));
    throw new EmbError(
      `${boardFile}: field "dtb": ${board.dtb} is not in ${kernelName}`,
      near.length > 0 ? `its nearest DTBs: ${near.join(', ')}` : 'list its DTBs with: dpkg-deb -c <the kernel .deb> | grep dtb',
    );
  }
}
