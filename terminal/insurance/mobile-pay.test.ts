// The mobile-payment client (6201 fee upload, 6202 pay, 6301 query, 6203 refund, 6401 revoke)
// against the simulator, both sides checking SM2 signatures: the body is SM4-encrypted (no field
// readable on the wire), a forged or wrongly keyed body is refused, and an answer lost after the
// centre charged the code is resolved by a query, not by a second charge.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { startPlatformSimulator, type PlatformSimulator } from '../sim/platform/server';
import { SIM_MOBILE_PAY } from '../sim/platform/mobile-pay';
import { fixturesDir } from '../testing/platform.testkit';
import {
  createMobilePayClient, deriveDataKey, payMobileOrder, queryMobileOrder, refundMobileOrder, revokeMobileOrder, sealMobilePayBody,
  uploadMobileFees, withMobilePay, type MobilePayClient,
} from './mobile-pay';
import { sm2KeysOf } from './sm2';
import { sm4EcbDecrypt } from './sm4';
import type { TypedOutcome } from './transactions-client';
import type { PlatformClient } from './client';

const terminalKeys = sm2KeysOf(generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey);
let sim: PlatformSimulator;
let client: MobilePayClient;
let serial = 0;

function okOf<T>(o: TypedOutcome<T>): T {
  if (o.kind !== 'ok') assert.fail(`expected ok, got ${JSON.stringify(o).slice(0, 400)}`);
  return o.output;
}
function refusalOf(o: TypedOutcome<unknown>): string {
  if (o.kind !== 'rejected') assert.fail(`expected a refusal, got ${JSON.stringify(o).slice(0, 400)}`);
  return o.errMsg;
}

const upload = (payAuthNo: string, fen: number, medOrgOrd = `OP-T-${++serial}`) =>
  uploadMobileFees(client, {
    orgCodg: 'H33010000001', medOrgOrd, feeSumamt: fen / 100, payAuthNo,
    feedetailList: [{ feedetlSn: '1', medListCodg: 'SELFPAY', detItemFeeSumamt: fen / 100, cnt: 1, pric: fen / 100 }],
  });

before(async () => {
  sim = await startPlatformSimulator({ fixturesDir, seed: 1, mobilePay: { terminalPublicKey: terminalKeys.pub } });
  client = createMobilePayClient({ baseUrl: sim.url, timeoutMs: 5_000, ...SIM_MOBILE_PAY, signKeys: terminalKeys, peerPublic: sm2KeysOf(sim.mobilePayPublicKey).pub });
});
after(() => sim.close());

