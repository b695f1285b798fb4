// Issue 11 item 4, "amounts nobody checked": every settling answer is checked before it is believed.
// Each check on its own (a test per check), then through the real engine, journal and simulator with
// the simulator's garble fault: the visit goes to staff with a typed reason and an alert, no receipt
// (no setl_id, no settled split), and what the payment code charged beyond the answer is refunded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { amountChecks, checkSettlingAnswer, overchargeFen, type AmountCheck, type SettlingExpectation } from './answer-checks';
import { createSettlementEngine, type EngineAlert, type SettlementEngine } from './engine';
import { RIG_PLATFORM_TIMEOUT_MS, startSettlementRig, type SettlementRig } from '../testing/settlement.testkit';
import { createMobilePayClient, withMobilePay } from '../insurance/mobile-pay';
import { sm2KeysOf } from '../insurance/sm2';
import { SIM_MOBILE_PAY } from '../sim/platform/mobile-pay';
import type { HisBill } from '../his/client';
import type { SelfPayVisitContext } from './self-pay';
import type { VisitPerson } from './calls';

const info = (extra: Record<string, unknown> = {}) => ({ setl_id: 'S1', psn_no: 'P1', medfee_sumamt: 200, fund_pay_sumamt: 120, hifp_pay: 120, acct_pay: 30, psn_cash_pay: 50, ...extra });
const expect = (extra: Partial<SettlingExpectation> = {}): SettlingExpectation => ({ billTotalFen: 20_000, presettled: null, psnNo: 'P1', chargedByCodeFen: null, setlIdSeen: () => false, ...extra });
const failed = (r: ReturnType<typeof checkSettlingAnswer>): AmountCheck | 'ok' => (r.ok ? 'ok' : r.failure.check);

describe('issue 11 item 4: the settling answer checks (one test per check)', () => {
  it('a good answer is believed', () => {
    const r = checkSettlingAnswer(info(), expect());
    assert.ok(r.ok);
    assert.equal(r.split.cashFen, 5_000);
  });
  const cases: Record<AmountCheck, () => ReturnType<typeof checkSettlingAnswer>> = {
    // The case: -50.00 cash and 250.00 fund on a 200.00 bill adds up, and is still wrong.
    'negative-part': () => checkSettlingAnswer(info({ psn_cash_pay: -50, fund_pay_sumamt: 220, hifp_pay: 220 }), expect()),
    'parts-do-not-add-up': () => checkSettlingAnswer(info({ psn_cash_pay: 60 }), expect()),
    'total-differs': () => checkSettlingAnswer(info(), expect({ billTotalFen: 30_000 })),
    'person-differs': () => checkSettlingAnswer(info({ psn_no: 'P2' }), expect()),
    // The case: 150.00 by code on the receipt, 200.00 charged.
    'cash-differs-from-charged': () => checkSettlingAnswer(info({ psn_cash_pay: 50 }), expect({ chargedByCodeFen: 20_000 })),
    'setl-id-seen': () => checkSettlingAnswer(info(), expect({ setlIdSeen: (id) => id === 'S1' })),
  };
  for (const check of amountChecks) {
    it(`${check}`, () => assert.equal(failed(cases[check]()), check));
  }
  it('the total must also be the pre-settled one', () => {
    const presettled = { totalFen: 19_000, fundFen: 0, basicFundFen: 0, criticalIllnessFen: 0, medicalAidFen: 0, otherFundFen: 0, personalAccountFen: 0, familyAccountFen: 0, cashFen: 19_000 };
    assert.equal(failed(checkSettlingAnswer(info(), expect({ presettled }))), 'total-differs');
  });
  it('what is refunded: what the code charged beyond the answer’s own cash part, never more than charged', () => {
    const f = (answeredCashFen: number | null) => ({ check: 'cash-differs-from-charged' as const, detail: '', answeredCashFen });
    assert.equal(overchargeFen(20_000, f(15_000)), 5_000);
    assert.equal(overchargeFen(20_000, f(-5_000)), 20_000);
    assert.equal(overchargeFen(20_000, f(25_000)), 0);
    assert.equal(overchargeFen(20_000, f(null)), 0);
  });
});

