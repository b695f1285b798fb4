// A credit (信用就医) debt repaid at the kiosk by payment code, through the real engine, journal,
// platform simulator and its mobile-pay centre: repaid exactly once (the centre's ledger charged the
// debt, the debt marked repaid, the per-terminal limit freed), a declined code leaves it owed, and a
// lost 6202 answer or a crash mid-call is resolved by 6301, never by paying again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createSettlementEngine, CreditNotOwedError, type SettlementEngine } from './engine';
import { RIG_PLATFORM_TIMEOUT_MS, startSettlementRig, type SettlementRig } from '../testing/settlement.testkit';
import { createMobilePayClient, withMobilePay } from '../insurance/mobile-pay';
import { sm2KeysOf } from '../insurance/sm2';
import { SIM_MOBILE_PAY } from '../sim/platform/mobile-pay';
import { CreditLimitError } from '../journal/credit';
import type { HisBill } from '../his/client';
import type { VisitPerson } from './calls';
import type { PlatformClient } from '../insurance/client';

const LIMITS = { limitPerPatientFen: 5_000_000, limitPerTerminalFen: 50_000_000 };

describe('credit debt repaid at the kiosk by payment code', () => {
  let rig: SettlementRig;
  let engine: SettlementEngine;
  let platform: PlatformClient;
  let employee: VisitPerson;
  let billNo = 0;

  before(async () => {
    rig = await startSettlementRig();
    const mobile = createMobilePayClient({ baseUrl: rig.platform.url, timeoutMs: RIG_PLATFORM_TIMEOUT_MS, orgCodg: 'H33010000001', ...SIM_MOBILE_PAY, signKeys: sm2KeysOf(generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey) });
    platform = withMobilePay(rig.client, mobile);
    engine = createSettlementEngine({ journal: rig.journal, platform, random: () => 0 });
    employee = await rig.person('employee');
  });
  after(() => rig.close());

  async function billOf(person: VisitPerson): Promise<HisBill> {
    const bill = (await rig.hisBills(person.idNo))[0];
    assert.ok(bill);
    const billId = `${bill.billId}-R${++billNo}`;
    return { ...bill, billId, items: bill.items.map((i) => ({ ...i, feedetlSn: `${billId}-${i.feedetlSn}` })) };
  }
  /** A visit settled on credit and closed (the HIS heard): a debt owed, as 查询 shows it. */
  async function owing(limits = LIMITS): Promise<{ id: string; fen: number }> {
    const id = engine.open({ service: 'outpatient', person: employee, bill: await billOf(employee), usePersonalAccount: false });
    assert.equal((await engine.pump(id)).state, 'awaiting-confirm');
    assert.equal((await engine.confirm(id, { method: 'credit', credit: limits })).state, 'settled');
    rig.journal.transition({ settlementId: id, from: ['settled'], to: 'closed', note: 'the HIS heard (test)' });
    const debt = rig.journal.credit.debtOf(id);
    assert.equal(debt?.status, 'owed');
    assert.ok((debt?.amountFen ?? 0) > 0);
    return { id, fen: debt?.amountFen ?? 0 };
  }
  const wallet = (code: string) => rig.platform.mobilePayLedger().wallets.find((w) => w.payer === `code:${code}`)?.balanceFen;
  const ordersOf = (code: string) => rig.platform.mobilePayLedger().orders.filter((o) => o.payer === `code:${code}`);
  const mobileCalls = (id: string) => rig.journal.callsOf(id).filter((c) => c.step.startsWith('repay-') || c.step === 'revoke-order').map((c) => `${c.infno}:${c.status}`);

  it('repaid: the code is charged exactly the debt once, the debt is repaid in the same write, and the per-terminal limit is freed', async () => {
    const { id, fen } = await owing();
    const exposureBefore = rig.journal.credit.exposure(employee.psnNo).terminalFen;
    // A new credit visit the terminal's limit cannot take while this debt is outstanding.
    const tight = { limitPerPatientFen: LIMITS.limitPerPatientFen, limitPerTerminalFen: exposureBefore };
    const waiting = engine.open({ service: 'outpatient', person: employee, bill: await billOf(employee), usePersonalAccount: false });
    assert.equal((await engine.pump(waiting)).state, 'awaiting-confirm');
    await assert.rejects(engine.confirm(waiting, { method: 'credit', credit: tight }), (e: unknown) => e instanceof CreditLimitError && e.limit === 'terminal');

    const code = rig.platform.mintPayCode(fen + 700);
    const result = await engine.repayCreditByCode(id, code);
    assert.deepEqual(result, { kind: 'repaid', fen, state: 'closed' });
    assert.equal(rig.journal.credit.debtOf(id)?.status, 'repaid');
    assert.equal(wallet(code), 700, 'charged exactly the debt');
    assert.deepEqual(ordersOf(code).map((o) => [o.feeSumFen, o.ordStas]), [[fen, '6']]);
    assert.deepEqual(mobileCalls(id), ['6201:done', '6202:done']);
    assert.equal(rig.journal.credit.exposure(employee.psnNo).terminalFen, exposureBefore - fen, 'the debt no longer counts against the limit');
    assert.equal((await engine.confirm(waiting, { method: 'credit', credit: tight })).state, 'settled', 'the freed limit takes the new visit');
    assert.match(rig.journal.events(id).at(-1)?.note ?? '', /repaid by payment code/);
    assert.doesNotMatch(JSON.stringify(rig.journal.events(id)), new RegExp(code), 'the code is not in the journal notes');
    await assert.rejects(engine.repayCreditByCode(id, rig.platform.mintPayCode(fen)), CreditNotOwedError, 'a repaid debt is not paid again');
  });

  it('declined: the debt stays owed, nothing is charged, and the order is revoked', async () => {
    const { id, fen } = await owing();
    const poor = rig.platform.mintPayCode(1);
    const result = await engine.repayCreditByCode(id, poor);
    assert.equal(result.kind, 'declined');
    assert.equal(result.fen, fen);
    assert.match(result.kind === 'declined' ? result.reason : '', /余额不足/);
    assert.equal(engine.view(id).state, 'closed');
    assert.equal(rig.journal.credit.debtOf(id)?.status, 'owed');
    assert.equal(wallet(poor), 1, 'nothing charged');
    assert.deepEqual(mobileCalls(id), ['6201:done', '6202:rejected', '6401:done']);
    assert.notEqual(ordersOf(poor)[0]?.ordStas, '6');
    // Another code pays it, under a new order.
    const good = rig.platform.mintPayCode(fen);
    assert.equal((await engine.repayCreditByCode(id, good)).kind, 'repaid');
    assert.equal(wallet(good), 0);
  });

  it('the 6202 answer lost after the charge: resolved by 6301, repaid, charged once, no second 6202', async () => {
    const { id, fen } = await owing();
    const code = rig.platform.mintPayCode(fen + 100);
    rig.platform.setFaults({ rules: [{ kind: 'timeout', afterCommit: true, infnos: ['6202'], count: 1 }] });
    let result;
    try {
      result = await engine.repayCreditByCode(id, code);
    } finally {
      rig.platform.setFaults({ rules: [] });
    }
    assert.equal(result.kind, 'repaid');
    assert.deepEqual(mobileCalls(id), ['6201:done', '6202:done', '6301:done'], 'the lost 6202 was resolved by the query, not resent');
    assert.equal(wallet(code), 100, 'charged once');
    assert.equal(ordersOf(code).length, 1);
    assert.equal(rig.journal.credit.debtOf(id)?.status, 'repaid');
  });

  it('the 6202 lost before the centre saw it: 6301 shows the order unpaid, and only then is it paid (once)', async () => {
    const { id, fen } = await owing();
    const code = rig.platform.mintPayCode(fen);
    rig.platform.setFaults({ rules: [{ kind: 'reset-before', infnos: ['6202'], count: 1 }] });
    let result;
    try {
      result = await engine.repayCreditByCode(id, code);
    } finally {
      rig.platform.setFaults({ rules: [] });
    }
    assert.equal(result.kind, 'repaid');
    assert.deepEqual(mobileCalls(id), ['6201:done', '6202:superseded', '6301:done', '6202:done']);
    assert.equal(wallet(code), 0);
  });

  it('a terminal that stopped with the 6202 in flight asks 6301 when it starts again: repaid, charged once', async () => {
    const { id, fen } = await owing();
    const code = rig.platform.mintPayCode(fen);
    let charged!: () => void;
    const reachedCentre = new Promise<void>((r) => (charged = r));
    // The process dies after the centre took the payment and before the answer was recorded.
    const dying: PlatformClient = {
      call: async (c) => {
        if (c.infno !== '6202') return platform.call(c);
        await platform.call(c);
        charged();
        return new Promise(() => undefined);
      },
      decodeEcQr: (r) => platform.decodeEcQr(r),
    };
    void createSettlementEngine({ journal: rig.journal, platform: dying, random: () => 0 }).repayCreditByCode(id, code);
    await reachedCentre;
    assert.equal(rig.journal.credit.debtOf(id)?.status, 'owed', 'not repaid before its success is journaled');
    const restarted = createSettlementEngine({ journal: rig.journal, platform, random: () => 0 });
    assert.equal(restarted.recoverInFlight(), 1);
    assert.equal(restarted.view(id).state, 'repay-query-pending', 'asked about, not resent');
    assert.equal((await restarted.pump(id)).state, 'closed');
    assert.equal(rig.journal.credit.debtOf(id)?.status, 'repaid');
    assert.deepEqual(mobileCalls(id), ['6201:done', '6202:done', '6301:done'], 'the 6202 in flight is known paid by the query, and was not sent again');
    assert.equal(wallet(code), 0, 'charged once');
  });

  it('a staff refund of a visit whose debt was repaid by code gives the repayment back to that code (6203)', async () => {
    const { id, fen } = await owing();
    const code = rig.platform.mintPayCode(fen);
    assert.equal((await engine.repayCreditByCode(id, code)).kind, 'repaid');
    assert.equal(wallet(code), 0);
    const refunded = await engine.refundByStaff(id, 'patient-request');
    assert.equal(refunded.state, 'refunded', refunded.lastError ?? '');
    assert.equal(wallet(code), fen, 'the repayment went back to the code that paid it');
    assert.ok(rig.journal.callsOf(id).some((c) => c.infno === '6203' && c.status === 'done'));
  });
});
