import { embCacheDir } from '../bin/emb-cache-dir.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where emb's own data (boards, packages, rootfiles) lives: the project root. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** EMB_BOARDS_DIR / EMB_PACKAGES_DIR / EMB_ROOTFILES_DIR point emb at boards, recipes or the runtime overlay kept elsewhere (tests use them). */
export const boardsDir = process.env.EMB_BOARDS_DIR ? resolve(process.env.EMB_BOARDS_DIR) : join(projectRoot, 'boards');
export const packagesDir = process.env.EMB_PACKAGES_DIR ? resolve(process.env.EMB_PACKAGES_DIR) : join(projectRoot, 'packages');
export const rootfilesDir = process.env.EMB_ROOTFILES_DIR ? resolve(process.env.EMB_ROOTFILES_DIR) : join(projectRoot, 'rootfiles');
/** EMB_KERNEL_CONFIGS_DIR: the kernel configuration fragments of `source` kernels (kernel-configs/). */
export const kernelConfigsDir = process.env.EMB_KERNEL_CONFIGS_DIR
  ? resolve(process.env.EMB_KERNEL_CONFIGS_DIR)
  : join(projectRoot, 'kernel-configs');

/**
 * The cache is shared by every build on this machine; EMB_CACHE_DIR moves it (tests use
 * that). Defined once, in bin/emb-cache-dir.js: bin/emb.js needs it before any
 * TypeScript loads (Node's compile cache lives there).
 */
export function cacheDir(env: Record<string, string | undefined> = process.env): string {
  return embCacheDir(env);
}

export function distDir(board: string, outRoot = join(process.cwd(), 'dist')): string {
  return join(outRoot, board);
}

/** emb.lock, the pinned Debian imports (committed beside boards/); EMB_LOCK_FILE moves it (tests use that). */
export function lockFilePath(env = process.env): string {
  return env.EMB_LOCK_FILE ? resolve(env.EMB_LOCK_FILE) : join(projectRoot, 'emb.lock');
}
