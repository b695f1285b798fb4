// SM2 signatures (GB/T 32918.2) with SM3, in BigInt arithmetic. Node's crypto here hashes SM3 and
// makes SM2-curve keys, but crypto.sign on such a key is ECDSA over the SM2 curve, not the SM2
// scheme (no Z_A, a different equation), so the scheme itself is done here; keys stay Node's.
import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';

const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const A = 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn;
const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const G: Point = { x: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n, y: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n };
/** The default user id of GB/T 32918 when the two sides agree on none. */
export const SM2_DEFAULT_ID = '1234567812345678';

interface Point { x: bigint; y: bigint }
type MaybePoint = Point | null;

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
function inv(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function add(p: MaybePoint, q: MaybePoint): MaybePoint {
  if (!p) return q;
  if (!q) return p;
  if (p.x === q.x && mod(p.y + q.y, P) === 0n) return null;
  const l = p.x === q.x && p.y === q.y
    ? mod((3n * p.x * p.x + A) * inv(2n * p.y, P), P)
    : mod((q.y - p.y) * inv(q.x - p.x, P), P);
  const x = mod(l * l - p.x - q.x, P);
  return { x, y: mod(l * (p.x - x) - p.y, P) };
}

function mul(k: bigint, p: Point): MaybePoint {
  let r: MaybePoint = null;
  let q: MaybePoint = p;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) r = add(r, q);
    q = add(q, q);
  }
  return r;
}

const hex32 = (v: bigint) => v.toString(16).padStart(64, '0');
const toBig = (b: Buffer) => BigInt('0x' + (b.toString('hex') || '0'));

export interface Sm2Keys { d?: bigint; pub: Point }

/**
 * Reads an SM2 key made by Node (generateKeyPairSync('ec', { namedCurve: 'SM2' }) or a PEM of one).
 * Node cannot export SM2 as JWK, so the numbers come out of the DER: the public point is the last
 * 65 bytes of the SPKI (04 || x || y), the private scalar the 32-byte OCTET STRING after version 1.
 */
/** OID 1.2.156.10197.1.301, the SM2 curve, as DER. */
const SM2_CURVE_OID = Buffer.from('06082a811ccf5501822d', 'hex');

export function sm2KeysOf(key: KeyObject): Sm2Keys {
  const spki = (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
  // A key read back from PEM has no asymmetricKeyType in Node (OpenSSL 3 calls it 'SM2'): the curve's OID says it.
  const generatedSm2 = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'SM2';
  if (!generatedSm2 && !spki.includes(SM2_CURVE_OID)) throw new Error('not an SM2 key');
  const point = spki.subarray(spki.length - 65);
  if (point[0] !== 0x04) throw new Error('SM2 public key is not an uncompressed point');
  const pub = { x: toBig(point.subarray(1, 33)), y: toBig(point.subarray(33)) };
  if (key.type !== 'private') return { pub };
  const der = key.export({ type: 'pkcs8', format: 'der' });
  // Inside the PKCS#8 wrapper, ECPrivateKey ::= SEQUENCE { version INTEGER 1, privateKey OCTET STRING (32), ... }
  const at = der.indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20]));
  if (at < 0) throw new Error('SM2 private key: no 32-byte scalar in its DER');
  return { d: toBig(der.subarray(at + 5, at + 37)), pub };
}

export function publicPointOf(d: bigint): Point {
  const q = mul(d, G);
  if (!q) throw new Error('bad SM2 private key');
  return q;
}

/** e = SM3(Z_A || M), Z_A = SM3(ENTL || ID || a || b || Gx || Gy || xA || yA). */
function digest(message: Buffer, pub: Point, id: string): bigint {
  const idBytes = Buffer.from(id, 'utf8');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(idBytes.length * 8);
  const za = createHash('sm3')
    .update(Buffer.concat([entl, idBytes, ...[A, B, G.x, G.y, pub.x, pub.y].map((v) => Buffer.from(hex32(v), 'hex'))]))
    .digest();
  return toBig(createHash('sm3').update(Buffer.concat([za, message])).digest());
}

/** The signature as r || s, 64 bytes hex (the raw form most provincial gateways print). */
export function sm2Sign(message: Buffer, keys: Sm2Keys, id = SM2_DEFAULT_ID, random: () => bigint = () => mod(toBig(randomBytes(40)), N - 1n) + 1n): string {
  if (keys.d === undefined) throw new Error('SM2 signing needs the private key');
  const e = digest(message, keys.pub, id);
  for (;;) {
    const k = random();
    const x1 = mul(k, G)?.x ?? 0n;
    const r = mod(e + x1, N);
    if (r === 0n || r + k === N) continue;
    const s = mod(inv(1n + keys.d, N) * (k - r * keys.d), N);
    if (s !== 0n) return hex32(r) + hex32(s);
  }
}

export function sm2Verify(message: Buffer, signatureHex: string, pub: Point, id = SM2_DEFAULT_ID): boolean {
  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) return false;
  const r = BigInt('0x' + signatureHex.slice(0, 64));
  const s = BigInt('0x' + signatureHex.slice(64));
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = mod(r + s, N);
  if (t === 0n) return false;
  const pt = add(mul(s, G), mul(t, pub));
  if (!pt) return false;
  return mod(digest(message, pub, id) + pt.x, N) === r;
}
