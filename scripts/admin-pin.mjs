// `npm run admin-pin -- 123456`: prints the scrypt hash to put in the config as admin.pinScrypt.
import { randomBytes, scryptSync } from 'node:crypto';

const pin = process.argv[2] ?? '';
if (!/^\d{4,12}$/.test(pin)) {
  console.error('usage: npm run admin-pin -- <4 to 12 digits>');
  process.exit(1);
}
const salt = randomBytes(16);
console.log(`${salt.toString('hex')}:${scryptSync(pin, salt, 32).toString('hex')}`);
