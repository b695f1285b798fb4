import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
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
