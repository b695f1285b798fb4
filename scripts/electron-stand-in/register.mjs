// node --import ./register.mjs main.mjs: `electron` resolves to the stand-in beside this file.
// With SMOKE_NO_NODE_SM=1 Node's SM2/SM3/SM4 are taken away first, as Electron's BoringSSL has none.
import { register, syncBuiltinESMExports } from 'node:module';
import crypto from 'node:crypto';

if (process.env.SMOKE_NO_NODE_SM === '1') {
  const { createHash, generateKeyPairSync, getCiphers, getCurves, createPrivateKey } = crypto;
  const sm = (s) => typeof s === 'string' && /^sm[234]/i.test(s);
  const no = (what) => { throw new Error(`${what}: not in this runtime (BoringSSL stand-in)`); };
  Object.assign(crypto, {
    createHash: (alg, o) => (sm(alg) ? no(`hash ${alg}`) : createHash(alg, o)),
    generateKeyPairSync: (type, o) => (sm(o?.namedCurve) ? no(`curve ${o.namedCurve}`) : generateKeyPairSync(type, o)),
    getCiphers: () => getCiphers().filter((c) => !sm(c)),
    getCurves: () => getCurves().filter((c) => !/sm2/i.test(c)),
    createPrivateKey: (k) => (String(k?.key ?? k).includes('BEGIN') && /SM2/.test(String(k)) ? no('SM2 key') : createPrivateKey(k)),
  });
  syncBuiltinESMExports();
}

const standIn = new URL('./electron.mjs', import.meta.url).href;
register(`data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(standIn)}, shortCircuit: true };
  return next(specifier, context);
}`)}`);
