/**
 * Incremental build rows on the default board, in a copy of the recipes and rootfiles
 * (project-copy.ts): a warm build into an empty out dir (everything cached: the whole
 * pack), the no-op build against `node -e 0`, and the build after one rootfile or one
 * recipe changed, each against the warm build.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { buildBoard } from '../bench-context.ts';
import type { BenchContext } from '../bench-context.ts';
import { copyProject, touchWithComment } from '../project-copy.ts';
import { median, medianPair, type RowResult, ratio, seconds } from '../row.ts';

const board = 'qemu-aarch64';
/** A shell file of the runtime overlay: a comment changes its bytes, not what it does. */
const changedRootfile = ['etc', 'profile'];
/** A small leaf recipe (a Debian binary import nothing depends on): the rebuild is one import and the repack. */
const changedRecipe = 'node-exporter';

function builtNow(stdout: string): string {
  return /built now: (.*)$/m.exec(stdout)?.[1] ?? '?';
}

export async function incrementalRows(ctx: BenchContext): Promise<RowResult> {
  const copy = await copyProject(join(ctx.scratch, 'project'));
  const outRoot = join(ctx.scratch, 'incremental-dist');
  const build = () => buildBoard(board, outRoot, { env: copy.env });
  // The first build may find packages to fetch or build (another agent's change to src/, say): untimed.
  await build();
  const warm: number[] = [];
  for (let round = 0; round < ctx.rounds; round++) {
    warm.push(await seconds(() => buildBoard(board, join(ctx.scratch, `incremental-empty-${round}`), { env: copy.env })));
  }
  const warmSeconds = median(warm);
  const [bareNode, noop] = await medianPair(() => execa(process.execPath, ['-e', '0']), build, ctx.quick ? 3 : 5);
  const rootfileTimes: number[] = [];
  const recipeTimes: number[] = [];
  let rebuilt = '';
  for (let round = 0; round < ctx.rounds; round++) {
    await touchWithComment(join(copy.rootfiles, ...changedRootfile), '#');
    rootfileTimes.push(await seconds(build));
    await touchWithComment(join(copy.packages, changedRecipe, 'recipe.ts'), '//');
    const started = performance.now();
    rebuilt = builtNow((await build()).stdout);
    recipeTimes.push((performance.now() - started) / 1000);
  }
  const [rootfile, recipe] = [median(rootfileTimes), median(recipeTimes)];
  const warmPeer = `${warmSeconds.toFixed(2)} (warm build into an empty out dir)`;
  return {
    rows: [
      {
        section: 'builds',
        figure: `warm \`emb build\` of ${board} into an empty out dir, everything cached (s)`,
        value: warmSeconds.toFixed(2),
      },
      {
        section: 'builds',
        figure: 'no-op `emb build` (s)',
        value: noop.toFixed(2),
        peer: `${bareNode.toFixed(2)} (\`node -e 0\`)`,
        ratio: ratio(noop, bareNode, 1),
        goal: { id: 'noop', measured: noop },
      },
      {
        section: 'builds',
        figure: `\`emb build\` after one rootfile changed (/${changedRootfile.join('/')}) (s)`,
        value: rootfile.toFixed(2),
        peer: warmPeer,
        ratio: ratio(rootfile, warmSeconds),
        goal: { id: 'rootfileRepack', measured: rootfile },
      },
      {
        section: 'builds',
        figure: `\`emb build\` after one recipe changed (${changedRecipe}; rebuilt: ${rebuilt}) (s)`,
        value: recipe.toFixed(2),
        peer: warmPeer,
        ratio: ratio(recipe, warmSeconds),
      },
    ],
  };
}
