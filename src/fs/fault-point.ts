/**
 * A named place where a test may freeze emb, to kill it there for real. With
 * EMB_FAULT_PAUSE=<name> the process prints "EMB-FAULT-PAUSED <name>" on stderr and
 * waits (at most ten minutes); unset, this returns at once. It exists so the
 * "killed while writing a cache entry" test hits that moment every time instead of
 * racing for it.
 */
export async function faultPoint(name: string): Promise<void> {
  if (process.env.EMB_FAULT_PAUSE !== name) return;
  process.stderr.write(`EMB-FAULT-PAUSED ${name}\n`);
  await new Promise((resolve) => setTimeout(resolve, 600_000));
}
