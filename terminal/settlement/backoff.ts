// How long to wait before resending a call that got no answer: exponential with full jitter, so a
// fleet of kiosks coming back from the same outage does not hit the platform in one wave.
const BASE_MS = 1_000;
const CAP_MS = 5 * 60_000;

export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(attempts, 20));
  return Math.round(BASE_MS / 2 + random() * ceiling);
}
