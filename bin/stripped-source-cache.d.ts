/** The folder stripped sources are kept in: one per Node version inside the compile cache, undefined when that is off (null). */
export declare function strippedSourceDir(compileCacheDir?: string | null, version?: string): string | undefined;
/** The JavaScript of a TypeScript `source`, from `dir` when kept there, else stripped now and kept. */
export declare function strippedSource(source: string, dir: string, strip?: (source: string) => string): string;
/** True for a plain file: URL of a .ts ES module outside node_modules. */
export declare function isStrippableModule(url: string, format: string | null | undefined): boolean;
/** Serve ES module .ts files stripped from the cache; false when this Node cannot (no hooks, no stripping, no compile cache). */
export declare function registerStrippedSourceCache(dir?: string): boolean;
