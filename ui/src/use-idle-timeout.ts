// Watches for a patient who walked away: on a screen that waits for them, after the idle time
// without a touch a warning counts down, and when it runs out `onExpire` fires once (the App
// then resets the session, which clears the patient's data in the core). Any touch, key or scan
// counts as presence; a new screen starts the count afresh.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SessionStep } from '../../terminal/api/schema';
import { idlePhase, watchesIdle, type IdlePhase } from './idle-phase';
import type { KioskTimings } from './kiosk-settings';

const tickMs = 250;
const presenceEvents = ['pointerdown', 'touchstart', 'keydown', 'wheel'] as const;

export function useIdleTimeout(step: SessionStep | null, revision: number, timings: KioskTimings, onExpire: () => void): { phase: IdlePhase; stay: () => void } {
  const [phase, setPhase] = useState<IdlePhase>({ kind: 'active' });
  const lastTouch = useRef(Date.now());
  const expiredFor = useRef<number | null>(null);
  const expire = useRef(onExpire);
  expire.current = onExpire;

  const stay = useCallback(() => {
    lastTouch.current = Date.now();
    setPhase({ kind: 'active' });
  }, []);

  useEffect(() => {
    // Only the clock moves here; the next tick hides the warning. Hiding it inside the pointerdown
    // would pull the button from under the finger before its click lands.
    const touched = () => {
      lastTouch.current = Date.now();
    };
    for (const name of presenceEvents) window.addEventListener(name, touched, { capture: true, passive: true });
    return () => {
      for (const name of presenceEvents) window.removeEventListener(name, touched, { capture: true });
    };
  }, []);

  // Every new view of the session (a new screen, an answer from the terminal) restarts the count.
  useEffect(stay, [step, revision, stay]);

  const watching = step !== null && watchesIdle(step);
  useEffect(() => {
    if (!watching) return;
    const timer = setInterval(() => {
      const next = idlePhase(Date.now() - lastTouch.current, timings);
      setPhase((prev) => (sameIdlePhase(prev, next) ? prev : next));
      if (next.kind === 'expired' && expiredFor.current !== revision) {
        expiredFor.current = revision;
        expire.current();
      }
    }, tickMs);
    return () => clearInterval(timer);
  }, [watching, revision, timings]);

  return { phase: watching ? phase : { kind: 'active' }, stay };
}

function sameIdlePhase(a: IdlePhase, b: IdlePhase): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'warning' || b.kind !== 'warning' || a.secondsLeft === b.secondsLeft;
}
