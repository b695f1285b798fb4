// The kiosk's tunable numbers in one place, and the few a test may shorten from the page's query
// string (?idleMs=&warnMs=). Only plain numbers within bounds are taken: a crafted URL can make the
// kiosk wait a little more or less, never disable the timeout or break the page.

/** From this age on the patient's record the kiosk turns elderly mode (适老化) on by itself. */
export const elderlyAge = 60;

/** Elder mode waits this many times longer before the idle warning. */
export const elderlyIdleFactor = 2;

export interface KioskTimings {
  /** Without a touch for this long on a screen that waits for the patient, the warning shows. */
  idleMs: number;
  /** How long the warning gives to continue with one tap; at least 20 s for real patients. */
  warnMs: number;
}

export const defaultTimings: KioskTimings = { idleMs: 60_000, warnMs: 20_000 };

const bounds: Record<keyof KioskTimings, { min: number; max: number }> = {
  idleMs: { min: 1_000, max: 600_000 },
  warnMs: { min: 1_000, max: 120_000 },
};

export function timingsFromQuery(search: string): KioskTimings {
  const params = new URLSearchParams(search);
  const read = (name: keyof KioskTimings): number => {
    const raw = params.get(name);
    if (raw === null || !/^\d{1,7}$/.test(raw)) return defaultTimings[name];
    const value = Number(raw);
    const { min, max } = bounds[name];
    return value >= min && value <= max ? value : defaultTimings[name];
  };
  return { idleMs: read('idleMs'), warnMs: read('warnMs') };
}
