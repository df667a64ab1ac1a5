import { mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type Result } from 'execa';
import { projectRoot } from '../../src/paths.ts';

/** Run the real CLI as a user would (node bin/emb.js …), never throwing on a non-zero exit. */
export function runEmb(args: readonly string[], env: Record<string, string | undefined> = {}, timeoutMs = 20 * 60_000): Promise<Result> {
  return execa(process.execPath, [join(projectRoot, 'bin', 'emb.js'), ...args], {
    cwd: projectRoot,
    // Tests build with the host toolchain unless they ask for docker: CI's engine may be up for the docker test.
    env: { CI: 'true', EMB_TOOLCHAIN: 'host', ...env },
    reject: false,
    timeout: timeoutMs,
  });
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `emb-${prefix}-`));
}

/** Every file (not directory) under `dir`, relative; [] when the dir does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => !entry.isDirectory())
      .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
      .sort();
  } catch {
    return [];
  }
}

/** stderr as its non-empty lines. */
export function errorLines(result: Result): string[] {
  return String(result.stderr)
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/**
 * Temp dirs a test file makes (builds and trees: hundreds of MB), all removed when the
 * file ends: call the returned function for each, and `removeAll` from `after`.
 */
export function scratchDirs(): { scratch: (prefix: string) => Promise<string>; removeAll: () => Promise<unknown> } {
  const dirs: string[] = [];
  return {
    async scratch(prefix) {
      const dir = await tempDir(prefix);
      dirs.push(dir);
      return dir;
    },
    removeAll: () =>
      Promise.all(
        dirs.map(async (dir) => {
          // A dir emb pxe wrote its tree into is a link to a generation beside it (src/fs/generations.ts): both go.
          const real = await realpath(dir).catch(() => dir);
          await rm(dir, { recursive: true, force: true });
          if (real !== dir) await rm(real, { recursive: true, force: true });
        }),
      ),
  };
}
