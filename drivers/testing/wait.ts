// Polling wait for device tests: real ports deliver bytes when they do, not on a fixed tick.
// The deadline only turns a hang into a failure: generous, since a loaded machine delays real ports.
export async function waitFor<T>(what: string, probe: () => T | undefined | false | null, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
