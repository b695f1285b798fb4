// The settlement engine against the real platform simulator with its faults: every visit ends
// settled exactly once or not at all, whatever the wire does, and the simulator's ledger says so.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BillTakenError, createSettlementEngine, type SettlementEngine } from './engine';
import { platformSideOf, startSettlementRig, type SettlementRig } from '../testing/settlement.testkit';
import type { HisBill } from '../his/client';
import type { VisitPerson } from './calls';

describe('settlement engine on the platform simulator', () => {
  let rig: SettlementRig;
  let engine: SettlementEngine;
  let person: VisitPerson;
  let bill: HisBill;
  let billNo = 0;

  before(async () => {
    rig = await startSettlementRig();
    engine = createSettlementEngine({ journal: rig.journal, platform: rig.client, random: () => 0 });
    person = await rig.person('employee');
    const bills = await rig.hisBills(person.idNo);
    assert.ok(bills[0]);
    bill = bills[0];
  });
  after(() => rig.close());

  /** Each visit gets its own bill number, so fee lines never collide across tests. */
  const freshBill = (): HisBill => {
    const billId = `${bill.billId}-T${++billNo}`;
    return { ...bill, billId, items: bill.items.map((i) => ({ ...i, feedetlSn: `${billId}-${i.feedetlSn}` })) };
  };
  const registrations = (id: string) => rig.journal.callsOf(id).filter((c) => c.infno === '2201').map((c) => c.msgid);
  const platformSide = (id: string) => platformSideOf(rig.platform.ledger(), registrations(id));

  it('settles a confirmed visit and shows the platform’s own split', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    const presettled = await engine.pump(id);
    assert.equal(presettled.state, 'awaiting-confirm');
    assert.equal(platformSide(id).settled.length, 0, 'pre-settlement commits nothing');
    const settled = await engine.confirm(id);
    assert.equal(settled.state, 'settled');
    const side = platformSide(id);
    assert.equal(side.settled.length, 1);
    assert.equal(settled.split?.totalFen, side.settled[0]!.split.medfeeSumamtFen);
    assert.equal(settled.split?.cashFen, side.settled[0]!.split.psnCashPayFen);
    assert.equal(settled.setlId, side.settled[0]!.setlId);
    await assert.rejects(engine.confirm(id), /expected one of awaiting-confirm/, 'a second confirm is refused');
    assert.equal(platformSide(id).settled.length, 1);
  });

  it('opens one live visit per bill: a second is refused while the first is being paid, and once it is paid', async () => {
    const once = freshBill();
    const id = engine.open({ service: 'outpatient', person, bill: once, usePersonalAccount: true });
    const refusedWith = (code: string) => (err: unknown) => err instanceof BillTakenError && err.code === code;
    assert.throws(() => engine.open({ service: 'outpatient', person, bill: once, usePersonalAccount: true }), refusedWith('bill-in-progress'));
    await engine.pump(id);
    await engine.confirm(id);
    assert.throws(() => engine.open({ service: 'outpatient', person, bill: once, usePersonalAccount: true }), refusedWith('bill-already-paid'));
    assert.equal(rig.journal.settlementsByBill(once.billId).length, 1);
    // A visit that ended without paying releases its bill.
    const other = freshBill();
    const cancelled = engine.open({ service: 'outpatient', person, bill: other, usePersonalAccount: true });
    await engine.pump(cancelled);
    await engine.cancel(cancelled);
    assert.doesNotThrow(() => engine.open({ service: 'outpatient', person, bill: other, usePersonalAccount: true }));
  });

  it('keeps a settlement whose answer was lost after commit: 5203 shows it, nothing is reversed or redone', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    assert.equal((await engine.pump(id)).state, 'awaiting-confirm');
    rig.platform.setFaults({ rules: [{ kind: 'reset-after-commit', infnos: ['2207'], count: 1 }] });
    const view = await engine.confirm(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'settled');
    const side = platformSide(id);
    assert.equal(side.settlements.length, 1, 'one settlement call reached the books, and it stands');
    assert.equal(side.settled.length, 1);
    assert.equal(view.setlId, side.settled[0]!.setlId);
    assert.equal(view.split?.cashFen, side.settled[0]!.split.psnCashPayFen);
    const calls = rig.journal.callsOf(id);
    assert.deepEqual(calls.map((c) => `${c.infno}:${c.status}`), ['2201:done', '2204:done', '2206:done', '2207:done', '5203:done']);
    assert.equal(view.settleMsgid, calls[3]!.msgid, 'the lost call is the settlement the HIS is told about');
    assert.match(calls[3]!.lastError ?? '', /connection/, 'the lost answer stays on record');
  });

  it('reverses and redoes a settlement that never reached the platform, after 5203 finds none', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    await engine.pump(id);
    rig.platform.setFaults({ rules: [{ kind: 'reset-before', infnos: ['2207'], count: 1 }] });
    const view = await engine.confirm(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'settled');
    assert.equal(platformSide(id).settled.length, 1);
    assert.deepEqual(
      rig.journal.callsOf(id).map((c) => `${c.infno}:${c.status}`),
      ['2201:done', '2204:done', '2206:done', '2207:superseded', '5203:rejected', '2601:rejected', '2207:done'],
    );
  });

  it('hands an unknown settlement to staff with the reason when neither query nor reversal answers in time', async () => {
    let clock = Date.now();
    const timed = createSettlementEngine({ journal: rig.journal, platform: rig.client, random: () => 0, now: () => new Date(clock), unknownOutcomeDeadlineMs: 60_000 });
    const id = timed.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    await timed.pump(id);
    rig.platform.setFaults({ rules: [{ kind: 'reset-after-commit', infnos: ['2207'], count: 1 }, { kind: 'reset-before', infnos: ['5203', '2601'] }] });
    const waiting = await timed.confirm(id);
    assert.equal(waiting.state, 'query-pending', 'within the deadline it keeps asking');
    clock += 61_000;
    const stuck = await timed.pump(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(stuck.state, 'needs-staff');
    assert.match(rig.journal.events(id).at(-1)?.note ?? '', /outcome still unknown after \d+ s \(deadline 60 s\): 5203 unanswered/);
    assert.equal(rig.journal.callsOf(id).at(-1)?.status, 'dead');
    assert.equal(platformSide(id).settled.length, 1, 'the settlement stands on the platform; staff are told, nothing is redone');
    // Staff retry the query with the platform back: it finds the settlement and keeps it.
    const retried = await timed.retryByStaff(id, 'platform back');
    assert.equal(retried.state, 'settled');
    assert.equal(platformSide(id).settled.length, 1);
  });

  it('reverses a registration that timed out after commit, then registers again', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    rig.platform.setFaults({ rules: [{ kind: 'timeout', infnos: ['2201'], count: 1, afterCommit: true }] });
    const view = await engine.pump(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'awaiting-confirm');
    const visits = platformSide(id).visits;
    assert.deepEqual(visits.map((v) => v.status).sort(), ['open', 'reversed']);
  });

  it('redoes a step the platform never received, after the reversal finds nothing to undo', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    rig.platform.setFaults({ rules: [{ kind: 'reset-before', infnos: ['2201'], count: 1 }] });
    const view = await engine.pump(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'awaiting-confirm');
    assert.equal(platformSide(id).visits.length, 1, 'one registration reached the platform');
    assert.equal(rig.journal.callsOf(id).find((c) => c.infno === '2601')?.status, 'rejected');
  });

  it('marks a settlement the platform refuses as failed, with nothing settled', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    await engine.pump(id);
    rig.platform.setFaults({ rules: [{ kind: 'wrong-infcode', infcode: -1, errMsg: '结算失败', infnos: ['2207'], count: 1 }] });
    const view = await engine.confirm(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'failed');
    assert.equal(platformSide(id).settled.length, 0);
  });

  it('issue 11 item 1: a 2207 committed and answered infcode 2 (交易处理中) is asked about, kept settled, never failed', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    await engine.pump(id);
    rig.platform.setFaults({ rules: [{ kind: 'wrong-infcode', infcode: 2, errMsg: '交易处理中，请稍后查询', afterCommit: true, infnos: ['2207'], count: 1 }] });
    const view = await engine.confirm(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'settled', JSON.stringify(rig.journal.events(id).slice(-3)));
    const side = platformSide(id);
    assert.equal(side.settlements.length, 1, 'the committed settlement was kept, not reversed and redone');
    assert.equal(view.setlId, side.settled[0]!.setlId);
    assert.deepEqual(rig.journal.callsOf(id).slice(-2).map((c) => `${c.infno}:${c.status}`), ['2207:done', '5203:done']);
    assert.ok(!rig.journal.events(id).some((e) => e.to_state === 'failed'));
  });

  it('issue 11 item 1: an ended visit whose undo is refused as settled (2202 "就诊已结算") is asked about and kept settled', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    await engine.pump(id);
    // A settlement the terminal took for a refusal (as an older terminal did with infcode 2): the
    // visit failed, and its undo calls meet a settled visit.
    rig.platform.setFaults({ rules: [{ kind: 'wrong-infcode', infcode: -1, errMsg: '结算失败', afterCommit: true, infnos: ['2207'], count: 1 }] });
    await engine.confirm(id);
    rig.platform.setFaults({ rules: [] });
    const view = await engine.pump(id);
    assert.deepEqual(rig.journal.events(id).map((e) => e.to_state).slice(-3), ['failed', 'query-pending', 'settled']);
    assert.equal(view.state, 'settled', JSON.stringify(rig.journal.events(id).slice(-4)));
    assert.equal(platformSide(id).settled.length, 1);
    assert.deepEqual(rig.journal.callsOf(id).slice(-3).map((c) => `${c.infno}:${c.status}`), ['2205:rejected', '2202:rejected', '5203:done']);
    assert.equal(view.settleMsgid, rig.journal.callsOf(id).find((c) => c.infno === '2207')?.msgid);
  });

  it('waits while the platform is down, then finishes the visit exactly once', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    await engine.pump(id);
    rig.platform.setFaults({ rules: [{ kind: 'reset-before' }] });
    const waiting = await engine.confirm(id);
    assert.notEqual(waiting.state, 'settled');
    assert.ok(engine.visitsWithQueuedCalls().includes(id), 'the visit stays queued');
    rig.platform.setFaults({ rules: [] });
    const done = await engine.pump(id);
    assert.equal(done.state, 'settled');
    assert.equal(platformSide(id).settled.length, 1);
  });

  it('settles a visit captured offline without asking again', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true, deferred: true });
    const view = await engine.pump(id);
    assert.equal(view.state, 'settled');
    assert.equal(view.deferred, true);
    assert.equal(platformSide(id).settled.length, 1);
  });

  it('turns a read that never gets an answer into a dead letter, which staff can retry', async () => {
    const deadEngine = createSettlementEngine({ journal: rig.journal, platform: rig.client, maxAttempts: 2, random: () => 0 });
    const id = deadEngine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    rig.platform.setFaults({ rules: [{ kind: 'http-5xx', infnos: ['2206'] }] });
    const stuck = await deadEngine.pump(id, { inlineRetries: 5 });
    assert.equal(stuck.state, 'needs-staff');
    assert.equal(rig.journal.callsOf(id).at(-1)?.status, 'dead');
    rig.platform.setFaults({ rules: [] });
    const retried = await deadEngine.retryByStaff(id, 'network fixed');
    assert.equal(retried.state, 'awaiting-confirm');
    assert.match(rig.journal.events(id).map((e) => e.note ?? '').join('|'), /staff retry: network fixed/);
  });

  it('settles a discharge on one bill (一单式): the 51,423.22-yuan case, through a lost 2304 answer', async () => {
    const patient = await rig.person('cross-province-inpatient');
    const [discharge] = await rig.hisBills(patient.idNo);
    assert.ok(discharge && discharge.medType === '21');
    const id = engine.open({ service: 'discharge', person: patient, bill: discharge, usePersonalAccount: false });
    const pre = await engine.pump(id);
    assert.equal(pre.state, 'awaiting-confirm', JSON.stringify(pre));
    rig.platform.setFaults({ rules: [{ kind: 'reset-after-commit', infnos: ['2304'], count: 1 }] });
    const view = await engine.confirm(id);
    rig.platform.setFaults({ rules: [] });
    assert.equal(view.state, 'settled');
    // 51,423.22 = basic fund 34,550.22 + critical illness 4,125.80 + cash 12,747.20
    assert.deepEqual(
      [view.split?.totalFen, view.split?.basicFundFen, view.split?.criticalIllnessFen, view.split?.cashFen],
      [5_142_322, 3_455_022, 412_580, 1_274_720],
    );
    assert.deepEqual(
      rig.journal.callsOf(id).map((c) => `${c.infno}:${c.status}`),
      ['2401:done', '2301:done', '2402:done', '2303:done', '2304:done', '5203:done'],
    );
    const onPlatform = rig.platform.ledger().settlements.filter((s) => s.psnNo === patient.psnNo);
    assert.deepEqual(onPlatform.map((s) => s.status), ['settled'], '5203 found the lost 2304: nothing reversed');
  });

  it('after a crash, treats a settlement left in flight as unknown and asks the platform before anything else', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    await engine.pump(id);
    // The crash: the patient confirmed, the call was marked in flight and committed, the answer never recorded.
    rig.journal.transition({ settlementId: id, from: ['awaiting-confirm'], to: 'settle-pending', call: { step: 'settle', infno: '2207', input: rig.journal.callsOf(id).at(-1)!.input, insuplcAdmdvs: person.insuplcAdmdvs } });
    const row = rig.journal.callsOf(id).at(-1)!;
    rig.journal.markInFlight(row.id);
    const sent = await rig.client.call({ infno: '2207', msgid: row.msgid, input: row.input, insuplcAdmdvs: row.insuplcAdmdvs ?? undefined });
    assert.equal(sent.kind, 'ok', JSON.stringify(sent));
    const journal = rig.reopenJournal();
    const restarted = createSettlementEngine({ journal, platform: rig.client });
    assert.equal(restarted.recoverInFlight(), 1);
    const view = await restarted.pump(id);
    assert.equal(view.state, 'settled');
    engine = createSettlementEngine({ journal, platform: rig.client, random: () => 0 });
    const side = platformSide(id);
    assert.equal(side.settled.length, 1);
    assert.equal(side.settlements.length, 1, 'the committed one was kept, not reversed and redone');
    assert.deepEqual(journal.callsOf(id).slice(-2).map((c) => `${c.infno}:${c.status}`), ['2207:done', '5203:done']);
  });
});
