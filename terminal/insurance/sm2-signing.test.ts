// SM2/SM3 and CSB signing: the GM/T 0003.5 example signature to the bit, keys from Node's crypto, and
// a simulator configured to check signatures accepting a signed envelope and refusing a forged one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { startPlatformSimulator } from '../sim/platform/server';
import { simEnvelopeContext } from '../sim/platform/context';
import { createPlatformClient } from './client';
import { createCsbSigner, createSm2EnvelopeSigner, createTifSigner, csbSignature, type EnvelopeSigner } from './signer';
import { sm2 } from 'sm-crypto-v2';
import { generateSm2Keys, publicPointOf, sm2KeysOf, sm2Sign, sm2Verify } from './sm2';
import { fixturesDir, nextMsgid } from '../testing/platform.testkit';

describe('SM2 with SM3', () => {
  it('reproduces the example signature of GM/T 0003.5 (recommended curve, ID 1234567812345678)', () => {
    const d = 0x3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8n;
    const pub = publicPointOf(d);
    const k = 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n;
    const sig = sm2Sign(Buffer.from('message digest'), { d, pub }, '1234567812345678', () => k);
    assert.equal(sig, 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3' + 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa');
    assert.ok(sm2Verify(Buffer.from('message digest'), sig, pub));
    assert.ok(!sm2Verify(Buffer.from('message digesT'), sig, pub));
  });

  it('works with keys Node makes: d*G is Node\'s public point, and a signature verifies with the public key alone', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const keys = sm2KeysOf(privateKey);
    assert.deepEqual(publicPointOf(keys.d ?? 0n), keys.pub);
    const sig = sm2Sign(Buffer.from('abc'), keys);
    assert.ok(sm2Verify(Buffer.from('abc'), sig, sm2KeysOf(publicKey).pub));
    assert.ok(!sm2Verify(Buffer.from('abc'), sig, sm2KeysOf(generateKeyPairSync('ec', { namedCurve: 'SM2' }).publicKey).pub), 'another key does not verify it');
  });

  it('makes keys whose public point is the library\'s d*G (ours skips its big base-point table), and that sign and verify', () => {
    const hexOf = (p: { x: bigint; y: bigint }) => '04' + p.x.toString(16).padStart(64, '0') + p.y.toString(16).padStart(64, '0');
    const n = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
    for (const d of [1n, 2n, n - 1n]) assert.equal(hexOf(publicPointOf(d)), sm2.getPublicKeyFromPrivateKey(d.toString(16).padStart(64, '0')));
    const keys = generateSm2Keys();
    assert.ok(keys.d >= 1n && keys.d < n);
    assert.notEqual(keys.d, generateSm2Keys().d);
    assert.equal(hexOf(keys.pub), sm2.getPublicKeyFromPrivateKey(keys.d.toString(16).padStart(64, '0')));
    assert.ok(sm2Verify(Buffer.from('abc'), sm2Sign(Buffer.from('abc'), keys), keys.pub));
  });
});

describe('CSB signer', () => {
  it('signs Base64 HMAC-SHA1 over the sorted _api_* parameters', () => {
    const h = createCsbSigner({ apiName: 'fsi.callService', apiVersion: '1.0.0', accessKey: 'ak', secretKey: 'sk', now: () => new Date(1_700_000_000_123) }).sign('{}');
    const text = '_api_access_key=ak&_api_name=fsi.callService&_api_timestamp=1700000000123&_api_version=1.0.0';
    assert.equal(h._api_signature, createHmac('sha1', 'sk').update(text).digest('base64'));
    assert.notEqual(csbSignature({ _api_name: 'x' }, 'sk'), csbSignature({ _api_name: 'x' }, 'other'));
  });
});

describe('a simulator that checks signatures', () => {
  const cases: Array<{ name: string; check: Parameters<typeof startPlatformSimulator>[0]['signature']; good: EnvelopeSigner; bad: EnvelopeSigner }> = [];
  const mine = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const theirs = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  cases.push({ name: 'SM2 envelope', check: { type: 'sm2', publicKey: mine.publicKey }, good: createSm2EnvelopeSigner({ privateKey: mine.privateKey }), bad: createSm2EnvelopeSigner({ privateKey: theirs.privateKey }) });
  cases.push({ name: 'x-tif', check: { type: 'x-tif', paasId: 'p1', token: 't1' }, good: createTifSigner({ paasId: 'p1', token: 't1' }), bad: createTifSigner({ paasId: 'p1', token: 'wrong' }) });
  cases.push({ name: 'CSB', check: { type: 'csb', accessKey: 'ak', secretKey: 'sk' }, good: createCsbSigner({ apiName: 'n', apiVersion: '1', accessKey: 'ak', secretKey: 'sk' }), bad: createCsbSigner({ apiName: 'n', apiVersion: '1', accessKey: 'ak', secretKey: 'nope' }) });

  for (const c of cases) {
    it(`${c.name}: accepts the right signature, refuses a wrong one and none`, async () => {
      const sim = await startPlatformSimulator({ fixturesDir, signature: c.check });
      try {
        const call = (signer?: EnvelopeSigner) => createPlatformClient({ baseUrl: sim.url, context: simEnvelopeContext, timeoutMs: 5_000, signer })
          .call({ infno: '9001', msgid: nextMsgid(), input: { signIn: { opter_no: 'K1', mac: '', ip: '' } } });
        assert.equal((await call(c.good)).kind, 'ok');
        for (const o of [await call(c.bad), await call()]) assert.ok(o.kind === 'rejected' && o.errMsg === '签名校验失败');
        assert.equal(sim.ledger().signIns.length, 1, 'a refused call changes nothing');
      } finally {
        await sim.close();
      }
    });
  }
});
