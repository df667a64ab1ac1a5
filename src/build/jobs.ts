import { availableParallelism } from 'node:os';

/**
 * How much runs at once: `packages` builds side by side, each with `make -j<make>`.
 * Both at the CPU count would start up to CPUs² compilers; the defaults keep
 * packages × make near the CPU count (2 CPUs: 1 × 2; 4: 2 × 2; 16: 4 × 4).
 */
export interface Jobs {
  packages: number;
  make: number;
}

export function defaultJobs(cpus = availableParallelism(), asked: Partial<Jobs> = {}): Jobs {
  const packages = asked.packages ?? Math.max(1, Math.floor(Math.sqrt(cpus)));
  const make = asked.make ?? Math.max(1, Math.ceil(cpus / packages));
  return { packages, make };
}

/** "2 packages at once, make -j4 each": for progress titles. */
export function jobsSummary(jobs: Jobs): string {
  return `${jobs.packages} package${jobs.packages === 1 ? '' : 's'} at once, make -j${jobs.make} each`;
}
