// Issue 11 item 3, "a visit nobody finishes": a visit left at the confirm step (the patient walked
// away; the terminal restarted) is cancelled after settlement.stepTimeoutMs by the replay worker, its
// fee lines and registration undone on the platform (2205, 2202), its bill free again; and the admin
// queue lists every non-final state, awaiting-confirm included, with its age.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BillTakenError, createSettlementEngine } from './engine';
import { createReplayWorker } from './replay-worker';
import { startSettlementRig, type SettlementRig } from '../testing/settlement.testkit';
import { createAdmin } from '../staff/admin';
import type { HisBill } from '../his/client';
import type { VisitPerson } from './calls';

describe('issue 11 item 3: an unconfirmed visit is cancelled and undone after its timeout', () => {
  let rig: SettlementRig;
  let person: VisitPerson;
  let bill: HisBill;
  let billNo = 0;

  before(async () => {
    rig = await startSettlementRig();
    person = await rig.person('employee');
    bill = (await rig.hisBills(person.idNo))[0]!;
  });
  after(() => rig.close());

  const freshBill = (): HisBill => {
    const billId = `${bill.billId}-W${++billNo}`;
    return { ...bill, billId, items: bill.items.map((i) => ({ ...i, feedetlSn: `${billId}-${i.feedetlSn}` })) };
  };
  const onPlatform = (id: string) => {
    const mdtrtId = rig.journal.settlement(id)?.mdtrtId;
    const visit = rig.platform.ledger().visits.find((v) => v.mdtrtId === mdtrtId);
    return { visit: visit?.status, fees: [...new Set(visit?.fees.map((f) => f.state))] };
  };

  it('after a restart, the replay worker cancels the walk-away, undoes it on the platform, frees the bill, and admin saw it with its age', async () => {
    let clock = Date.now();
    const first = createSettlementEngine({ journal: rig.journal, platform: rig.client, random: () => 0, now: () => new Date(clock), stepTimeoutMs: 60_000 });
    const walkAway = freshBill();
    const id = first.open({ service: 'outpatient', person, bill: walkAway, usePersonalAccount: true });
    assert.equal((await first.pump(id)).state, 'awaiting-confirm');
    assert.throws(() => first.open({ service: 'outpatient', person, bill: walkAway, usePersonalAccount: true }), (err: unknown) => err instanceof BillTakenError && err.code === 'bill-in-progress', 'the bill is held while the patient decides');

    // The terminal restarts; time passes. Staff see the visit at the confirm step, with its age.
    const engine = createSettlementEngine({ journal: rig.journal, platform: rig.client, random: () => 0, now: () => new Date(clock), stepTimeoutMs: 60_000 });
    const replay = createReplayWorker({ engine, online: () => true, probe: () => Promise.resolve(true) });
    const admin = createAdmin({ journal: rig.journal, engine, replay, platform: rig.client, now: () => new Date(clock + 31_000) });
    const listed = admin.overview().queue.find((q) => q.settlementId === id);
    assert.equal(listed?.state, 'awaiting-confirm', 'awaiting-confirm is in the admin queue');
    assert.ok((listed?.ageSeconds ?? 0) >= 30);

    await replay.forceNow();
    assert.equal(engine.view(id).state, 'awaiting-confirm', 'within its timeout it is left alone');
    clock += 61_000;
    await replay.forceNow();
    assert.equal(engine.view(id).state, 'cancelled');
    assert.deepEqual(onPlatform(id), { visit: 'cancelled', fees: ['deleted'] }, 'registration and fee lines undone');
    assert.deepEqual(rig.journal.callsOf(id).slice(-2).map((c) => `${c.infno}:${c.status}`), ['2205:done', '2202:done']);
    assert.doesNotThrow(() => engine.open({ service: 'outpatient', person, bill: walkAway, usePersonalAccount: true }), 'the bill is free again');
  });
});
