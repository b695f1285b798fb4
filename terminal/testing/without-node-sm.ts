// Makes this process's Node crypto look like Electron's BoringSSL for the Chinese SM algorithms: no
// SM2 curve (key generation, PEM reading), no SM3 hash, no SM4 cipher. Call it before the modules
// under test are imported (sm4.ts asks getCiphers() once at load); ESM named imports of node:crypto
// see the patch through syncBuiltinESMExports.
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

const SM2_OID_DER = Buffer.from('06082a811ccf5501822d', 'hex');

function refusesSm2Key(key: unknown): boolean {
  const text = typeof key === 'string' ? key : Buffer.isBuffer(key) ? key.toString('latin1') : typeof key === 'object' && key && 'key' in key ? String((key as { key: unknown }).key) : '';
  const m = /-----BEGIN [A-Z ]+-----([\s\S]*?)-----END/.exec(text);
  const der = m ? Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64') : Buffer.isBuffer(key) ? key : Buffer.alloc(0);
  return der.includes(SM2_OID_DER);
}

/** What the process had before, for tests that compare against Node's own SM3. */
export const nodeOriginal = { createHash: crypto.createHash };

export function withoutNodeSm(): void {
  const { createHash, getCurves, getHashes, getCiphers, generateKeyPairSync, createPrivateKey, createPublicKey, createCipheriv, createDecipheriv } = crypto;
  const isSm = (name: unknown) => typeof name === 'string' && /^sm[234]/i.test(name);
  const refuse = (what: string) => {
    throw new Error(`${what}: not in this runtime (BoringSSL stand-in)`);
  };
  Object.assign(crypto, {
    createHash: ((alg: string, opts?: crypto.HashOptions) => (isSm(alg) ? refuse(`hash ${alg}`) : createHash(alg, opts))) as typeof createHash,
    getCurves: () => getCurves().filter((c) => !/sm2/i.test(c)),
    getHashes: () => getHashes().filter((h) => !isSm(h)),
    getCiphers: () => getCiphers().filter((c) => !isSm(c)),
    generateKeyPairSync: ((type: string, opts?: { namedCurve?: string }) =>
      isSm(opts?.namedCurve) ? refuse(`curve ${opts?.namedCurve}`) : (generateKeyPairSync as (t: string, o?: object) => unknown)(type, opts)) as typeof generateKeyPairSync,
    createPrivateKey: ((key: Parameters<typeof createPrivateKey>[0]) => (refusesSm2Key(key) ? refuse('SM2 private key') : createPrivateKey(key))) as typeof createPrivateKey,
    createPublicKey: ((key: Parameters<typeof createPublicKey>[0]) => (refusesSm2Key(key) ? refuse('SM2 public key') : createPublicKey(key))) as typeof createPublicKey,
    createCipheriv: ((alg: string, ...rest: unknown[]) => (isSm(alg) ? refuse(`cipher ${alg}`) : (createCipheriv as (...a: unknown[]) => unknown)(alg, ...rest))) as typeof createCipheriv,
    createDecipheriv: ((alg: string, ...rest: unknown[]) => (isSm(alg) ? refuse(`cipher ${alg}`) : (createDecipheriv as (...a: unknown[]) => unknown)(alg, ...rest))) as typeof createDecipheriv,
  });
  syncBuiltinESMExports();
}
