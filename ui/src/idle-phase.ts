// Where a patient who stopped touching the screen stands: still active, being warned (with the
// seconds left to continue), or gone. Pure, so the timing rules are tested without a clock.
import type { SessionStep } from '../../terminal/api/schema';
import type { KioskTimings } from './kiosk-settings';

export type IdlePhase = { kind: 'active' } | { kind: 'warning'; secondsLeft: number } | { kind: 'expired' };

/** Steps where the terminal itself is working: the patient is waiting on us, not we on them. */
const workingSteps: ReadonlySet<SessionStep> = new Set(['identifying', 'loading-bill', 'presettling', 'settling']);

export function watchesIdle(step: SessionStep): boolean {
  return step !== 'idle' && !workingSteps.has(step);
}

export function idlePhase(sinceLastTouchMs: number, timings: KioskTimings): IdlePhase {
  if (sinceLastTouchMs < timings.idleMs) return { kind: 'active' };
  const left = timings.idleMs + timings.warnMs - sinceLastTouchMs;
  if (left <= 0) return { kind: 'expired' };
  return { kind: 'warning', secondsLeft: Math.ceil(left / 1000) };
}