describe('mobile payment (6201-6401) against the simulator', () => {
  it('uploads and pays the self-paid part with a payment code, and the order query shows it paid', async () => {
    const code = sim.mintPayCode(10_000);
    const order = okOf(await upload(code, 1234));
    assert.equal(order.ordStas, '0');
    const paid = okOf(await payMobileOrder(client, { orgCodg: 'H33010000001', payOrdId: order.payOrdId, payToken: order.payToken, orgBizSer: 'B1', payAuthNo: code }));
    assert.equal(paid.ordStas, '6');
    assert.equal(paid.ownPayAmt, 12.34);
    const seen = okOf(await queryMobileOrder(client, { orgCodg: 'H33010000001', payOrdId: order.payOrdId, payToken: order.payToken }));
    assert.equal(seen.ordStas, '6');
    assert.equal(sim.mobilePayLedger().wallets.find((w) => w.payer === `code:${code}`)?.balanceFen, 10_000 - 1234);
  });

  it('refunds by refund serial once (a repeat answers the same and pays nothing more), then the order is refunded', async () => {
    const code = sim.mintPayCode(5_000);
    const order = okOf(await upload(code, 800));
    okOf(await payMobileOrder(client, { orgCodg: 'H33010000001', payOrdId: order.payOrdId, payToken: order.payToken, orgBizSer: 'B2', payAuthNo: code }));
    const refund = { payOrdId: order.payOrdId, appRefdSn: `RF-${serial}`, appRefdTime: '2026-11-29 10:00:00', totlRefdAmt: 8, psnAcctRefdAmt: 0, fundRefdAmt: 0, cashRefdAmt: 8, refdType: 'CASH' as const, payAuthNo: code };
    const first = okOf(await refundMobileOrder(client, refund));
    const again = okOf(await refundMobileOrder(client, refund));
    assert.equal(again.trxId, first.trxId);
    assert.equal(sim.mobilePayLedger().wallets.find((w) => w.payer === `code:${code}`)?.balanceFen, 5_000);
    assert.match(refusalOf(await refundMobileOrder(client, { ...refund, appRefdSn: 'RF-other' })), /不能退款|超过/);
  });

  it('revokes an unpaid order, and refuses to revoke a paid one (that needs a refund)', async () => {
    const code = sim.mintPayCode(5_000);
    const unpaid = okOf(await upload(code, 100));
    assert.equal(okOf(await revokeMobileOrder(client, { orgCodg: 'H33010000001', payOrdId: unpaid.payOrdId, payToken: unpaid.payToken })).ordStas, '12');
    assert.match(refusalOf(await payMobileOrder(client, { orgCodg: 'H33010000001', payOrdId: unpaid.payOrdId, payToken: unpaid.payToken, orgBizSer: 'B3', payAuthNo: code })), /不能支付/);
    const paid = okOf(await upload(code, 100));
    okOf(await payMobileOrder(client, { orgCodg: 'H33010000001', payOrdId: paid.payOrdId, payToken: paid.payToken, orgBizSer: 'B4', payAuthNo: code }));
    assert.match(refusalOf(await revokeMobileOrder(client, { orgCodg: 'H33010000001', payOrdId: paid.payOrdId, payToken: paid.payToken })), /请退款/);
  });

  it('keeps the data unreadable on the wire: encData is SM4 under the derived key, and the pay code is nowhere in the body', () => {
    const body = sealMobilePayBody({ payAuthNo: '134567890123456789', feeSumamt: 1 }, { ...SIM_MOBILE_PAY, signKeys: terminalKeys }, new Date(0));
    assert.deepEqual([body.encType, body.signType], ['SM4', 'SM2']);
    assert.ok(!JSON.stringify(body).includes('134567890123456789'));
    const plain = sm4EcbDecrypt(deriveDataKey(SIM_MOBILE_PAY.appId, SIM_MOBILE_PAY.appSecret), Buffer.from(body.encData, 'hex')).toString('utf8');
    assert.equal(JSON.parse(plain).payAuthNo, '134567890123456789');
  });

  it('is refused by the centre when the signature is not the terminal\'s, or the appSecret is wrong', async () => {
    const forger = createMobilePayClient({ baseUrl: sim.url, timeoutMs: 5_000, ...SIM_MOBILE_PAY, signKeys: sm2KeysOf(generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey) });
    assert.equal(refusalOf(await uploadMobileFees(forger, { orgCodg: 'H', medOrgOrd: 'F1', feeSumamt: 1, payAuthNo: sim.mintPayCode(), feedetailList: [{ feedetlSn: '1', medListCodg: 'X', detItemFeeSumamt: 1, cnt: 1, pric: 1 }] })), '签名校验失败');
    const wrongSecret = createMobilePayClient({ baseUrl: sim.url, timeoutMs: 5_000, appId: SIM_MOBILE_PAY.appId, appSecret: 'not-the-secret', signKeys: terminalKeys });
    assert.equal(refusalOf(await uploadMobileFees(wrongSecret, { orgCodg: 'H', medOrgOrd: 'F2', feeSumamt: 1, payAuthNo: sim.mintPayCode(), feedetailList: [{ feedetlSn: '1', medListCodg: 'X', detItemFeeSumamt: 1, cnt: 1, pric: 1 }] })), '报文解密失败');
  });

  it('calls an answer it cannot trust unknown: a body signed by someone else is not ok', async () => {
    const imposter = createServer((_req, res) => {
      const body = sealMobilePayBody({ payOrdId: 'X', payToken: 'Y', ordStas: '6', feeSumamt: 1, ownPayAmt: 1, psnAcctPay: 0, fundPay: 0 }, { ...SIM_MOBILE_PAY, signKeys: terminalKeys }, new Date());
      res.end(JSON.stringify({ code: 0, message: '成功', ...body }));
    });
    await new Promise<void>((r) => imposter.listen(0, '127.0.0.1', () => r()));
    const port = (imposter.address() as { port: number }).port;
    const c = createMobilePayClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5_000, ...SIM_MOBILE_PAY, signKeys: terminalKeys, peerPublic: sm2KeysOf(sim.mobilePayPublicKey).pub });
    const o = await queryMobileOrder(c, { orgCodg: 'H', payOrdId: 'X', payToken: 'Y' });
    imposter.close();
    assert.equal(o.kind, 'unknown');
    assert.match(o.kind === 'unknown' ? o.detail : '', /signData/);
  });

  it('a 6202 whose answer is lost after the charge is unknown; 6301 then shows it paid, and a resend is refused rather than charged twice', async () => {
    const code = sim.mintPayCode(3_000);
    const order = okOf(await upload(code, 2_000));
    sim.setFaults({ rules: [{ kind: 'timeout', afterCommit: true, infnos: ['6202'], count: 1 }] });
    // The simulator holds this one call until the client gives up: a short deadline for it alone, so
    // the test does not wait out the ordinary calls' generous one.
    const held = createMobilePayClient({ baseUrl: sim.url, timeoutMs: 1_000, ...SIM_MOBILE_PAY, signKeys: terminalKeys, peerPublic: sm2KeysOf(sim.mobilePayPublicKey).pub });
    const lost = await payMobileOrder(held, { orgCodg: 'H33010000001', payOrdId: order.payOrdId, payToken: order.payToken, orgBizSer: 'B5', payAuthNo: code });
    sim.setFaults({ rules: [] });
    assert.equal(lost.kind, 'unknown');
    assert.equal(okOf(await queryMobileOrder(client, { orgCodg: 'H33010000001', payOrdId: order.payOrdId, payToken: order.payToken })).ordStas, '6');
    assert.match(refusalOf(await payMobileOrder(client, { orgCodg: 'H33010000001', payOrdId: order.payOrdId, payToken: order.payToken, orgBizSer: 'B5', payAuthNo: code })), /重复支付/);
    assert.equal(sim.mobilePayLedger().wallets.find((w) => w.payer === `code:${code}`)?.balanceFen, 1_000);
  });

  it('withMobilePay sends 62xx-64xx to the mobile paths and everything else to callService', async () => {
    const seen: string[] = [];
    const base: PlatformClient = { call: async (c) => (seen.push(c.infno), { kind: 'unknown', reason: 'connection', detail: 'x', rawResponse: null }), decodeEcQr: async () => ({ kind: 'unknown', reason: 'connection', detail: 'x' }) };
    const both = withMobilePay(base, { call: async (infno) => (seen.push(`mp:${infno}`), { kind: 'unknown', reason: 'connection', detail: 'x', rawResponse: null }) });
    await both.call({ infno: '2207', msgid: 'm', input: {} });
    await both.call({ infno: '6301', msgid: 'm', input: {} });
    assert.deepEqual(seen, ['2207', 'mp:6301']);
  });
});
