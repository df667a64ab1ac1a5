import { hashOfDirectory, keyOf } from '../fs/hash.ts';

/**
 * Bump when the artifact format or the way a package is collected changes, so old
 * cache entries are not mistaken for new ones.
 */
export const ARTIFACT_FORMAT = 'emb-artifact-2'; // 2: modes normalised (umask-free), so entries from 1 are not reused

/**
 * A package's content key: its recipe folder (recipe.ts and every local file), the
 * chosen source's identity (hashes), the toolchain id, the arch, and the keys of what
 * it depends on. A key that exists in the cache is never rebuilt.
 */
export async function packageKey(parts: {
  recipeDir: string;
  sourceIdentity: string;
  toolchainId: string;
  arch: string;
  dependencyKeys: readonly string[];
}): Promise<string> {
  return keyOf([
    ARTIFACT_FORMAT,
    await hashOfDirectory(parts.recipeDir),
    parts.sourceIdentity,
    parts.toolchainId,
    parts.arch,
    ...parts.dependencyKeys,
  ]);
}
