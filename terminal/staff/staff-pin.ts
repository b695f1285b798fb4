// The staff PINs, checked in the core for every staff command (the screen is never trusted with
// them): scrypt against the configured hash, constant-time, and a lockout after repeated wrong
// PINs so a passer-by cannot walk the PIN space. Nurse (bedside, face check) and admin (terminal
// administration) are distinct roles with their own PINs and their own counts: wrong tries on one
// pad lock that role only, so a wrong nurse PIN never locks the administrator out, and the reverse.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

export const MAX_FAILURES = 5;
const LOCKOUT_MS = 5 * 60_000;

export function hashPin(pin: string, salt: Buffer = randomBytes(16)): string {
  return `${salt.toString('hex')}:${scryptSync(pin, salt, 32).toString('hex')}`;
}

export type StaffRole = 'admin' | 'nurse';
export type PinCheck = { result: 'ok' } | { result: 'wrong'; triesLeft: number } | { result: 'locked'; minutesLeft: number };

function matcher(pinScrypt: string): (pin: string) => boolean {
  const [saltHex, hashHex] = pinScrypt.split(':') as [string, string];
  const salt = Buffer.from(saltHex, 'hex');
  const expected = Buffer.from(hashHex, 'hex');
  return (pin) => timingSafeEqual(scryptSync(pin, salt, 32), expected);
}

/** One role's PIN with its own failure count and lockout; `alsoAccepts` lets a senior role's PIN in too. */
export function createPinGuard(pinScrypt: string, now: () => number = Date.now, alsoAccepts: ReadonlyArray<string> = []) {
  const matches = [matcher(pinScrypt), ...alsoAccepts.map(matcher)];
  let failures = 0;
  let lockedUntil = 0;
  return {
    check(pin: string): PinCheck {
      if (now() < lockedUntil) return { result: 'locked', minutesLeft: Math.ceil((lockedUntil - now()) / 60_000) };
      if (matches.some((m) => m(pin))) {
        failures = 0;
        return { result: 'ok' };
      }
      if (++failures >= MAX_FAILURES) {
        failures = 0;
        lockedUntil = now() + LOCKOUT_MS;
        return { result: 'locked', minutesLeft: Math.ceil(LOCKOUT_MS / 60_000) };
      }
      return { result: 'wrong', triesLeft: MAX_FAILURES - failures };
    },
  };
}

export type PinGuard = ReturnType<typeof createPinGuard>;

/** The two roles' guards: the admin PIN also opens the nurse's pads, counted against the nurse's tries. */
export function createStaffPins(pins: { adminPinScrypt: string; nursePinScrypt: string }, now: () => number = Date.now): Record<StaffRole, PinGuard> {
  return {
    admin: createPinGuard(pins.adminPinScrypt, now),
    nurse: createPinGuard(pins.nursePinScrypt, now, [pins.adminPinScrypt]),
  };
}