describe('issue 11 item 4: a garbled 2207 answer through the engine', () => {
  let rig: SettlementRig;
  let engine: SettlementEngine;
  let employee: VisitPerson;
  let billNo = 0;
  const alerts: EngineAlert[] = [];

  before(async () => {
    rig = await startSettlementRig();
    const mobile = createMobilePayClient({ baseUrl: rig.platform.url, timeoutMs: RIG_PLATFORM_TIMEOUT_MS, orgCodg: 'H33010000001', ...SIM_MOBILE_PAY, signKeys: sm2KeysOf(generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey) });
    engine = createSettlementEngine({ journal: rig.journal, platform: withMobilePay(rig.client, mobile), random: () => 0, onAlert: (a) => alerts.push(a) });
    employee = await rig.person('employee');
  });
  after(() => rig.close());

  async function awaiting(): Promise<string> {
    const bill = (await rig.hisBills(employee.idNo))[0];
    assert.ok(bill);
    const billId = `${bill.billId}-A${++billNo}`;
    const fresh: HisBill = { ...bill, billId, items: bill.items.map((i) => ({ ...i, feedetlSn: `${billId}-${i.feedetlSn}` })) };
    const id = engine.open({ service: 'outpatient', person: employee, bill: fresh, usePersonalAccount: false });
    assert.equal((await engine.pump(id)).state, 'awaiting-confirm');
    return id;
  }
  const reasonOf = (id: string) => rig.journal.settlementContext<SelfPayVisitContext>(id)?.staffReason?.check;
  const wallet = (payer: string) => rig.platform.mobilePayLedger().wallets.find((w) => w.payer === payer)?.balanceFen;
  const yuan = (fen: number) => fen / 100;

  it('a negative cash part that still adds up goes to staff with its reason and an alert, and no receipt', async () => {
    const id = await awaiting();
    const split = engine.view(id).split!;
    rig.platform.setFaults({ rules: [{ kind: 'garble', infnos: ['2207'], count: 1, set: { 'setlinfo.psn_cash_pay': -50, 'setlinfo.fund_pay_sumamt': yuan(split.fundFen + split.cashFen) + 50, 'setlinfo.hifp_pay': yuan(split.fundFen + split.cashFen) + 50 } }] });
    const view = await engine.confirm(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'needs-staff');
    assert.equal(view.setlId, null, 'no receipt: the garbled settlement is not recorded as ours');
    assert.equal(reasonOf(id), 'negative-part');
    assert.ok(alerts.some((a) => a.settlementId === id && a.check === 'negative-part'));
  });

  it('a cash part below what the code was charged: the difference is refunded (6203), then staff', async () => {
    const id = await awaiting();
    const cash = engine.view(id).split!.cashFen;
    assert.ok(cash > 5_000, 'the fixture bill leaves more than 50.00 in cash');
    const code = rig.platform.mintPayCode(cash);
    const split = engine.view(id).split!;
    rig.platform.setFaults({ rules: [{ kind: 'garble', infnos: ['2207'], count: 1, set: { 'setlinfo.psn_cash_pay': yuan(cash - 5_000), 'setlinfo.fund_pay_sumamt': yuan(split.fundFen + 5_000), 'setlinfo.hifp_pay': yuan(split.basicFundFen + 5_000) } }] });
    const view = await engine.confirm(id, { method: 'pay-code', payAuthNo: code });
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'needs-staff', JSON.stringify(rig.journal.events(id).slice(-3)));
    assert.equal(reasonOf(id), 'cash-differs-from-charged');
    assert.ok(rig.journal.callsOf(id).some((c) => c.infno === '6203' && c.status === 'done'));
    assert.equal(wallet(`code:${code}`), 5_000, 'what was charged but not owed is back');
    assert.equal(view.setlId, null);
  });

  it('a setl_id another visit holds is not believed', async () => {
    const first = await awaiting();
    const settled = await engine.confirm(first);
    assert.equal(settled.state, 'settled');
    const id = await awaiting();
    rig.platform.setFaults({ rules: [{ kind: 'garble', infnos: ['2207'], count: 1, set: { 'setlinfo.setl_id': settled.setlId } }] });
    const view = await engine.confirm(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'needs-staff');
    assert.equal(reasonOf(id), 'setl-id-seen');
  });

  it('another person in the answer is not believed', async () => {
    const id = await awaiting();
    rig.platform.setFaults({ rules: [{ kind: 'garble', infnos: ['2207'], count: 1, set: { 'setlinfo.psn_no': '33000000000000000999' } }] });
    const view = await engine.confirm(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'needs-staff');
    assert.equal(reasonOf(id), 'person-differs');
  });
});
