import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.ts';
import type { Secrets } from './read-secret.ts';
import { secretsInitrd, secretsInitrdName } from './secrets-archive.ts';

/** Where a build keeps its secrets initrd. */
export function distSecretsPath(outDir: string): string {
  return join(outDir, secretsInitrdName);
}

/**
 * dist/<board>/secrets.cpio.zst after a build: written (created 0600 under a temp name,
 * then renamed) when the build was given secrets, removed when not, so a build without
 * --secret never boots with the secrets of an earlier one. Not part of the image key
 * or the manifest: nothing world-readable may depend on a secret's value, as even a
 * hash of a password can be guessed against.
 */
export async function writeDistSecrets(outDir: string, secrets: Secrets, mtime: number): Promise<'written' | 'removed'> {
  const path = distSecretsPath(outDir);
  if (secrets.size === 0) {
    await rm(path, { force: true });
    return 'removed';
  }
  await writeFileAtomic(path, await secretsInitrd(secrets, mtime), 0o600);
  return 'written';
}
