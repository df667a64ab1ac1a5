import { open } from 'node:fs/promises';
import { execa } from 'execa';
import { EmbError } from '../errors.ts';
import { listFilesSorted } from '../fs/hash.ts';
import { join } from 'node:path';

async function startsWithElfMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.toString('latin1') === '\x7fELF';
  } finally {
    await handle.close();
  }
}

/** Strip every ELF file under `dir` with the target's strip: symbols are dead weight in RAM. */
export async function stripElfFiles(dir: string, stripTool: string): Promise<number> {
  let stripped = 0;
  for (const file of await listFilesSorted(dir)) {
    const full = join(dir, file);
    if (!(await startsWithElfMagic(full))) continue;
    const result = await execa(stripTool, ['--strip-unneeded', full], { reject: false });
    if (result.exitCode !== 0) throw new EmbError(`${stripTool} failed on ${file}: ${result.stderr.trim()}`, 'set keepSymbols: true in the recipe to skip stripping');
    stripped++;
  }
  return stripped;
}
