#!/usr/bin/env node
// Boards and recipes are TypeScript files a user edits and runs at once, with no
// compile step. A Node that strips types itself (22.18+) imports them, and emb's own
// sources, natively: tsx's loader costs about 0.3 s a run, most of a no-op build. An
// older Node (22.15–22.17) registers tsx. The Node version is checked first, with
// nothing loaded that an old Node could choke on.
import module from 'node:module';
import { join } from 'node:path';
import { embCacheDir } from './emb-cache-dir.js';
import { hideTypeStrippingWarning, nativeTypeScript } from './native-typescript.js';
import { nodeVersionProblem } from './node-version.js';
import { registerStrippedSourceCache } from './stripped-source-cache.js';

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}
// V8's compiled code for emb's ~450 modules, kept between runs in emb's cache folder
// (node-compile-cache), or in NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off. Not in the OS temp dir, Node's default: a folder there another user made first
// would hand them code that emb, often run as root, loads. Node checks each entry
// against its source's hash, so an edited file is compiled afresh.
module.enableCompileCache?.(process.env.NODE_COMPILE_CACHE ? undefined : join(embCacheDir(), 'node-compile-cache'));
if (nativeTypeScript()) {
  hideTypeStrippingWarning();
  registerStrippedSourceCache();
} else {
  const { register } = await import('tsx/esm/api');
  // Without the project's tsconfig: its verbatimModuleSyntax holds emb's own sources
  // to what Node can strip, not a user's board (see src/plan/load-data-module.ts).
  register({ tsconfig: false });
}
await import('../src/cli.ts');
