import { open, readFile, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbError } from '../errors.ts';
import { isProcessAlive } from '../fs/process-alive.ts';

/**
 * The scratch folder of one package build. Its path depends only on the package key,
 * not on the process, because compilers write build paths into binaries (__FILE__,
 * debug info): a build resumed after a kill must produce the same bytes as one that
 * never stopped. A lock file holding the owner's pid keeps two emb processes out of
 * the same folder; a lock whose process is gone is taken over, and its half-done
 * folder is wiped.
 */
export interface WorkDir {
  path: string;
  release(): Promise<void>;
}

async function takeLock(lockFile: string, label: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (owner > 0 && owner !== process.pid && isProcessAlive(owner)) {
        throw new EmbError(`${label} is being built by another emb process (pid ${owner})`, 'wait for it to finish, or stop it');
      }
      await rm(lockFile, { force: true });
    }
  }
  throw new EmbError(`cannot lock the work folder of ${label}: ${lockFile}`, 'remove the lock file if no emb is running');
}

export async function acquireWorkDir(cacheRoot: string, key: string, label: string): Promise<WorkDir> {
  const workRoot = join(cacheRoot, 'work');
  await mkdir(workRoot, { recursive: true });
  const path = join(workRoot, key.slice(0, 24));
  const lockFile = `${path}.lock`;
  await takeLock(lockFile, label);
  await rm(path, { recursive: true, force: true });
  await mkdir(path, { recursive: true });
  return {
    path,
    release: async () => {
      await rm(path, { recursive: true, force: true });
      await rm(lockFile, { force: true });
    },
  };
}
