// Plain JavaScript: bin/emb.js needs emb's cache folder before any TypeScript loads.
// src/paths.ts's cacheDir() is this function.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** emb's cache folder: EMB_CACHE_DIR, else $XDG_CACHE_HOME/emb, else ~/.cache/emb. */
export function embCacheDir(env = process.env) {
  if (env.EMB_CACHE_DIR) return resolve(env.EMB_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'emb');
}
