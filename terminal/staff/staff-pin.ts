// The staff PIN, checked in the core for every admin command (the screen is never trusted with it):
// scrypt against the configured hash, constant-time, and a lockout after repeated wrong PINs so a
// passer-by at a kiosk cannot walk the PIN space.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const MAX_FAILURES = 5;
const LOCKOUT_MS = 5 * 60_000;

export function hashPin(pin: string, salt: Buffer = randomBytes(16)): string {
  return `${salt.toString('hex')}:${scryptSync(pin, salt, 32).toString('hex')}`;
}

export type PinCheck = 'ok' | 'wrong' | 'locked';

export function createPinGuard(pinScrypt: string, now: () => number = Date.now) {
  const [saltHex, hashHex] = pinScrypt.split(':') as [string, string];
  const salt = Buffer.from(saltHex, 'hex');
  const expected = Buffer.from(hashHex, 'hex');
  let failures = 0;
  let lockedUntil = 0;
  return {
    check(pin: string): PinCheck {
      if (now() < lockedUntil) return 'locked';
      if (timingSafeEqual(scryptSync(pin, salt, 32), expected)) {
        failures = 0;
        return 'ok';
      }
      if (++failures >= MAX_FAILURES) {
        failures = 0;
        lockedUntil = now() + LOCKOUT_MS;
      }
      return 'wrong';
    },
  };
}
