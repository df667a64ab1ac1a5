#!/usr/bin/env node
// Boards and recipes are TypeScript files a user edits and runs at once, with no
// compile step: tsx's loader makes them (and emb's own sources) importable.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
