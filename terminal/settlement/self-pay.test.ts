// The self-paid part in the same step, through the real engine, journal and simulators: a bound
// relative's account (家庭共济), credit within its limits (信用就医), and a payment code (一码付:
// 6201 + 6202 before 2207) whose lost answer is resolved by 6301, never by paying twice.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createSettlementEngine, type SettlementEngine } from './engine';
import { RIG_PLATFORM_TIMEOUT_MS, startSettlementRig, type SettlementRig } from '../testing/settlement.testkit';
import { createMobilePayClient, withMobilePay } from '../insurance/mobile-pay';
import { sm2KeysOf } from '../insurance/sm2';
import { SIM_MOBILE_PAY } from '../sim/platform/mobile-pay';
import { CreditLimitError } from '../journal/credit';
import { defaultCashMethod } from './self-pay';
import { selfPayOptions } from '../app/self-pay-options';
import { parseConfig } from '../config/config';
import type { HisBill } from '../his/client';
import type { VisitPerson } from './calls';
import type { PlatformClient } from '../insurance/client';

const EMPLOYEE_PSN = '33000000000000000101';
const LIMITS = { limitPerPatientFen: 50_000, limitPerTerminalFen: 500_000 };

describe('self-paid part in the same step', () => {
  let rig: SettlementRig;
  let engine: SettlementEngine;
  let employee: VisitPerson;
  let resident: VisitPerson;
  let platform: PlatformClient;
  let billNo = 0;

  before(async () => {
    rig = await startSettlementRig();
    const mobile = createMobilePayClient({ baseUrl: rig.platform.url, timeoutMs: RIG_PLATFORM_TIMEOUT_MS, orgCodg: 'H33010000001', ...SIM_MOBILE_PAY, signKeys: sm2KeysOf(generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey) });
    platform = withMobilePay(rig.client, mobile);
    engine = createSettlementEngine({ journal: rig.journal, platform, random: () => 0 });
    employee = await rig.person('employee');
    resident = await rig.person('resident');
  });
  after(() => rig.close());

  async function billOf(person: VisitPerson): Promise<HisBill> {
    const bill = (await rig.hisBills(person.idNo))[0];
    assert.ok(bill);
    const billId = `${bill.billId}-S${++billNo}`;
    return { ...bill, billId, items: bill.items.map((i) => ({ ...i, feedetlSn: `${billId}-${i.feedetlSn}` })) };
  }
  /** A visit waiting for the patient's confirm, the personal account off so there is cash to pay. */
  async function awaiting(person: VisitPerson, usePersonalAccount = false): Promise<string> {
    const id = engine.open({ service: 'outpatient', person, bill: await billOf(person), usePersonalAccount });
    assert.equal((await engine.pump(id)).state, 'awaiting-confirm');
    return id;
  }
  const balance = (psnNo: string) => rig.platform.ledger().accounts.find((a) => a.psnNo === psnNo)?.balanceFen ?? NaN;
  const wallet = (payer: string) => rig.platform.mobilePayLedger().wallets.find((w) => w.payer === payer)?.balanceFen;
  const steps = (id: string) => rig.journal.callsOf(id).map((c) => `${c.infno}:${c.status}`);

  it('family account: the relative\'s account takes the cash part after a second pre-settlement, and pays it at 2207', async () => {
    assert.deepEqual(resident.familyPayers?.map((p) => p.psnNo), [EMPLOYEE_PSN], '1101 told the terminal who may pay');
    const id = await awaiting(resident, true);
    const cash = engine.view(id).split?.cashFen ?? 0;
    assert.ok(cash > 0, 'the resident has no account of their own: all cash');
    const withFamily = await engine.changeSelfPay(id, { usePersonalAccount: true, familyPayerPsnNo: EMPLOYEE_PSN });
    assert.equal(withFamily.state, 'awaiting-confirm');
    assert.equal(withFamily.split?.familyAccountFen, cash);
    assert.equal(withFamily.split?.cashFen, 0);
    const before = balance(EMPLOYEE_PSN);
    const settled = await engine.confirm(id);
    assert.equal(settled.state, 'settled');
    assert.equal(settled.split?.familyAccountFen, cash);
    assert.equal(balance(EMPLOYEE_PSN), before - cash);
    assert.equal(rig.journal.callsOf(id).filter((c) => c.infno === '2206').length, 2);
  });

  it('family account the platform refuses: the visit is pre-settled again without it and still waits for the patient', async () => {
    const id = await awaiting(resident, true);
    const back = await engine.changeSelfPay(id, { usePersonalAccount: true, familyPayerPsnNo: '33000000000000000107' });
    assert.equal(back.state, 'awaiting-confirm');
    assert.equal(back.split?.familyAccountFen, 0);
    assert.ok((back.split?.cashFen ?? 0) > 0);
    assert.ok(rig.journal.events(id).some((e) => /family account refused/.test(e.note ?? '')));
  });

  it('credit: the cash part is owed to the hospital at the settled figure, with no platform call for it', async () => {
    const id = await awaiting(employee);
    const calls = rig.journal.callsOf(id).length;
    const settled = await engine.confirm(id, { method: 'credit', credit: LIMITS });
    assert.equal(settled.state, 'settled');
    const debt = rig.journal.credit.debtOf(id);
    assert.equal(debt?.status, 'owed');
    assert.equal(debt?.amountFen, settled.split?.cashFen);
    assert.deepEqual(rig.journal.callsOf(id).slice(calls).map((c) => c.infno), ['2207'], 'only the settlement itself went to the platform');
    assert.equal(rig.journal.settlement(id)?.payMethod, 'credit', 'the method is on the row, for the staff totals');
  });

  it('credit over the per-patient limit is refused before anything is sent, and the visit still waits', async () => {
    const id = await awaiting(employee);
    const calls = rig.journal.callsOf(id).length;
    await assert.rejects(engine.confirm(id, { method: 'credit', credit: { ...LIMITS, limitPerPatientFen: 100 } }), (e: unknown) => e instanceof CreditLimitError && e.limit === 'patient');
    assert.equal(engine.view(id).state, 'awaiting-confirm');
    assert.equal(rig.journal.callsOf(id).length, calls);
    assert.equal(rig.journal.credit.debtOf(id), null);
    assert.equal(rig.journal.settlement(id)?.payMethod, null, 'a refused confirm records no method');
  });

  it('pay code by the 医保码\'s token (一码付): 6201 and 6202 for the cash part, then 2207', async () => {
    const id = await awaiting(employee);
    const cash = engine.view(id).split?.cashFen ?? 0;
    const before = wallet(`psn:${EMPLOYEE_PSN}`) ?? 10_000_000;
    const settled = await engine.confirm(id, { method: 'pay-code' });
    assert.equal(settled.state, 'settled');
    assert.deepEqual(steps(id).slice(-3), ['6201:done', '6202:done', '2207:done']);
    assert.equal(wallet(`psn:${EMPLOYEE_PSN}`), before - cash);
    assert.equal(rig.journal.settlement(id)?.payMethod, 'pay-code');
  });

  it('a pay-code confirm is pre-settled again first: a split that moved since it was shown charges nothing and goes back to the patient', async () => {
    // Two bills of one patient at the split; the first settles, which moves the year-to-date the
    // second's split was made on (the elderly resident's 200.00 bills straddle the 300.00 起付线).
    const elderly = await rig.person('elderly');
    const first = await awaiting(elderly);
    const second = await awaiting(elderly);
    const shown = engine.view(second).split?.cashFen ?? 0;
    assert.equal((await engine.confirm(first)).state, 'settled');
    const payer = `psn:${rig.journal.settlementContext<{ person: VisitPerson }>(second)?.person.psnNo}`;
    const walletBefore = wallet(payer) ?? 10_000_000;
    const back = await engine.confirm(second, { method: 'pay-code', payAuthNo: null });
    assert.equal(back.state, 'awaiting-confirm', `the patient sees the new split before anything is charged (was ${back.state}: ${back.lastError ?? ''})`);
    const fresh = back.split?.cashFen ?? 0;
    assert.notEqual(fresh, shown, 'the first settlement moved the second split');
    assert.ok(!steps(second).some((s) => /^(6201|6202|2207)/.test(s)), 'nothing charged, nothing settled');
    assert.match(rig.journal.events(second).at(-1)?.note ?? '', /not the \d+ confirmed/);
    assert.equal(wallet(payer) ?? 10_000_000, walletBefore);
    const settled = await engine.confirm(second, { method: 'pay-code', payAuthNo: null });
    assert.equal(settled.state, 'settled');
    assert.equal(settled.split?.cashFen, fresh);
    assert.equal(wallet(payer), walletBefore - fresh, 'the code was charged exactly the cash part 2207 settled');
    assert.deepEqual(steps(second).filter((s) => /^(2206|6201|6202|2207)/.test(s)).slice(-4), ['2206:done', '6201:done', '6202:done', '2207:done'], 'pre-settled again right before the charge');
  });

  it('a declined payment code charges nothing, settles nothing, and leaves the patient to choose again', async () => {
    const id = await awaiting(employee);
    const poor = rig.platform.mintPayCode(1);
    const declined = await engine.confirm(id, { method: 'pay-code', payAuthNo: poor });
    assert.equal(declined.state, 'awaiting-confirm');
    assert.match(rig.journal.events(id).at(-1)?.note ?? '', /余额不足/);
    assert.equal(wallet(`code:${poor}`), 1);
    assert.ok(!steps(id).some((s) => s.startsWith('2207')));
    assert.equal((await engine.confirm(id, { method: 'pay-code', payAuthNo: rig.platform.mintPayCode(10_000_000) })).state, 'settled', 'a second code pays');
  });

  it('a 6202 whose answer is lost after the charge is resolved by 6301: kept, settled, charged once, never paid again', async () => {
    const id = await awaiting(employee);
    const cash = engine.view(id).split?.cashFen ?? 0;
    const code = rig.platform.mintPayCode(cash + 500);
    rig.platform.setFaults({ rules: [{ kind: 'timeout', afterCommit: true, infnos: ['6202'], count: 1 }] });
    const settled = await engine.confirm(id, { method: 'pay-code', payAuthNo: code });
    rig.platform.setFaults({ rules: [] });
    assert.equal(settled.state, 'settled');
    assert.deepEqual(steps(id).filter((s) => /^6[234]/.test(s)), ['6201:done', '6202:done', '6301:done'], 'the lost 6202 is resolved by the query, and no second 6202 was sent');
    assert.equal(wallet(`code:${code}`), 500);
    assert.equal(rig.platform.mobilePayLedger().orders.filter((o) => o.payer === `code:${code}`).length, 1);
  });

  it('a 6202 lost before the centre saw it: 6301 shows the order unpaid, and only then is it paid (once)', async () => {
    const id = await awaiting(employee);
    const cash = engine.view(id).split?.cashFen ?? 0;
    const code = rig.platform.mintPayCode(cash);
    rig.platform.setFaults({ rules: [{ kind: 'reset-before', infnos: ['6202'], count: 1 }] });
    const settled = await engine.confirm(id, { method: 'pay-code', payAuthNo: code });
    rig.platform.setFaults({ rules: [] });
    assert.equal(settled.state, 'settled');
    assert.deepEqual(steps(id).filter((s) => /^6[234]/.test(s)), ['6201:done', '6202:superseded', '6301:done', '6202:done']);
    assert.equal(wallet(`code:${code}`), 0);
  });

  it('a terminal that stopped with 6202 in flight asks 6301 when it starts again, and the code is charged once', async () => {
    const id = await awaiting(employee);
    const cash = engine.view(id).split?.cashFen ?? 0;
    const code = rig.platform.mintPayCode(cash);
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
    void createSettlementEngine({ journal: rig.journal, platform: dying, random: () => 0 }).confirm(id, { method: 'pay-code', payAuthNo: code });
    await reachedCentre;
    const restarted = createSettlementEngine({ journal: rig.journal, platform, random: () => 0 });
    assert.equal(restarted.recoverInFlight(), 1);
    assert.equal(restarted.view(id).state, 'cash-query-pending', 'asked about, not resent');
    assert.equal((await restarted.pump(id)).state, 'settled');
    assert.deepEqual(steps(id).filter((x) => /^6[234]/.test(x)), ['6201:done', '6202:done', '6301:done']);
    assert.equal(wallet(`code:${code}`), 0, 'charged once');
  });

  it('a settlement refused after the code was charged refunds the cash (6203) before the visit fails', async () => {
    const id = await awaiting(employee);
    const cash = engine.view(id).split?.cashFen ?? 0;
    const code = rig.platform.mintPayCode(cash);
    rig.platform.setFaults({ rules: [{ kind: 'wrong-infcode', infcode: -1, infnos: ['2207'], count: 1 }] });
    const failed = await engine.confirm(id, { method: 'pay-code', payAuthNo: code });
    rig.platform.setFaults({ rules: [] });
    assert.equal(failed.state, 'failed');
    assert.deepEqual(steps(id).filter((s) => /^(2207|620[1-3])/.test(s)), ['6201:done', '6202:done', '2207:rejected', '6203:done']);
    assert.equal(wallet(`code:${code}`), cash, 'the patient has their money back');
  });

  it('a staff cancel of a visit whose code was charged refunds the cash (6203): the lost 2207 is reversed first', async () => {
    // An engine whose unknown outcomes go to staff at once, as after the deadline on a long outage.
    const hurried = createSettlementEngine({ journal: rig.journal, platform, random: () => 0, unknownOutcomeDeadlineMs: 1 });
    const id = hurried.open({ service: 'outpatient', person: employee, bill: await billOf(employee), usePersonalAccount: false });
    assert.equal((await hurried.pump(id)).state, 'awaiting-confirm');
    const cash = hurried.view(id).split?.cashFen ?? 0;
    const code = rig.platform.mintPayCode(cash);
    rig.platform.setFaults({ rules: [{ kind: 'reset-before', infnos: ['2207', '5203'] }] });
    let stuck;
    try {
      stuck = await hurried.confirm(id, { method: 'pay-code', payAuthNo: code });
      await new Promise((r) => setTimeout(r, 10));
      stuck = await hurried.pump(id);
    } finally {
      rig.platform.setFaults({ rules: [] });
    }
    assert.equal(stuck.state, 'needs-staff', JSON.stringify(steps(id)));
    assert.equal(wallet(`code:${code}`), 0, 'the code was charged');
    const ended = await hurried.cancelByStaff(id, 'patient left');
    assert.equal(ended.state, 'failed', JSON.stringify(steps(id)));
    assert.ok(steps(id).includes('6203:done'), JSON.stringify(steps(id)));
    assert.equal(wallet(`code:${code}`), cash, 'the patient has their money back');
    assert.equal(rig.platform.ledger().settlements.filter((s) => s.status === 'settled' && s.setlId && rig.journal.settlement(id)?.setlId === s.setlId).length, 0, 'nothing stays settled');
  });

  it('offers every way in the embedded simulated default, none against a remote platform unless configured, and one tap by default', () => {
    const demo = selfPayOptions(parseConfig({}));
    assert.deepEqual([demo.personalAccount, demo.familyAccount, demo.credit.enabled, demo.payCode], [true, true, true, true]);
    const remote = selfPayOptions(parseConfig({ platform: { mode: 'remote', baseUrl: 'https://gw.example/fsi' }, settlement: { selfPay: { credit: { enabled: true, limitPerPatientFen: 1 } } } }));
    assert.deepEqual([remote.personalAccount, remote.familyAccount, remote.credit.enabled, remote.payCode, remote.credit.limitPerPatientFen], [false, false, true, false, 1]);
    const split = { totalFen: 100, fundFen: 0, basicFundFen: 0, criticalIllnessFen: 0, medicalAidFen: 0, otherFundFen: 0, personalAccountFen: 0, familyAccountFen: 0, cashFen: 100 };
    assert.equal(defaultCashMethod(demo, { person: employee } as never, split), 'pay-code', 'a 医保码 pays the rest with one tap');
    assert.equal(defaultCashMethod(demo, { person: { ...employee, certType: '03' } } as never, split), 'cashier', 'a card cannot pay by code without a scan');
    assert.equal(defaultCashMethod(remote, { person: employee } as never, split), 'cashier');
  });
});
