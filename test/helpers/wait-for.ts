/**
 * Polls `probe` every `everyMs` until it returns a value, for at most `seconds`: every
 * wait in the tests is bounded. A probe that throws is tried again; the last error is
 * in the timeout's message.
 */
export async function waitFor<T>(what: string, seconds: number, probe: () => Promise<T | undefined>, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`${what}: not within ${seconds} s${last ? ` (last error: ${String(last)})` : ''}`);
}
