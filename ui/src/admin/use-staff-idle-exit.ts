// Staff mode (admin, bedside) leaves by itself after `idleMs` without a touch or a key, so a kiosk
// or a tablet left at a bed never stays open behind the PIN.
import { useEffect, useRef } from 'react';

export function useStaffIdleExit(idleMs: number, onExit: () => void): void {
  const lastTouch = useRef(Date.now());
  useEffect(() => {
    const touched = () => {
      lastTouch.current = Date.now();
    };
    const events = ['pointerdown', 'keydown'] as const;
    for (const name of events) window.addEventListener(name, touched, { capture: true, passive: true });
    const timer = setInterval(() => {
      if (Date.now() - lastTouch.current > idleMs) onExit();
    }, 1000);
    return () => {
      clearInterval(timer);
      for (const name of events) window.removeEventListener(name, touched, { capture: true });
    };
  }, [idleMs, onExit]);
}
