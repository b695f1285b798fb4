// The staff PIN, checked in the core for every admin command (the screen is never trusted with it):
// scrypt against the configured hash, constant-time, and a lockout after repeated wrong PINs so a
// passer-by at a kiosk cannot walk the PIN space. The failures and the lockout are kept where the
// caller says (the journal's meta table): restarting the kiosk does not give five more tries.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const MAX_FAILURES = 5;
const LOCKOUT_MS = 5 * 60_000;

export function hashPin(pin: string, salt: Buffer = randomBytes(16)): string {
  return `${salt.toString('hex')}:${scryptSync(pin, salt, 32).toString('hex')}`;
}

export type PinCheck = 'ok' | 'wrong' | 'locked';

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

export function createPinGuard(pinScrypt: string, now: () => number = Date.now, store?: PinLockoutStore) {
  const [saltHex, hashHex] = pinScrypt.split(':') as [string, string];
  const salt = Buffer.from(saltHex, 'hex');
  const expected = Buffer.from(hashHex, 'hex');
  const loaded = store?.load() ?? null;
  let failures = loaded?.failures ?? 0;
  let lockedUntil = loaded?.lockedUntil ?? 0;
  // A lock set by a clock far ahead of this one (or a tampered record) still ends one lockout from now.
  if (lockedUntil > now() + LOCKOUT_MS) lockedUntil = now() + LOCKOUT_MS;
  const save = () => store?.save({ failures, lockedUntil });
  return {
    check(pin: string): PinCheck {
      if (now() < lockedUntil) return 'locked';
      if (timingSafeEqual(scryptSync(pin, salt, 32), expected)) {
        if (failures !== 0 || lockedUntil !== 0) {
          failures = 0;
          lockedUntil = 0;
          save();
        }
        return 'ok';
      }
      if (++failures >= MAX_FAILURES) {
        failures = 0;
        lockedUntil = now() + LOCKOUT_MS;
      }
      // Written before the answer: pulling the plug after a wrong PIN does not forget it.
      save();
      return 'wrong';
    },
  };
}
