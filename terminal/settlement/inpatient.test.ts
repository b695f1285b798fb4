// The inpatient path, on the real simulators: a walk-away (or a refusal) at any inpatient step
// leaves nothing open on the platform (2405, 2302, 2404 as applicable, through the outbox); a stay
// the HIS admitted itself is settled by its mdtrt_id without 2401 or 2301; a mid-stay settlement
// (中途结算) settles what is there so far and leaves the stay open; and a terminal whose HIS admits on
// the platform refuses a bill without the stay's mdtrt_id rather than admitting it a second time.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BillTakenError, createSettlementEngine, type SettlementEngine } from './engine';
import { startSettlementRig, type SettlementRig } from '../testing/settlement.testkit';
import { assertNothingOpen } from '../testing/open-things.testkit';
import { callThroughOutbox } from '../outbox/outbox-send';
import type { HisBill } from '../his/client';
import { admissionCall, inpatientFeeCall, type VisitContext, type VisitPerson } from './calls';

describe('the inpatient path', () => {
  let rig: SettlementRig;
  let engine: SettlementEngine;
  let person: VisitPerson;
  let bill: HisBill;
  let billNo = 0;

  before(async () => {
    rig = await startSettlementRig();
    engine = createSettlementEngine({ journal: rig.journal, platform: rig.client, random: () => 0 });
    person = await rig.person('medical-aid');
    bill = (await rig.hisBills(person.idNo)).find((b) => b.medType === '21')!;
    assert.ok(bill, 'the fixture has a discharge bill for this person');
  });
  after(() => rig.close());

  const freshBill = (extra: Partial<HisBill> = {}): HisBill => {
    const billId = `${bill.billId}-I${++billNo}`;
    return { ...bill, billId, items: bill.items.map((i) => ({ ...i, feedetlSn: `${billId}-${i.feedetlSn}` })), ...extra };
  };
  const calls = (id: string) => rig.journal.callsOf(id).map((c) => `${c.infno}:${c.status}`);
  const stayOf = (id: string) => rig.platform.ledger().visits.find((v) => v.mdtrtId === rig.journal.settlement(id)?.mdtrtId);

  it('a walk-away at the confirm step takes back the discharge, the fee lines and the admission', async () => {
    const id = engine.open({ service: 'discharge', person, bill: freshBill(), usePersonalAccount: true });
    assert.equal((await engine.pump(id)).state, 'awaiting-confirm');
    assert.equal(stayOf(id)?.status, 'discharged');
    await engine.cancel(id);
    await engine.pump(id);
    assert.deepEqual(calls(id), ['2401:done', '2301:done', '2402:done', '2303:done', '2405:done', '2302:done', '2404:done']);
    assert.equal(stayOf(id)?.status, 'cancelled');
    assertNothingOpen(rig.platform);
  });

  for (const [infno, undo] of [
    ['2301', ['2404:done']],
    ['2402', ['2302:done', '2404:done']],
    ['2303', ['2405:done', '2302:done', '2404:done']],
  ] as const) {
    it(`a visit refused at ${infno} takes back exactly what was done before it`, async () => {
      // -1: the spec's refusal (any other infcode is an unknown outcome, resolved by query).
      rig.platform.setFaults({ rules: [{ kind: 'wrong-infcode', infcode: -1, errMsg: '模拟拒绝', infnos: [infno], count: 1 }] });
      const id = engine.open({ service: 'discharge', person, bill: freshBill(), usePersonalAccount: true });
      const view = await engine.pump(id);
      rig.platform.setFaults({ rules: [] });
      assert.equal(view.state, 'failed');
      const sent = calls(id);
      assert.deepEqual(sent.slice(sent.indexOf(`${infno}:rejected`) + 1), undo);
      assertNothingOpen(rig.platform);
    });
  }

  /** The HIS's admission desk: 2401 when the patient was admitted, 2301 as fees were charged. */
  async function admitAsTheHis(b: HisBill): Promise<string> {
    const ctx: VisitContext = { person, bill: b, chargeBatchNo: b.billId, usePersonalAccount: true, operator: { deptCode: b.deptCode, deptName: b.deptName, drCode: b.drCode, drName: b.drName } };
    const admitted = await callThroughOutbox(rig.journal, rig.client, admissionCall(ctx, new Date(Date.now() - 5 * 86_400_000)));
    assert.equal(admitted.kind, 'ok');
    const mdtrtId = String(((admitted as { output: { result: { mdtrt_id: string } } }).output.result.mdtrt_id));
    assert.equal((await callThroughOutbox(rig.journal, rig.client, inpatientFeeCall(ctx, mdtrtId))).kind, 'ok');
    return mdtrtId;
  }

  it('settles a stay the HIS admitted by its mdtrt_id: no 2401, no 2301 from the terminal', async () => {
    const b = freshBill();
    const mdtrtId = await admitAsTheHis(b);
    const id = engine.open({ service: 'discharge', person, bill: { ...b, mdtrtId }, usePersonalAccount: true });
    assert.equal((await engine.pump(id)).state, 'awaiting-confirm');
    const settled = await engine.confirm(id);
    assert.equal(settled.state, 'settled');
    assert.deepEqual(calls(id), ['2402:done', '2303:done', '2304:done']);
    assert.equal(rig.journal.settlement(id)?.mdtrtId, mdtrtId);
    assert.equal(rig.platform.ledger().settlements.find((s) => s.setlId === settled.setlId)?.mdtrtId, mdtrtId);
    assertNothingOpen(rig.platform);
  });

  it('a walk-away from a stay the HIS admitted takes back only the discharge: the stay stays the HIS’s', async () => {
    const b = freshBill();
    const mdtrtId = await admitAsTheHis(b);
    const id = engine.open({ service: 'discharge', person, bill: { ...b, mdtrtId }, usePersonalAccount: true });
    await engine.pump(id);
    await engine.cancel(id);
    await engine.pump(id);
    assert.deepEqual(calls(id), ['2402:done', '2303:done', '2405:done']);
    const stay = stayOf(id);
    assert.equal(stay?.status, 'open', 'admitted, as the HIS left it');
    assert.ok(stay?.fees.every((f) => f.state === 'unsettled'), 'its fee lines are the HIS’s');
    assertNothingOpen(rig.platform, new Set([mdtrtId]));

    // 中途结算 on the same stay: the HIS marks the bill so; settled without a discharge, the stay stays open.
    const mid = engine.open({ service: 'discharge', person, bill: { ...b, billId: `${b.billId}-MID`, mdtrtId, midSettlement: true }, usePersonalAccount: true });
    assert.equal((await engine.pump(mid)).state, 'awaiting-confirm');
    const midSettled = await engine.confirm(mid);
    assert.equal(midSettled.state, 'settled');
    assert.deepEqual(calls(mid), ['2303:done', '2304:done']);
    assert.equal((rig.journal.callsOf(mid).at(-1)?.input as { data: { mid_setl_flag: string } }).data.mid_setl_flag, '1');
    assert.equal(rig.platform.ledger().settlements.find((s) => s.setlId === midSettled.setlId)?.midSetl, true);
    assert.equal(stayOf(mid)?.status, 'open', 'the patient stays in hospital');
  });

  it('a terminal whose HIS admits on the platform refuses a discharge bill without the stay’s mdtrt_id', () => {
    const strict = createSettlementEngine({ journal: rig.journal, platform: rig.client, hisRegistersAdmissions: true });
    assert.throws(() => strict.open({ service: 'discharge', person, bill: freshBill(), usePersonalAccount: true }), (e: unknown) => e instanceof BillTakenError && e.code === 'bill-not-admitted');
  });
});
