// SM2 signatures (GB/T 32918.2) with SM3, through sm-crypto-v2 (pure JS on @noble/curves). The kiosk
// runs in Electron, whose BoringSSL has no SM2 curve and no SM3 hash: nothing here may call Node's
// crypto for them. Keys are read from PEM/DER by the small DER walk below, not by createPrivateKey
// (which fails on an SM2 key under BoringSSL); a Node KeyObject is still accepted where Node made one
// (tests, tools on the system's Node).
import type { KeyObject } from 'node:crypto';
import { sm2, sm3 } from 'sm-crypto-v2';

const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
/** The default user id of GB/T 32918 when the two sides agree on none. */
export const SM2_DEFAULT_ID = '1234567812345678';

interface Point { x: bigint; y: bigint }

export interface Sm2Keys { d?: bigint; pub: Point }

/** An SM2 key as the config and the simulators hand it over: PEM text (PKCS#8, SEC1 or SPKI), DER
 * bytes, or a KeyObject Node made (only where Node has SM2). */
export type Sm2KeySource = string | Buffer | KeyObject;

const hex32 = (v: bigint) => v.toString(16).padStart(64, '0');
const toBig = (b: Uint8Array) => BigInt('0x' + (Buffer.from(b).toString('hex') || '0'));
const pubHex = (p: Point) => '04' + hex32(p.x) + hex32(p.y);

/** OID 1.2.156.10197.1.301, the SM2 curve, as DER. */
const SM2_CURVE_OID = Buffer.from('06082a811ccf5501822d', 'hex');
/** SPKI of an SM2 public key up to the point: id-ecPublicKey with the SM2 curve, BIT STRING of 66 bytes. */
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

function pointOf(uncompressed: Uint8Array): Point {
  if (uncompressed.length !== 65 || uncompressed[0] !== 0x04) throw new Error('SM2 public key is not an uncompressed point');
  return { x: toBig(uncompressed.subarray(1, 33)), y: toBig(uncompressed.subarray(33)) };
}

function derOf(source: string | Buffer): { der: Buffer; label: string | null } {
  const text = typeof source === 'string' ? source : source.subarray(0, 11).toString('latin1') === '-----BEGIN ' ? source.toString('latin1') : null;
  if (text === null) return { der: source as Buffer, label: null };
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) throw new Error('not a PEM key');
  if (/^Proc-Type:/m.test(m[2] ?? '')) throw new Error('an encrypted PEM key: store the SM2 key unencrypted, readable by the terminal account only');
  return { der: Buffer.from((m[2] ?? '').replace(/\s+/g, ''), 'base64'), label: m[1] ?? null };
}

/**
 * Reads an SM2 key without Node's crypto. The public point is the last 65 bytes of an SPKI
 * (04 || x || y); a private key (PKCS#8 or SEC1 "EC PRIVATE KEY") holds ECPrivateKey ::= SEQUENCE
 * { version INTEGER 1, privateKey OCTET STRING (32), ... }, whose public point is recomputed.
 */
export function sm2KeysFromDer(source: string | Buffer): Sm2Keys {
  const { der, label } = derOf(source);
  if (label === 'ENCRYPTED PRIVATE KEY') throw new Error('an encrypted PKCS#8 key: store the SM2 key unencrypted, readable by the terminal account only');
  const at = der.indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20]));
  const isPrivate = label ? label.includes('PRIVATE') : at >= 0 && !der.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX);
  // A SEC1 key may leave the curve out (its parameters are optional); PKCS#8 and SPKI name it.
  if (!der.includes(SM2_CURVE_OID) && label !== 'EC PRIVATE KEY') throw new Error('not an SM2 key');
  if (!isPrivate) return { pub: pointOf(der.subarray(der.length - 65)) };
  if (at < 0) throw new Error('SM2 private key: no 32-byte scalar in its DER');
  const d = toBig(der.subarray(at + 5, at + 37));
  if (d < 1n || d >= N - 1n) throw new Error('bad SM2 private key');
  return { d, pub: publicPointOf(d) };
}

