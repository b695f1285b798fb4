// The staff PINs, checked in the core for every staff command (the screen is never trusted with
// them): scrypt against the configured hash, constant-time, and a lockout after repeated wrong
// PINs so a passer-by cannot walk the PIN space.
//
// One design for both roles. Nurse (bedside, face check) and admin (terminal administration) have
// their own PINs and their own count: wrong tries on one pad lock that role only. The try that
// reaches MAX_FAILURES is itself answered 'locked' (the pad tells the person at it at once, not one
// try later), and the lock runs LOCKOUT_MS from that try. The count and the lock's end are written
// (the journal's meta table, one key per role) before the answer, so a restart neither gives five
// more tries nor keeps a lock past its end: the end is a time, compared with the clock at each
// check, and an expired lock is gone without anyone having to clear it.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

export const MAX_FAILURES = 5;
export const LOCKOUT_MS = 5 * 60_000;

export function hashPin(pin: string, salt: Buffer = randomBytes(16)): string {
  return `${salt.toString('hex')}:${scryptSync(pin, salt, 32).toString('hex')}`;
}

export type StaffRole = 'admin' | 'nurse';
export type PinCheck = { result: 'ok' } | { result: 'wrong'; triesLeft: number } | { result: 'locked'; minutesLeft: number };

export interface PinLockoutState {
  /** Wrong tries since the last right PIN or the last lock. */
  failures: number;
  /** Epoch ms the current lock ends; 0 (or any past time) when unlocked. */
  lockedUntil: number;
}

/** Where the lockout survives a restart; without one it lives as long as the process. */
export interface PinLockoutStore {
  /** null: nothing kept; 'unreadable': a record that cannot be parsed (treated as a fresh lock). */
  load(): PinLockoutState | 'unreadable' | null;
  save(state: PinLockoutState): void;
}

type MetaKv = { metaValue(key: string): string | null; setMetaValue(key: string, value: string): void };

/** The meta key a role's lockout is kept under (the admin's key predates the roles). */
export const lockoutKey = (role: StaffRole): string => (role === 'admin' ? 'staff_pin_lockout' : 'staff_pin_lockout_nurse');

/** A store on a string key-value place (the journal's metaValue / setMetaValue). */
export function pinLockoutIn(kv: MetaKv, key: string): PinLockoutStore {
  return {
    load() {
      const raw = kv.metaValue(key);
      if (!raw) return null;
      try {
        const parsed = JSON.parse(raw) as Partial<PinLockoutState>;
        const failures = Number(parsed.failures);
        const lockedUntil = Number(parsed.lockedUntil);
        if (!Number.isFinite(failures) || !Number.isFinite(lockedUntil)) return 'unreadable';
        return { failures, lockedUntil };
      } catch {
        return 'unreadable';
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
  // An unreadable record errs on the side of the lock: one full lockout from now.
  const state: PinLockoutState = loaded === 'unreadable' ? { failures: 0, lockedUntil: now() + LOCKOUT_MS } : { failures: Math.max(0, Math.floor(loaded?.failures ?? 0)), lockedUntil: loaded?.lockedUntil ?? 0 };
  // A lock set by a clock far ahead of this one (or a tampered record) still ends one lockout from now.
  state.lockedUntil = Math.min(state.lockedUntil, now() + LOCKOUT_MS);
  const save = () => store?.save({ ...state });
  return {
    check(pin: string): PinCheck {
      const t = now();
      if (t < state.lockedUntil) return { result: 'locked', minutesLeft: Math.ceil((state.lockedUntil - t) / 60_000) };
      if (matches.some((m) => m(pin))) {
        if (state.failures !== 0 || state.lockedUntil !== 0) {
          state.failures = 0;
          state.lockedUntil = 0;
          save();
        }
        return { result: 'ok' };
      }
      state.failures += 1;
      if (state.failures >= MAX_FAILURES) {
        // The count starts again once the lock has run out: the next wrong PIN after it is try 1.
        state.failures = 0;
        state.lockedUntil = t + LOCKOUT_MS;
        save();
        return { result: 'locked', minutesLeft: Math.ceil(LOCKOUT_MS / 60_000) };
      }
      // Written before the answer: pulling the plug after a wrong PIN does not forget it.
      save();
      return { result: 'wrong', triesLeft: MAX_FAILURES - state.failures };
    },
  };
}

export type PinGuard = ReturnType<typeof createPinGuard>;

/**
 * The two roles' guards, each with its own kept lockout (in `kv` under lockoutKey(role)): the admin
 * PIN also opens the nurse's pads, counted against the nurse's tries.
 */
export function createStaffPins(pins: { adminPinScrypt: string; nursePinScrypt: string }, now: () => number = Date.now, kv?: MetaKv): Record<StaffRole, PinGuard> {
  const storeFor = (role: StaffRole) => (kv ? pinLockoutIn(kv, lockoutKey(role)) : undefined);
  return {
    admin: createPinGuard(pins.adminPinScrypt, now, storeFor('admin')),
    nurse: createPinGuard(pins.nursePinScrypt, now, storeFor('nurse'), [pins.adminPinScrypt]),
  };
}
