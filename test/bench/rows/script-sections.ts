/**
 * Benches that are scripts of their own (npm run bench:gpu, bench:pxe), run whole in a
 * process each; their Markdown goes into the results section as it is printed.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../../../src/paths.ts';
import type { RowResult } from '../row.ts';

async function scriptSection(script: string, title: string): Promise<RowResult> {
  const result = await execa(process.execPath, ['--import', 'tsx', join(projectRoot, 'test', 'bench', script)], {
    cwd: projectRoot,
    env: { CI: 'true' },
    stderr: 'inherit',
  });
  return { rows: [], notes: [{ title, text: result.stdout }] };
}

export const gpuSection = (): Promise<RowResult> => scriptSection('gpu.ts', 'GPU host (`npm run bench:gpu`)');
export const pxeSection = (): Promise<RowResult> => scriptSection('pxe-tree.ts', 'PXE tree for 1,000 nodes (`npm run bench:pxe`)');
