import type { TestContext } from 'node:test';

/** CI=true (also 1 or yes): the run is on a CI machine, where every test must run. */
export function ciIsOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1|yes)$/i.test(env.CI ?? '');
}

/**
 * A test that cannot run here, for `reason` (name the Debian package that provides the
 * missing tool): skipped on a developer's machine, failed under CI=true, where a missing
 * tool means a broken CI machine rather than a pass. Use as `return skipOrFail(t, …)`.
 */
export function skipOrFail(t: TestContext, reason: string): void {
  if (ciIsOn()) throw new Error(`${reason} (CI=true: a test that cannot run fails instead of skipping)`);
  t.skip(reason);
}
