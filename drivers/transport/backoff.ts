// Reconnect delays for devices: exponential, capped, with jitter so a row of kiosks that lost power
// together do not hammer a shared USB hub or serial server in step.

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** 0..1: the share of each delay that is random. */
  jitter?: number;
  random?: () => number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const initial = opts.initialMs ?? 200;
  const max = opts.maxMs ?? 10_000;
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? 0.3));
  const random = opts.random ?? Math.random;
  const base = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - jitter * random()));
}
