import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { createSealer } from './sealed';

it('seals and opens, compresses, and refuses tampering or the wrong key', () => {
  const sealer = createSealer(randomBytes(32));
  const reply = JSON.stringify({ infcode: 0, output: { setlinfo: { psn_name: '测试', certno: '110101199003074518', medfee_sumamt: 200 }, setldetail: Array(20).fill({ fund_pay_type: '310100', fund_payamt: 1.5 }) } });
  const sealed = sealer.seal(reply);
  assert.equal(sealer.open(sealed), reply);
  assert.ok(sealed.length < reply.length / 2, `compressed before sealing (${sealed.length} of ${reply.length})`);
  assert.equal(sealed.includes(Buffer.from('110101199003074518')), false);
  const tampered = Buffer.from(sealed);
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => sealer.open(tampered));
  assert.throws(() => createSealer(randomBytes(32)).open(sealed));
});

it('opens values sealed before the dictionary (version 2) and the dictionary makes a small reply smaller', () => {
  const key = randomBytes(32);
  const sealer = createSealer(key);
  const reply = JSON.stringify({ infcode: 0, output: { setlinfo: { setl_id: 'S1', mdtrt_id: 'M1', psn_no: 'P1', medfee_sumamt: 200, fund_pay_sumamt: 150, acct_pay: 30, psn_cash_pay: 20 } } });
  // A version-2 value as the journal wrote them before: deflated without a dictionary, then sealed.
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(deflateRawSync(Buffer.from(reply))), cipher.final()]);
  const v2 = Buffer.concat([Buffer.of(2), iv, cipher.getAuthTag(), body]);
  assert.equal(sealer.open(v2), reply);
  const v3 = sealer.seal(reply);
  assert.equal(v3[0], 3);
  assert.equal(sealer.open(v3), reply);
  assert.ok(v3.length < v2.length, `the dictionary helps (${v3.length} against ${v2.length} bytes)`);
});
