// The simulator's 医保码 (e-voucher QR) payload: minted by the simulator, verified by its decode
// endpoint. Shape: NHSAEC1.<ecIndexNo>.<issued unix seconds>.<nonce 16 hex>.<mac 32 hex>, where mac is
// the first 32 hex of HMAC-SHA256(key, everything before ".<mac>"). Real codes are opaque vendor strings.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const EC_QR_PREFIX = 'NHSAEC1';
export const EC_QR_PATTERN = /^NHSAEC1\.([A-Za-z0-9]{1,64})\.(\d{1,12})\.([0-9a-f]{16})\.([0-9a-f]{32})$/;

function mac(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex').slice(0, 32);
}

export function mintEcQrPayload(key: string, ecIndexNo: string, issuedAt: Date, nonce = randomBytes(8).toString('hex')): string {
  const body = `${EC_QR_PREFIX}.${ecIndexNo}.${Math.floor(issuedAt.getTime() / 1000)}.${nonce}`;
  return `${body}.${mac(key, body)}`;
}

export type EcQrCheck =
  | { ok: true; ecIndexNo: string; issuedAtSeconds: number; nonce: string }
  | { ok: false; reason: 'format' | 'signature' };

export function verifyEcQrPayload(key: string, payload: string): EcQrCheck {
  const m = EC_QR_PATTERN.exec(payload);
  if (!m) return { ok: false, reason: 'format' };
  const [, ecIndexNo = '', issued = '', nonce = '', given = ''] = m;
  const expected = mac(key, payload.slice(0, payload.length - given.length - 1));
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(given))) return { ok: false, reason: 'signature' };
  return { ok: true, ecIndexNo, issuedAtSeconds: Number(issued), nonce };
}
