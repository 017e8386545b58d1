/**
 * Waiting in tests: for a condition, never for a guessed time. A test that sleeps "long enough"
 * for something to happen fails by chance on a loaded machine; one that polls a condition with a
 * deadline fails only when the thing really did not happen, and says what it waited for.
 */

export interface WaitOptions {
  /** Give up after this long (default 10 s: generous, since the condition normally holds at once). */
  timeoutMs?: number;
  /** How often to look (default 10 ms). */
  intervalMs?: number;
}

/**
 * Resolves with the first truthy value `condition` returns; rejects after the deadline with
 * "timed out after N ms waiting for <what>".
 */
export async function waitFor<T>(what: string, condition: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
