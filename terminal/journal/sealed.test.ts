import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { createSealer, noncePool } from './sealed';
import { SEAL_DICTIONARY_V3 } from './seal-dictionary';

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

/** A value as an older terminal sealed it: the version byte, then deflated (with that version's dictionary, if any) and encrypted. */
function sealedAs(key: Buffer, version: number, plain: string, dictionary?: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(deflateRawSync(Buffer.from(plain), dictionary ? { dictionary } : {})), cipher.final()]);
  return Buffer.concat([Buffer.of(version), iv, cipher.getAuthTag(), body]);
}

it('opens values sealed by older versions (2 without a dictionary, 3 with field names), and each dictionary makes a reply smaller', () => {
  const key = randomBytes(32);
  const sealer = createSealer(key);
  const reply = JSON.stringify({
    infcode: 0, inf_refmsgid: '330100202612021115190000000031', refmsg_time: '20261202111519444', respond_time: '20261202111519445', err_msg: null, warn_msg: null, cainfo: null, signtype: null,
    output: { setlinfo: { setl_id: 'S1', mdtrt_id: 'M1', psn_no: 'P1', medfee_sumamt: 200, fulamt_ownpay_amt: 0, overlmt_selfpay: 0, preselfpay_amt: 0, hifp_pay: 0, pool_prop_selfpay: 0, cvlserv_pay: 0, hifes_pay: 0, fund_pay_sumamt: 150, acct_pay: 30, psn_cash_pay: 20 } },
  });
  const v2 = sealedAs(key, 2, reply);
  const v3 = sealedAs(key, 3, reply, SEAL_DICTIONARY_V3);
  assert.equal(sealer.open(v2), reply);
  assert.equal(sealer.open(v3), reply);
  const v4 = sealer.seal(reply);
  assert.equal(v4[0], 4);
  assert.equal(sealer.open(v4), reply);
  assert.ok(v3.length < v2.length, `field names help (${v3.length} against ${v2.length} bytes)`);
  assert.ok(v4.length < v3.length, `whole documents help more (${v4.length} against ${v3.length} bytes)`);
  assert.throws(() => sealer.open(Buffer.concat([Buffer.of(9), v4.subarray(1)])), /unknown sealed-field version 9/);
});

it('gives every seal a nonce of its own, across the nonce pool\'s refills', () => {
  const sealer = createSealer(randomBytes(32));
  const nonces = new Set<string>();
  // Past three refills of the pool (341 nonces each).
  for (let i = 0; i < 1_200; i++) nonces.add(sealer.seal('x').subarray(1, 13).toString('hex'));
  assert.equal(nonces.size, 1_200);
});

it('cuts nonces from fresh pool bytes only, and refills the pool rather than rewinding it', () => {
  let fills = 0;
  // Each fill writes bytes no earlier fill wrote (a counter), so a rewound pool would show up as a repeat.
  const next = noncePool((pool) => {
    for (let i = 0; i < pool.length; i += 4) pool.writeUInt32BE(fills * pool.length + i, i);
    fills++;
  });
  const first = next();
  assert.equal(fills, 1);
  const seen = new Set([first.toString('hex')]);
  for (let i = 1; i < 341; i++) seen.add(next().toString('hex'));
  assert.equal(fills, 1, 'one fill gives 341 nonces of 12 bytes');
  assert.equal(seen.size, 341);
  const afterRefill = next();
  assert.equal(fills, 2);
  assert.equal(seen.has(afterRefill.toString('hex')), false);
  // The nonce handed out is a copy: the pool's next fill does not change it.
  assert.equal(first.readUInt32BE(0), 0);
});
