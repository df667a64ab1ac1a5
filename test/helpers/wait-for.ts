/**
 * Polls `probe` every `everyMs` until it returns a value, for at most `seconds`: every
 * wait in the tests is bounded, a probe that never settles included (it is raced
 * against the deadline). A probe that throws is tried again; the last error is in the
 * timeout's message.
 */
export async function waitFor<T>(what: string, seconds: number, probe: () => Promise<T | undefined>, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  const timedOut = Symbol('timed out');
  while (Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<typeof timedOut>(
      (resolve) => (timer = setTimeout(() => resolve(timedOut), Math.max(0, deadline - Date.now()))),
    );
    try {
      const value = await Promise.race([probe(), expiry]);
      if (value === timedOut) {
        last = new Error('the last probe had not finished');
        break;
      }
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    } finally {
      clearTimeout(timer);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`${what}: not within ${seconds} s${last ? ` (last error: ${String(last)})` : ''}`);
}
