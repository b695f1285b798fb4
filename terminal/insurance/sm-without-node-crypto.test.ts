// SM2/SM3/SM4 as they run inside Electron, whose BoringSSL has no SM2 curve, no SM3 hash and no
// SM4 cipher: Node's are made unavailable before the modules load (terminal/testing/without-node-sm),
// and the standard's examples, PEM keys made by OpenSSL, the envelope signer and the mobile-payment
// exchange with the simulator (both sides signing) still work.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { nodeOriginal, withoutNodeSm } from '../testing/without-node-sm';

// Made by Node's OpenSSL before it is taken away: what a hospital's key file looks like.
const made = generateKeyPairSync('ec', { namedCurve: 'SM2' });
const pems = {
  pkcs8: made.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  sec1: made.privateKey.export({ type: 'sec1', format: 'pem' }) as string,
  spki: made.publicKey.export({ type: 'spki', format: 'pem' }) as string,
};
const spkiPoint = made.publicKey.export({ type: 'spki', format: 'der' }).subarray(-64).toString('hex');
const nodeSm3 = (b: Buffer) => nodeOriginal.createHash('sm3').update(b).digest('hex');
withoutNodeSm();

const sm2 = await import('./sm2');
const { sm4EcbDecrypt, sm4EcbEncrypt, sm4Available } = await import('./sm4');
const { createSm2EnvelopeSigner, verifySm2Envelope } = await import('./signer');
const { startPlatformSimulator } = await import('../sim/platform/server');
const { SIM_MOBILE_PAY } = await import('../sim/platform/mobile-pay');
const { fixturesDir } = await import('../testing/platform.testkit');
const mobilePay = await import('./mobile-pay');
const crypto = await import('node:crypto');

describe('SM crypto with Node\'s SM2/SM3/SM4 unavailable (as under Electron)', () => {
  before(() => {
    assert.throws(() => crypto.createHash('sm3'), /not in this runtime/);
    assert.ok(!crypto.getCurves().some((c) => /sm2/i.test(c)));
    assert.throws(() => crypto.createPrivateKey(pems.pkcs8), /not in this runtime/);
  });

  it('SM3 matches GB/T 32905\'s "abc" example and Node\'s own SM3 on random inputs', () => {
    assert.equal(sm2.sm3Digest(Buffer.from('abc')).toString('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    for (let i = 0; i < 20; i++) {
      const b = randomBytes(i * 13);
      assert.equal(sm2.sm3Digest(b).toString('hex'), nodeSm3(b));
    }
  });

  it('reproduces the example signature of GM/T 0003.5', () => {
    const d = 0x3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8n;
    const k = 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n;
    const pub = sm2.publicPointOf(d);
    const sig = sm2.sm2Sign(Buffer.from('message digest'), { d, pub }, '1234567812345678', () => k);
    assert.equal(sig, 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa');
    assert.ok(sm2.sm2Verify(Buffer.from('message digest'), sig, pub));
  });

  it('reads PKCS#8, SEC1 and SPKI PEM keys OpenSSL made, and signs and verifies with them', () => {
    const fromPkcs8 = sm2.sm2KeysOf(pems.pkcs8);
    const fromSec1 = sm2.sm2KeysOf(Buffer.from(pems.sec1));
    const fromSpki = sm2.sm2KeysOf(pems.spki);
    const hex = (p: { x: bigint; y: bigint }) => p.x.toString(16).padStart(64, '0') + p.y.toString(16).padStart(64, '0');
    assert.equal(hex(fromPkcs8.pub), spkiPoint);
    assert.equal(fromSec1.d, fromPkcs8.d);
    assert.equal(fromSpki.d, undefined);
    const sig = sm2.sm2Sign(Buffer.from('挂号费 12.34'), fromPkcs8);
    assert.ok(sm2.sm2Verify(Buffer.from('挂号费 12.34'), sig, fromSpki.pub));
    assert.ok(!sm2.sm2Verify(Buffer.from('挂号费 12.35'), sig, fromSpki.pub));
    assert.ok(!sm2.sm2Verify(Buffer.from('挂号费 12.34'), sig, sm2.generateSm2Keys().pub), 'another key does not verify it');
    assert.deepEqual(sm2.sm2KeysOf(sm2.sm2PublicKeyPem(fromPkcs8.pub)).pub, fromPkcs8.pub);
    assert.throws(() => sm2.sm2KeysOf('-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----'), /encrypted/);
  });

  it('signs an envelope from a PEM key and verifies it with the public PEM', () => {
    const envelope = { infno: '9001', msgid: 'H0001', input: { a: 1 }, cainfo: '', signtype: '' } as never;
    const signed = createSm2EnvelopeSigner({ privateKey: pems.pkcs8 }).signEnvelope?.(envelope) as unknown as Record<string, unknown>;
    assert.ok(verifySm2Envelope(signed, pems.spki));
    assert.ok(!verifySm2Envelope({ ...signed, msgid: 'H0002' }, pems.spki));
  });

  it('SM4 falls back to its own implementation and round-trips', () => {
    assert.equal(sm4Available.node, false);
    const key = randomBytes(16);
    assert.deepEqual(sm4EcbDecrypt(key, sm4EcbEncrypt(key, Buffer.from('医保移动支付'))), Buffer.from('医保移动支付'));
  });

  it('pays with the mobile-payment centre of the simulator, both sides signing with SM2', async () => {
    const terminal = sm2.generateSm2Keys();
    const sim = await startPlatformSimulator({ fixturesDir, seed: 1, mobilePay: { terminalPublicKey: terminal.pub } });
    try {
      const client = mobilePay.createMobilePayClient({ baseUrl: sim.url, timeoutMs: 5000, ...SIM_MOBILE_PAY, signKeys: terminal, peerPublic: sm2.sm2KeysOf(sim.mobilePayPublicKey).pub });
      const code = sim.mintPayCode(10_000);
      const order = await mobilePay.uploadMobileFees(client, {
        orgCodg: 'H33010000001', medOrgOrd: 'OP-SM-1', feeSumamt: 12.34, payAuthNo: code,
        feedetailList: [{ feedetlSn: '1', medListCodg: 'SELFPAY', detItemFeeSumamt: 12.34, cnt: 1, pric: 12.34 }],
      });
      assert.equal(order.kind, 'ok', JSON.stringify(order).slice(0, 300));
    } finally {
      await sim.close();
    }
  });
});
