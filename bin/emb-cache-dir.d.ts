/** emb's cache folder: EMB_CACHE_DIR, else $XDG_CACHE_HOME/emb, else ~/.cache/emb (as src/paths.ts's cacheDir). */
export declare function embCacheDir(env?: Record<string, string | undefined>): string;
