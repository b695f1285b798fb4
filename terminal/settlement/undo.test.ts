// A visit that ends unpaid leaves nothing on the platform: the patient cancels at the confirm step,
// staff cancel a stuck visit, or the platform refuses the settlement, and the visit's fee lines
// (2205, chrg_bchno "0000") and registration (2202) are taken back through the outbox, once each,
// as the simulator's ledger shows.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSettlementEngine, type SettlementEngine } from './engine';
import { startSettlementRig, type SettlementRig } from '../testing/settlement.testkit';
import { assertNothingOpen } from '../testing/open-things.testkit';
import type { HisBill } from '../his/client';
import type { VisitPerson } from './calls';

describe('undoing what an unpaid visit left on the platform', () => {
  let rig: SettlementRig;
  let engine: SettlementEngine;
  let person: VisitPerson;
  let bill: HisBill;
  let billNo = 0;

  before(async () => {
    rig = await startSettlementRig();
    engine = createSettlementEngine({ journal: rig.journal, platform: rig.client, random: () => 0 });
    person = await rig.person('employee');
    bill = (await rig.hisBills(person.idNo))[0]!;
  });
  after(() => rig.close());

  const freshBill = (): HisBill => {
    const billId = `${bill.billId}-U${++billNo}`;
    return { ...bill, billId, items: bill.items.map((i) => ({ ...i, feedetlSn: `${billId}-${i.feedetlSn}` })) };
  };
  /** The platform's books for this visit: its registration's status and its fee lines' states. */
  const onPlatform = (id: string) => {
    const mdtrtId = rig.journal.settlement(id)?.mdtrtId;
    const ledger = rig.platform.ledger();
    const visit = ledger.visits.find((v) => v.mdtrtId === mdtrtId);
    return { visit: visit?.status, fees: [...new Set(visit?.fees.map((f) => f.state))], settled: ledger.settlements.filter((s) => s.mdtrtId === mdtrtId && s.status === 'settled').length };
  };
  const calls = (id: string) => rig.journal.callsOf(id).map((c) => `${c.infno}:${c.status}`);

  it('a patient who cancels at the confirm step: fee lines deleted, registration cancelled', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    assert.equal((await engine.pump(id)).state, 'awaiting-confirm');
    assert.deepEqual(onPlatform(id), { visit: 'open', fees: ['unsettled'], settled: 0 }, 'before: an open visit with unsettled lines');
    assert.equal((await engine.cancel(id)).state, 'cancelled');
    // Queued with the cancel, sent by whoever pumps next (the replay worker in the terminal).
    assert.deepEqual(engine.visitsWithQueuedCalls(), [id]);
    await engine.pump(id);
    assert.deepEqual(onPlatform(id), { visit: 'cancelled', fees: ['deleted'], settled: 0 });
    assert.deepEqual(calls(id), ['2201:done', '2204:done', '2206:done', '2205:done', '2202:done']);
    assert.equal(engine.view(id).state, 'cancelled');
    assertNothingOpen(rig.platform);
  });

  it('a settlement the platform refuses: the visit fails and takes back its lines and registration at once', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    await engine.pump(id);
    rig.platform.setFaults({ rules: [{ kind: 'wrong-infcode', infcode: -1, errMsg: '结算失败', infnos: ['2207'], count: 1 }] });
    const view = await engine.confirm(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'failed');
    assert.deepEqual(onPlatform(id), { visit: 'cancelled', fees: ['deleted'], settled: 0 });
    assert.deepEqual(calls(id).slice(-3), ['2207:rejected', '2205:done', '2202:done']);
  });

  it('a lost answer to the undo is resent under the same msgid: one 2202, and it took effect once', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    await engine.pump(id);
    await engine.cancel(id);
    rig.platform.setFaults({ rules: [{ kind: 'reset-after-commit', infnos: ['2202'], count: 1 }] });
    await engine.pump(id, { inlineRetries: 3 });
    rig.platform.setFaults({ rules: [] });
    const cancels = rig.journal.callsOf(id).filter((c) => c.infno === '2202');
    assert.equal(cancels.length, 1);
    assert.equal(cancels[0]?.status, 'done');
    assert.equal(cancels[0]?.attempts, 2, 'sent twice under its one msgid');
    assert.deepEqual(onPlatform(id), { visit: 'cancelled', fees: ['deleted'], settled: 0 });
  });

  it('a staff cancel of a visit whose settlement outcome is unknown reverses, then ends cancelled and undone (not redone)', async () => {
    let clock = Date.now();
    const timed = createSettlementEngine({ journal: rig.journal, platform: rig.client, random: () => 0, now: () => new Date(clock), unknownOutcomeDeadlineMs: 1_000 });
    const id = timed.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    await timed.pump(id);
    rig.platform.setFaults({ rules: [{ kind: 'reset-before', infnos: ['2207', '5203'] }] });
    await timed.confirm(id);
    clock += 2_000;
    assert.equal((await timed.pump(id)).state, 'needs-staff');
    rig.platform.setFaults({ rules: [] });
    const view = await timed.cancelByStaff(id, 'patient left');
    assert.equal(view.state, 'cancelled', JSON.stringify(rig.journal.events(id).slice(-3)));
    assert.deepEqual(onPlatform(id), { visit: 'cancelled', fees: ['deleted'], settled: 0 });
    assert.deepEqual(calls(id).slice(-4), ['5203:dead', '2601:rejected', '2205:done', '2202:done']);
    assert.equal(calls(id).filter((c) => c.startsWith('2207')).length, 1, 'the settlement was not redone');
  });

  it('a staff cancel of a dead letter takes back what the visit left', async () => {
    const dead = createSettlementEngine({ journal: rig.journal, platform: rig.client, maxAttempts: 1, random: () => 0 });
    const id = dead.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    rig.platform.setFaults({ rules: [{ kind: 'http-5xx', infnos: ['2206'] }] });
    assert.equal((await dead.pump(id, { inlineRetries: 2 })).state, 'needs-staff');
    rig.platform.setFaults({ rules: [] });
    assert.equal((await dead.cancelByStaff(id, 'bill changed')).state, 'cancelled');
    assert.deepEqual(onPlatform(id), { visit: 'cancelled', fees: ['deleted'], settled: 0 });
  });

  it('leaves no open registration or unsettled line behind any visit of this run', () => {
    const ledger = rig.platform.ledger();
    const mine = rig.journal.settlementsIn(['cancelled', 'failed']).map((s) => s.mdtrtId);
    const left = ledger.visits.filter((v) => mine.includes(v.mdtrtId) && (v.status === 'open' || v.fees.some((f) => f.state === 'unsettled')));
    assert.equal(mine.length, 5);
    assert.deepEqual(left, []);
  });
});
