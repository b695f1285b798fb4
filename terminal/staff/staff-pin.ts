// The staff PINs, checked in the core for every staff command (the screen is never trusted with
// them): scrypt against the configured hash, constant-time, and a lockout after repeated wrong
// PINs so a passer-by cannot walk the PIN space. Nurse (bedside, face check) and admin (terminal
// administration) are distinct roles with their own PINs and their own counts: wrong tries on one
// pad lock that role only. The failures and the lockout are kept where the caller says (the
// journal's meta table): restarting the kiosk does not give five more tries.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

export const MAX_FAILURES = 5;
const LOCKOUT_MS = 5 * 60_000;

export function hashPin(pin: string, salt: Buffer = randomBytes(16)): string {
  return `${salt.toString('hex')}:${scryptSync(pin, salt, 32).toString('hex')}`;
}

export type StaffRole = 'admin' | 'nurse';
export type PinCheck = { result: 'ok' } | { result: 'wrong'; triesLeft: number } | { result: 'locked'; minutesLeft: number };

export interface PinLockoutState {
  failures: number;
  lockedUntil: number;
}

/** Where the lockout survives a restart; without one it lives as long as the process. */
export interface PinLockoutStore {
  load(): PinLockoutState | null;
  save(state: PinLockoutState): void;
}

/** A store on a string key-value place (the journal's metaValue / setMetaValue). */
export function pinLockoutIn(kv: { metaValue(key: string): string | null; setMetaValue(key: string, value: string): void }, key = 'staff_pin_lockout'): PinLockoutStore {
  return {
    load() {
      const raw = kv.metaValue(key);
      if (!raw) return null;
      try {
        const parsed = JSON.parse(raw) as Partial<PinLockoutState>;
        return { failures: Number(parsed.failures) || 0, lockedUntil: Number(parsed.lockedUntil) || 0 };
      } catch {
        // An unreadable record errs on the side of the lock: one full lockout from now.
        return { failures: 0, lockedUntil: Date.now() + LOCKOUT_MS };
      }
    },
    save(state) {
      kv.setMetaValue(key, JSON.stringify(state));
    },
  };
}

function matcher(pinScrypt: string): (pin: string) => boolean {
  const [saltHex, hashHex] = pinScrypt.split(':') as [string, string];
  const salt = Buffer.from(saltHex, 'hex');
  const expected = Buffer.from(hashHex, 'hex');
  return (pin) => timingSafeEqual(scryptSync(pin, salt, 32), expected);
}

/** One role's PIN with its own failure count and lockout; `alsoAccepts` lets a senior role's PIN in too. */
export function createPinGuard(pinScrypt: string, now: () => number = Date.now, store?: PinLockoutStore, alsoAccepts: ReadonlyArray<string> = []) {
  const matches = [matcher(pinScrypt), ...alsoAccepts.map(matcher)];
  const loaded = store?.load() ?? null;
  let failures = loaded?.failures ?? 0;
  let lockedUntil = loaded?.lockedUntil ?? 0;
  // A lock set by a clock far ahead of this one (or a tampered record) still ends one lockout from now.
  if (lockedUntil > now() + LOCKOUT_MS) lockedUntil = now() + LOCKOUT_MS;
  const save = () => store?.save({ failures, lockedUntil });
  return {
    check(pin: string): PinCheck {
      if (now() < lockedUntil) return { result: 'locked', minutesLeft: Math.ceil((lockedUntil - now()) / 60_000) };
      if (matches.some((m) => m(pin))) {
        if (failures !== 0 || lockedUntil !== 0) {
          failures = 0;
          lockedUntil = 0;
          save();
        }
        return { result: 'ok' };
      }
      if (++failures >= MAX_FAILURES) {
        failures = 0;
        lockedUntil = now() + LOCKOUT_MS;
        save();
        return { result: 'locked', minutesLeft: Math.ceil(LOCKOUT_MS / 60_000) };
      }
      // Written before the answer: pulling the plug after a wrong PIN does not forget it.
      save();
      return { result: 'wrong', triesLeft: MAX_FAILURES - failures };
    },
  };
}

export type PinGuard = ReturnType<typeof createPinGuard>;

/** The two roles' guards, each with its own kept lockout: the admin PIN also opens the nurse's pads, counted against the nurse's tries. */
export function createStaffPins(
  pins: { adminPinScrypt: string; nursePinScrypt: string },
  now: () => number = Date.now,
  storeFor?: (role: StaffRole) => PinLockoutStore,
): Record<StaffRole, PinGuard> {
  return {
    admin: createPinGuard(pins.adminPinScrypt, now, storeFor?.('admin')),
    nurse: createPinGuard(pins.nursePinScrypt, now, storeFor?.('nurse'), [pins.adminPinScrypt]),
  };
}
