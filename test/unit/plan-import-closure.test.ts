import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importClosure, staticSpecifiers } from '../../src/plan/import-closure.ts';

describe('staticSpecifiers', () => {
  it('finds import, import type, export from and side-effect imports, across lines', () => {
    const source = [
      "import { defineBoard } from '../src/define.ts';",
      'import {',
      '  virtio,',
      '  storage,',
      "} from './lib/modules.ts';",
      'import type { Board } from "./types.ts";',
      "export * from './reexported.ts';",
      "export { qemu as default } from './qemu';",
      "import './side-effect.ts';",
      "import zod from 'zod';",
      "export default defineBoard({ name: 'x', from: 'nowhere' });",
    ].join('\n');
    assert.deepEqual(staticSpecifiers(source).sort(), [
      '../src/define.ts',
      './lib/modules.ts',
      './qemu',
      './reexported.ts',
      './side-effect.ts',
      './types.ts',
      'zod',
    ]);
  });
});

describe('importClosure', () => {
  it('follows relative imports transitively, skips bare and covered ones, sorted real paths', async () => {
    const root = await realpath(await mkdtemp(join(tmpdir(), 'emb-closure-')));
    await mkdir(join(root, 'boards', 'lib'), { recursive: true });
    await mkdir(join(root, 'src'));
    await writeFile(join(root, 'src', 'define.ts'), "import './other.ts';\nexport const defineBoard = (b: unknown) => b;\n");
    await writeFile(join(root, 'src', 'other.ts'), '');
    await writeFile(join(root, 'boards', 'lib', 'modules.ts'), "export { net } from './net';\nexport const storage = ['ext4'];\n");
    await writeFile(join(root, 'boards', 'lib', 'net.ts'), "import { circle } from '../board.ts';\nexport const net = ['virtio_net'];\n");
    await writeFile(
      join(root, 'boards', 'board.ts'),
      "import { defineBoard } from '../src/define.ts';\nimport { net, storage } from './lib/modules.ts';\nimport { z } from 'zod';\n// import gone from './missing.ts';\nexport const circle = 1;\nexport default defineBoard({ modules: [...net, ...storage] });\n",
    );
    const files = await importClosure(join(root, 'boards', 'board.ts'), [join(root, 'src')]);
    assert.deepEqual(files, [
      join(root, 'boards', 'board.ts'),
      join(root, 'boards', 'lib', 'modules.ts'),
      join(root, 'boards', 'lib', 'net.ts'),
    ]);

    const withSrc = await importClosure(join(root, 'boards', 'board.ts'));
    assert.deepEqual(withSrc, [...files, join(root, 'src', 'define.ts'), join(root, 'src', 'other.ts')].sort());
  });

  it('resolves through a symlinked folder to one real file', async () => {
    const root = await realpath(await mkdtemp(join(tmpdir(), 'emb-closure-')));
    await mkdir(join(root, 'shared'));
    await writeFile(join(root, 'shared', 'modules.ts'), 'export const m = [];\n');
    await mkdir(join(root, 'boards'));
    await symlink(join(root, 'shared'), join(root, 'boards', 'lib'));
    await writeFile(
      join(root, 'boards', 'a.ts'),
      "import { m } from './lib/modules.ts';\nimport { m as n } from '../shared/modules.ts';\n",
    );
    assert.deepEqual(await importClosure(join(root, 'boards', 'a.ts')), [join(root, 'boards', 'a.ts'), join(root, 'shared', 'modules.ts')]);
  });
});
