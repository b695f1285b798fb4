// Seals patient data at rest (names, ID numbers, raw platform messages that carry them) with
// AES-256-GCM under a key kept in its own file beside, not inside, the database: a copied journal
// alone reveals no one.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomFillSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileDurably } from './durable-file';
import { SEAL_DICTIONARY_V3, SEAL_DICTIONARY_V4 } from './seal-dictionary';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

// 2: deflated before sealing. Raw platform replies are kept as received and are most of the journal;
// JSON deflates to about a third, and ciphertext would not compress at all afterwards.
// 3: deflated with a preset dictionary of field names (seal-dictionary.ts).
// 4: deflated with a dictionary of whole documents (seal-dictionary.ts), what is written now. Every
// older version stays readable: a journal holds values sealed by each terminal version it ran under.
const VERSION = 4;
const PLAIN_VERSION = 1;
const inflaters: Record<number, (body: Buffer) => Buffer> = {
  [PLAIN_VERSION]: (body) => body,
  2: (body) => inflateRawSync(body),
  3: (body) => inflateRawSync(body, { dictionary: SEAL_DICTIONARY_V3 }),
  4: (body) => inflateRawSync(body, { dictionary: SEAL_DICTIONARY_V4 }),
};
const dictionary = { dictionary: SEAL_DICTIONARY_V4 };
const IV_BYTES = 12;
const TAG_BYTES = 16;

// Nonces are cut from a pool of random bytes filled by one call, then moved past: one randomBytes
// call per seal cost about as much as the deflate. Each nonce is bytes of the pool not handed out
// before (GCM under one key must never see a nonce twice), and the pool is refilled, never rewound.
const NONCE_POOL_BYTES = 4096 - (4096 % IV_BYTES);

export function noncePool(fill: (pool: Buffer) => void = (pool) => randomFillSync(pool)): () => Buffer {
  const pool = Buffer.alloc(NONCE_POOL_BYTES);
  let offset = NONCE_POOL_BYTES;
  return () => {
    if (offset === NONCE_POOL_BYTES) {
      fill(pool);
      offset = 0;
    }
    // A copy: the pool's bytes are overwritten at the next fill.
    const nonce = Buffer.from(pool.subarray(offset, offset + IV_BYTES));
    offset += IV_BYTES;
    return nonce;
  };
}

export interface Sealer {
  seal(plain: string): Buffer;
  open(sealed: Buffer): string;
  /** A keyed, stable lookup tag for a secret (an ID number) that must be found but not read. */
  tag(secret: string): string;
}

export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('journal key must be 32 bytes');
  const nextNonce = noncePool();
  return {
    seal(plain) {
      const iv = nextNonce();
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(deflateRawSync(Buffer.from(plain, 'utf8'), dictionary)), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
    },
    tag(secret) {
      return createHmac('sha256', key).update('lookup:').update(secret).digest('hex');
    },
    open(sealed) {
      const version = sealed[0] ?? 0;
      const inflate = inflaters[version];
      if (!inflate) throw new Error(`unknown sealed-field version ${version}`);
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const body = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
      return inflate(body).toString('utf8');
    },
  };
}

/** The key's fingerprint: the first 16 hex digits of its SHA-256, shown to staff to tell keys apart (not secret). */
export function keyFingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Reads the key file; null when there is none. A file that does not hold a 32-byte key is refused. */
export function readKeyFile(file: string): Buffer | null {
  if (!existsSync(file)) return null;
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`journal key file ${file} is damaged (not a 32-byte key)`);
  return key;
}

/**
 * Makes a new key (owner-only) and makes it durable before anything is sealed under it (file and
 * folder synced, so a power cut cannot leave rows sealed under a key that is gone). Never replaces a
 * key file that is there. Only the journal's open decides when a new key is allowed (never over sealed rows).
 */
export function createKeyFile(file: string): Buffer {
  const key = randomBytes(32);
  writeFileDurably(file, key.toString('base64') + '\n', { mode: 0o600, exclusive: true });
  return key;
}
