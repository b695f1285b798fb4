// Gateway authentication that provinces put in front of the platform, chosen by config: x-tif or
// Aliyun CSB headers, and the envelope's own SM2 signature in cainfo/signtype.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { RequestEnvelope } from './envelope';
import { SM2_DEFAULT_ID, sm2KeysOf, sm2Sign, sm2Verify, type Sm2KeySource } from './sm2';

export interface EnvelopeSigner {
  /** Signs the envelope itself (cainfo/signtype) before it is serialised; most gateways do not. */
  signEnvelope?(envelope: RequestEnvelope): RequestEnvelope;
  /** Headers to send with this exact request body. */
  sign(body: string): Record<string, string>;
}

export const noSigner: EnvelopeSigner = { sign: () => ({}) };

/**
 * The x-tif variant: x-tif-signature = hex SHA-256 of timestamp + token + nonce + timestamp.
 * The body is not covered by this scheme; it authenticates the caller, not the message.
 */
export function createTifSigner(opts: {
  paasId: string;
  token: string;
  now?: () => Date;
  nonce?: () => string;
}): EnvelopeSigner {
  const now = opts.now ?? (() => new Date());
  const nonce = opts.nonce ?? (() => randomBytes(16).toString('hex'));
  return {
    sign() {
      const timestamp = String(Math.floor(now().getTime() / 1000));
      const n = nonce();
      const signature = tifSignature(timestamp, opts.token, n);
      return {
        'x-tif-paasid': opts.paasId,
        'x-tif-timestamp': timestamp,
        'x-tif-nonce': n,
        'x-tif-signature': signature,
      };
    },
  };
}

export function tifSignature(timestamp: string, token: string, nonce: string): string {
  return createHash('sha256').update(timestamp + token + nonce + timestamp).digest('hex');
}

/**
 * Aliyun CSB: _api_signature = Base64 HMAC-SHA1(secretKey, k=v&... of the _api_* parameters sorted
 * by name). A JSON body is not a form parameter, so it is not covered.
 */
export function createCsbSigner(opts: { apiName: string; apiVersion: string; accessKey: string; secretKey: string; now?: () => Date }): EnvelopeSigner {
  const now = opts.now ?? (() => new Date());
  return {
    sign() {
      const params: Record<string, string> = {
        _api_name: opts.apiName,
        _api_version: opts.apiVersion,
        _api_access_key: opts.accessKey,
        _api_timestamp: String(now().getTime()),
      };
      return { ...params, _api_signature: csbSignature(params, opts.secretKey) };
    },
  };
}

export function csbSignature(params: Record<string, string>, secretKey: string): string {
  const text = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
  return createHmac('sha1', secretKey).update(text).digest('base64');
}

/**
 * The envelope signed with SM2 (SM3 digest, GB/T 32918): cainfo = hex r||s over the JSON of the
 * envelope with cainfo empty and signtype "SM2". What exactly a province signs is not public; this
 * is the simulator's contract (see README).
 */
export function createSm2EnvelopeSigner(opts: { privateKey: Sm2KeySource; userId?: string }): EnvelopeSigner {
  const keys = sm2KeysOf(opts.privateKey);
  const id = opts.userId ?? SM2_DEFAULT_ID;
  return {
    signEnvelope(envelope) {
      const unsigned = { ...envelope, signtype: 'SM2', cainfo: '' };
      return { ...unsigned, cainfo: sm2Sign(Buffer.from(JSON.stringify(unsigned), 'utf8'), keys, id) };
    },
    sign: () => ({}),
  };
}

/** The receiving side of createSm2EnvelopeSigner: the parsed request body as it arrived. */
export function verifySm2Envelope(envelope: Record<string, unknown>, publicKey: Sm2KeySource, userId = SM2_DEFAULT_ID): boolean {
  if (envelope.signtype !== 'SM2' || typeof envelope.cainfo !== 'string') return false;
  const unsigned = { ...envelope, cainfo: '' };
  return sm2Verify(Buffer.from(JSON.stringify(unsigned), 'utf8'), envelope.cainfo, sm2KeysOf(publicKey).pub, userId);
}