/** The keys of a PEM/DER SM2 key, or of a KeyObject Node made (generateKeyPairSync('ec', { namedCurve: 'SM2' })). */
export function sm2KeysOf(key: Sm2KeySource): Sm2Keys {
  if (typeof key === 'string' || Buffer.isBuffer(key)) return sm2KeysFromDer(key);
  if (key.type === 'private') return sm2KeysFromDer(key.export({ type: 'pkcs8', format: 'der' }));
  const spki = key.export({ type: 'spki', format: 'der' });
  // A key read back from PEM has no asymmetricKeyType in Node (OpenSSL 3 calls it 'SM2'): the curve's OID says it.
  const generatedSm2 = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'SM2';
  if (!generatedSm2 && !spki.includes(SM2_CURVE_OID)) throw new Error('not an SM2 key');
  return { pub: pointOf(spki.subarray(spki.length - 65)) };
}

/** A new key pair, made without Node's crypto: the scalar from crypto.getRandomValues (as
 * sm-crypto-v2's own keygen draws it: 48 bytes reduced into [1, n-1], no bias worth the name). */
export function generateSm2Keys(): Required<Sm2Keys> {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(48));
  const d = (toBig(bytes) % (N - 1n)) + 1n;
  return { d, pub: publicPointOf(d) };
}

/** The SPKI PEM of a public key, as a centre publishes it and `sm2KeysOf` reads it back. */
export function sm2PublicKeyPem(pub: Point): string {
  const der = Buffer.concat([SPKI_PREFIX, Buffer.from(pubHex(pub), 'hex')]);
  return `-----BEGIN PUBLIC KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`;
}

/** The curve's generator G, uncompressed (GB/T 32918.5). */
const G_HEX =
  '04' +
  '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7' +
  'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0';

/**
 * G as a point of our own with a small precompute window. The library's own G builds a table of
 * ~4,000 points (8-bit window, ~150 ms of CPU) at its first use: a key made or read at start need
 * not pay that before the first screen. Signing and verifying keep the library's G, whose table is
 * then built at the first of them (the first 一码付 call), as before, once per process.
 */
let smallWindowG: ReturnType<typeof sm2.precomputePublicKey> | null = null;

export function publicPointOf(d: bigint): Point {
  if (d < 1n || d >= N) throw new Error('bad SM2 private key');
  smallWindowG ??= sm2.precomputePublicKey(G_HEX, 4);
  const { x, y } = smallWindowG.multiply(d).toAffine();
  return { x, y };
}

/** SM3 (GB/T 32905) of some bytes. */
export function sm3Digest(data: Uint8Array): Buffer {
  return Buffer.from(sm3(data), 'hex');
}

/** The signature as r || s, 64 bytes hex (the raw form most provincial gateways print); e = SM3(Z_A || M). */
export function sm2Sign(message: Buffer, keys: Sm2Keys, id = SM2_DEFAULT_ID, random?: () => bigint): string {
  if (keys.d === undefined) throw new Error('SM2 signing needs the private key');
  // A given k (the standard's worked example) goes in as sm-crypto-v2's precomputed point.
  const pointPool = random
    ? [0].map(() => {
        const k = random();
        return { k, x1: publicPointOf(k).x, privateKey: hex32(k), publicKey: '' };
      })
    : undefined;
  return sm2.doSignature(message, hex32(keys.d), { hash: true, publicKey: pubHex(keys.pub), userId: id, pointPool });
}

export function sm2Verify(message: Buffer, signatureHex: string, pub: Point, id = SM2_DEFAULT_ID): boolean {
  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) return false;
  const r = BigInt('0x' + signatureHex.slice(0, 64));
  const s = BigInt('0x' + signatureHex.slice(64));
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  try {
    return sm2.doVerifySignature(message, signatureHex.toLowerCase(), pubHex(pub), { hash: true, userId: id });
  } catch {
    // A point not on the curve: not a key anyone could sign with.
    return false;
  }
}
