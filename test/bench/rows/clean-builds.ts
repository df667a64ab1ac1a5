/**
 * Clean builds (clean-builds.ts: a fresh cache holding only the downloads): busybox
 * against the same steps in a bash script, and the base set per arch with emb's default
 * jobs. One round each unless BENCH_BUILD_ROUNDS says more: each takes minutes.
 */
import { defaultJobs } from '../../../src/build/jobs.ts';
import type { BenchContext } from '../bench-context.ts';
import { baseSet, cleanPackageBuild, handBuiltBusybox } from '../clean-builds.ts';
import { medianPair, type Row, type RowResult, ratio } from '../row.ts';

const buildRounds = Number(process.env.BENCH_BUILD_ROUNDS ?? 1);

export async function cleanBuildRows(ctx: BenchContext): Promise<RowResult> {
  const jobs = defaultJobs();
  const [peer, emb] = await medianPair(
    () => handBuiltBusybox(2),
    () => cleanPackageBuild(['busybox'], 'aarch64', { packages: 1, make: 2 }),
    buildRounds,
  );
  const rows: Row[] = [
    {
      section: 'builds',
      figure: 'clean build of busybox, aarch64, make -j2 (s)',
      value: emb.toFixed(1),
      peer: `${peer.toFixed(1)} (same steps in bash)`,
      ratio: ratio(emb, peer),
    },
  ];
  for (const arch of ['aarch64', 'armhf', 'amd64']) {
    const took = await cleanPackageBuild(baseSet, arch);
    ctx.say(`clean build of the base set, ${arch}: ${took.toFixed(1)} s`);
    rows.push({
      section: 'builds',
      figure: `clean build of the base set (${baseSet.length} recipes), ${arch}, default jobs (${jobs.packages} × make -j${jobs.make}) (s)`,
      value: took.toFixed(1),
    });
  }
  return { rows };
}
