import { readFile, realpath } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { hashOfDirectory, keyOf, sha256Hex } from '../fs/hash.ts';
import { projectRoot, rootfilesDir } from '../paths.ts';
import { importClosure } from '../plan/import-closure.ts';

/**
 * Bump when the image layout changes in a way the inputs below do not show.
 * 3: one cpio archive + zstd frame per layer, concatenated.
 */
const IMAGE_FORMAT = 'emb-image-3';

/**
 * The board file and every module it imports (a shared list of modules, say), each as
 * its path relative to the board's folder and its content: editing a helper changes
 * the board's value as surely as editing the board. Relative to the board's folder,
 * so a copy of the boards folder elsewhere keeps its key. emb's src/ is hashed whole
 * below and is left out here.
 */
async function boardClosureHash(boardFile: string, srcDir: string): Promise<string> {
  const files = await importClosure(boardFile, [srcDir]);
  // importClosure gives real paths: take the board's folder the same way.
  const base = dirname(await realpath(boardFile));
  const parts: string[] = [];
  for (const file of files) parts.push(relative(base, file), sha256Hex(await readFile(file)));
  return keyOf(parts);
}

/**
 * Everything the image is made from: the board file and its imports, every package
 * key, the kernel package, rootfiles, the archive mtime and emb's own code. Equal keys
 * mean an equal image, so a build whose key matches dist/'s manifest has nothing to do.
 */
export async function imageKey(parts: {
  boardFile: string;
  packageKeys: readonly string[];
  kernelSha256: string;
  mtime: number;
  authorizedKeys?: string;
  rootPasswordHash?: string;
  /** The console's shell, the board's or the build's (emb build --console-shell). */
  consoleShell: string;
  /** The zstd level packed with (the board's, or emb build --zstd-level). */
  zstdLevel: number;
  /** A GPU board's driver key (src/gpu/resolve-gpu.ts): its packages, headers, folder and signing key. */
  gpuKey?: string;
}): Promise<string> {
  const srcDir = join(projectRoot, 'src');
  return keyOf([
    IMAGE_FORMAT,
    await boardClosureHash(parts.boardFile, srcDir),
    ...parts.packageKeys,
    parts.kernelSha256,
    await hashOfDirectory(rootfilesDir),
    await hashOfDirectory(srcDir),
    String(parts.mtime),
    sha256Hex(parts.authorizedKeys ?? ''),
    sha256Hex(parts.rootPasswordHash ?? ''),
    `console-${parts.consoleShell}`,
    `zstd-${parts.zstdLevel}`,
    ...(parts.gpuKey === undefined ? [] : [parts.gpuKey]),
  ]);
}
