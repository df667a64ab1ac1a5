import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { listFilesSorted } from '../fs/hash.ts';
import type { Toolchain } from '../toolchain/toolchain.ts';
import { failStep } from './run-steps.ts';

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

export interface StripRun {
  recipeName: string;
  toolchain: Toolchain;
  stripTool: string;
  workDir: string;
  logFile: string;
}

/**
 * Strip every ELF file under `dir` with the target's strip, in the toolchain (the
 * host may have no cross binutils when the docker toolchain builds), in one command:
 * symbols are dead weight in RAM.
 */
export async function stripElfFiles(dir: string, run: StripRun): Promise<number> {
  const elfFiles: string[] = [];
  for (const file of await listFilesSorted(dir)) {
    if (await startsWithElfMagic(join(dir, file))) elfFiles.push(join(dir, file));
  }
  if (elfFiles.length === 0) return 0;
  const args = ['--strip-unneeded', ...elfFiles];
  const outcome = await run.toolchain.run({
    command: run.stripTool,
    args,
    cwd: dir,
    env: { LC_ALL: 'C' },
    logFile: run.logFile,
    mounts: [run.workDir],
  });
  if (outcome.exitCode !== 0)
    await failStep(
      { recipeName: run.recipeName, logFile: run.logFile },
      `${run.stripTool} --strip-unneeded (${elfFiles.length} files; set keepSymbols: true in the recipe to skip)`,
      outcome,
    );
  return elfFiles.length;
}
