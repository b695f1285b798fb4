// Seals patient data at rest (names, ID numbers, raw platform messages that carry them) with
// AES-256-GCM under a key kept in its own file beside, not inside, the database: a copied journal
// alone reveals no one.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

// 2: deflated before sealing. Raw platform replies are kept as received and are most of the journal;
// JSON deflates to about a third, and ciphertext would not compress at all afterwards.
const VERSION = 2;
const PLAIN_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealer {
  seal(plain: string): Buffer;
  open(sealed: Buffer): string;
  /** A keyed, stable lookup tag for a secret (an ID number) that must be found but not read. */
  tag(secret: string): string;
}

export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('journal key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(deflateRawSync(Buffer.from(plain, 'utf8'))), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
    },
    tag(secret) {
      return createHmac('sha256', key).update('lookup:').update(secret).digest('hex');
    },
    open(sealed) {
      const version = sealed[0];
      if (version !== VERSION && version !== PLAIN_VERSION) throw new Error(`unknown sealed-field version ${version}`);
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const body = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
      return (version === VERSION ? inflateRawSync(body) : body).toString('utf8');
    },
  };
}

/** Reads the key file, creating it (owner-only) on first start. */
export function loadOrCreateKey(file: string): Buffer {
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`journal key file ${file} is damaged`);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
