// Plain JavaScript, like native-typescript.js: it runs before any TypeScript loads.
//
// Node strips a .ts file's types each time it loads it (amaro, swc compiled to
// WebAssembly), and its compile cache keeps V8's code but not the stripped text: for
// emb's ~280 source files that was about 70 ms of a 0.3 s no-op build (issue 13's
// no-op goal). This load hook keeps the stripped text of every ES module .ts file it
// loads (emb's src/, boards, recipes) beside Node's compile cache, named by a hash of
// the source, under a folder per Node version: an edited file, or another Node, is
// stripped afresh. A file that does not strip is handed back to Node, so its error is
// Node's own, which src/plan/load-data-module.ts reads (and retries through tsx).
import { hash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';

/**
 * Where stripped sources are kept: a folder of the compile cache's (bin/emb.js puts that
 * in emb's cache folder), so a run with the compile cache off
 * (NODE_DISABLE_COMPILE_CACHE=1) keeps nothing either.
 */
export function strippedSourceDir(compileCacheDir = module.getCompileCacheDir?.(), version = process.version) {
  return compileCacheDir == null ? undefined : join(compileCacheDir, `emb-stripped-${version}`);
}

/**
 * The JavaScript of a TypeScript `source`: from `dir` when a run has stripped the same
 * text before, else stripped now and kept (by a temp name and a rename, so a
 * concurrent run never reads half a file). A cache that cannot be written only costs
 * the next run the strip again.
 */
export function strippedSource(source, dir, strip = module.stripTypeScriptTypes) {
  const file = join(dir, `${hash('sha256', source)}.js`);
  try {
    return readFileSync(file, 'utf8');
  } catch {}
  const javascript = strip(source);
  try {
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, javascript);
    renameSync(temp, file);
  } catch {}
  return javascript;
}

/**
 * True for a URL this hook serves: a plain file: URL of a .ts file Node resolved as an
 * ES module (tsx's own loads carry a query; Node never strips under node_modules).
 */
export function isStrippableModule(url, format) {
  return format === 'module-typescript' && url.startsWith('file://') && url.endsWith('.ts') && !url.includes('/node_modules/');
}

/** Serve ES module .ts files stripped from the cache; everything else loads as Node would. */
export function registerStrippedSourceCache(dir = strippedSourceDir()) {
  if (dir === undefined || typeof module.registerHooks !== 'function' || typeof module.stripTypeScriptTypes !== 'function') return false;
  module.registerHooks({
    load(url, context, nextLoad) {
      if (!isStrippableModule(url, context.format)) return nextLoad(url, context);
      let javascript;
      try {
        javascript = strippedSource(readFileSync(new URL(url), 'utf8'), dir);
      } catch {
        return nextLoad(url, context);
      }
      return { format: 'module', source: javascript, shortCircuit: true };
    },
  });
  return true;
}
