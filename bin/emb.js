#!/usr/bin/env node
// Boards and recipes are TypeScript files a user edits and runs at once, with no
// compile step: tsx's loader makes them (and emb's own sources) importable. The Node
// version is checked first, with nothing loaded that an old Node could choke on.
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli.ts');
