import { availableParallelism } from 'node:os';

/**
 * How much runs at once: `packages` builds side by side, each with `make -j<make>`.
 * Both at the CPU count would start up to CPUs² compilers; the defaults keep
 * packages × make near the CPU count (2 CPUs: 2 × 1; 4: 2 × 2; 16: 4 × 4). Packages
 * come first because a build has long serial parts (configure, install, strip): on 2
 * CPUs the base set took 62.5 s as 2 × 1, 65.3 s as 2 × 2 and 81.5 s as 1 × 2
 * (BENCHMARKS.md).
 */
export interface Jobs {
  packages: number;
  make: number;
}

export function defaultJobs(cpus = availableParallelism(), asked: Partial<Jobs> = {}): Jobs {
  const packages = asked.packages ?? Math.max(1, Math.ceil(Math.sqrt(cpus)));
  const make = asked.make ?? Math.max(1, Math.ceil(cpus / packages));
  return { packages, make };
}

/** "2 packages at once, make -j4 each": for progress titles. */
export function jobsSummary(jobs: Jobs): string {
  return `${jobs.packages} package${jobs.packages === 1 ? '' : 's'} at once, make -j${jobs.make} each`;
}
