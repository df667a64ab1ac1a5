/**
 * The host's variables a build step on the host toolchain gets, besides its own
 * (stepEnvironment and the like): PATH, to find the cross compilers and make, and
 * TMPDIR, where the host keeps temporary files. Nothing else of emb's environment
 * reaches a step: not a token or password a user has exported, not CFLAGS or
 * LD_PRELOAD or a locale that would change what is built (the docker toolchain
 * passes nothing but -e flags, so both see the same).
 */
export const hostVariablesForSteps = ['PATH', 'TMPDIR'] as const;

/** The environment of one step: the allowed host variables that are set, then the step's own. */
export function hostStepEnvironment(
  stepEnv: Readonly<Record<string, string>>,
  hostEnv: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const allowed: Record<string, string> = {};
  for (const name of hostVariablesForSteps) {
    const value = hostEnv[name];
    if (value !== undefined) allowed[name] = value;
  }
  return { ...allowed, ...stepEnv };
}
