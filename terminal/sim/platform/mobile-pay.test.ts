// The simulator's mobile-payment centre keeps its books the way a payment centre must for a terminal
// that resends: one order per medOrgOrd, fee lines that add up, a declined code that leaves the
// wallet alone, and the 医保码's token paying from the person's own wallet (一码付).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { startPlatformSimulator, type PlatformSimulator } from './server';
import { SIM_MOBILE_PAY } from './mobile-pay';
import { createMobilePayClient, payMobileOrder, uploadMobileFees, type MobilePayClient } from '../../insurance/mobile-pay';
import { sm2KeysOf } from '../../insurance/sm2';
import { createPlatformClient } from '../../insurance/client';
import { simEnvelopeContext } from './context';
import { fixturesDir } from '../../testing/platform.testkit';

let sim: PlatformSimulator;
let mp: MobilePayClient;

const line = (fen: number) => ({ feedetlSn: '1', medListCodg: 'SELFPAY', detItemFeeSumamt: fen / 100, cnt: 1, pric: fen / 100 });

before(async () => {
  sim = await startPlatformSimulator({ fixturesDir, seed: 3 });
  mp = createMobilePayClient({ baseUrl: sim.url, timeoutMs: 5_000, ...SIM_MOBILE_PAY, signKeys: sm2KeysOf(generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey) });
});
after(() => sim.close());

describe('simulated mobile-payment centre', () => {
  it('answers a second 6201 with the same medOrgOrd with the same order, and refuses one that differs', async () => {
    const code = sim.mintPayCode();
    const a = await uploadMobileFees(mp, { orgCodg: 'H', medOrgOrd: 'SAME-1', feeSumamt: 5, payAuthNo: code, feedetailList: [line(500)] });
    const b = await uploadMobileFees(mp, { orgCodg: 'H', medOrgOrd: 'SAME-1', feeSumamt: 5, payAuthNo: code, feedetailList: [line(500)] });
    assert.ok(a.kind === 'ok' && b.kind === 'ok');
    assert.equal(b.output.payOrdId, a.output.payOrdId);
    assert.equal(sim.mobilePayLedger().orders.filter((o) => o.medOrgOrd === 'SAME-1').length, 1);
    const c = await uploadMobileFees(mp, { orgCodg: 'H', medOrgOrd: 'SAME-1', feeSumamt: 6, payAuthNo: code, feedetailList: [line(600)] });
    assert.ok(c.kind === 'rejected' && /重复/.test(c.errMsg));
  });

  it('refuses fee lines that do not add up to the order total', async () => {
    const o = await uploadMobileFees(mp, { orgCodg: 'H', medOrgOrd: 'SUM-1', feeSumamt: 5, payAuthNo: sim.mintPayCode(), feedetailList: [line(400)] });
    assert.ok(o.kind === 'rejected' && /不符/.test(o.errMsg), JSON.stringify(o));
  });

  it('declines a code without enough behind it, charging nothing, and the order cannot be paid afterwards', async () => {
    const code = sim.mintPayCode(99);
    const o = await uploadMobileFees(mp, { orgCodg: 'H', medOrgOrd: 'POOR-1', feeSumamt: 1, payAuthNo: code, feedetailList: [line(100)] });
    assert.ok(o.kind === 'ok');
    const pay = await payMobileOrder(mp, { orgCodg: 'H', payOrdId: o.output.payOrdId, payToken: o.output.payToken, orgBizSer: 'x', payAuthNo: code });
    assert.ok(pay.kind === 'rejected' && /余额不足/.test(pay.errMsg));
    const ledger = sim.mobilePayLedger();
    assert.equal(ledger.wallets.find((w) => w.payer === `code:${code}`)?.balanceFen, 99);
    assert.equal(ledger.orders.find((x) => x.medOrgOrd === 'POOR-1')?.ordStas, '15');
  });

  it('pays by the e-voucher token from the person\'s own wallet, and refuses a token it never issued', async () => {
    const platform = createPlatformClient({ baseUrl: sim.url, context: simEnvelopeContext, timeoutMs: 5_000 });
    const decoded = await platform.decodeEcQr({ qrCode: sim.mintEcQr('employee'), businessType: '01301', deviceType: 'SelfService' });
    assert.ok(decoded.kind === 'ok');
    const ecToken = decoded.person.ecToken;
    const o = await uploadMobileFees(mp, { orgCodg: 'H', medOrgOrd: 'EC-1', feeSumamt: 2, ecToken, feedetailList: [line(200)] });
    assert.ok(o.kind === 'ok');
    const pay = await payMobileOrder(mp, { orgCodg: 'H', payOrdId: o.output.payOrdId, payToken: o.output.payToken, orgBizSer: 'x', ecToken });
    assert.ok(pay.kind === 'ok' && pay.output.ordStas === '6');
    assert.equal(sim.mobilePayLedger().wallets.find((w) => w.payer === 'psn:33000000000000000101')?.balanceFen, 10_000_000 - 200);
    const bogus = await uploadMobileFees(mp, { orgCodg: 'H', medOrgOrd: 'EC-2', feeSumamt: 2, ecToken: 'ECTnot-issued', feedetailList: [line(200)] });
    assert.ok(bogus.kind === 'rejected' && /令牌/.test(bogus.errMsg));
  });

  it('mints payment codes over HTTP that the kiosk\'s scanner takes for a WeChat pay code', async () => {
    const res = await fetch(`${sim.url}/sim/pay-code`, { method: 'POST', body: JSON.stringify({ balanceFen: 123 }) });
    const { payCode } = (await res.json()) as { payCode: string };
    assert.match(payCode, /^1[0-5]\d{16}$/);
    assert.equal(sim.mobilePayLedger().wallets.find((w) => w.payer === `code:${payCode}`)?.balanceFen, 123);
  });
});
