// Issue 11 item 7, "a disk that fills between send and answer": the platform settled, the journal
// could not write the answer. The outbox never sends a row that is in flight (it is resolved by
// query), the engine stops new visits and says so ('journal-write-failed' with the SQLite error),
// and when writes work again the call is resolved by 5203, with the 2207 sent exactly once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSettlementEngine, JournalWriteFailedError, type SettlementEngine } from './engine';
import { platformSideOf, startSettlementRig, type SettlementRig } from '../testing/settlement.testkit';
import { AlreadyInFlightError, sendQueued } from '../outbox/outbox-send';
import type { HisBill } from '../his/client';
import type { VisitPerson } from './calls';

describe('issue 11 item 7: a journal write that fails after a send', () => {
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

  const freshBill = (): HisBill => {
    const billId = `${bill.billId}-D${++billNo}`;
    return { ...bill, billId, items: bill.items.map((i) => ({ ...i, feedetlSn: `${billId}-${i.feedetlSn}` })) };
  };
  const platformSide = (id: string) => platformSideOf(rig.platform.ledger(), rig.journal.callsOf(id).filter((c) => c.infno === '2201').map((c) => c.msgid));

  /** The disk fills once, as the answer to this infno is written. */
  function diskFullOnce(infno: string): () => void {
    const original = rig.journal.recordOutcome;
    let fired = false;
    rig.journal.recordOutcome = ((outcome: Parameters<typeof original>[0]) => {
      if (!fired && rig.journal.outboxRow(outcome.outboxId)?.infno === infno) {
        fired = true;
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }
      return original(outcome);
    }) as typeof original;
    return () => {
      rig.journal.recordOutcome = original;
    };
  }

  it('stops new visits, never resends the 2207, and resolves it by query when writes work again', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    assert.equal((await engine.pump(id)).state, 'awaiting-confirm');
    const restore = diskFullOnce('2207');
    try {
      await assert.rejects(engine.confirm(id), JournalWriteFailedError);
    } finally {
      restore();
    }
    assert.equal(platformSide(id).settled.length, 1, 'the platform settled');
    const health = engine.journalHealth();
    assert.equal(health.state, 'journal-write-failed');
    assert.match(health.error ?? '', /SQLITE_FULL/);
    assert.throws(() => engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true }), JournalWriteFailedError, 'no new visit');
    const settle = () => rig.journal.callsOf(id).find((c) => c.infno === '2207')!;
    assert.equal(settle().status, 'in-flight');
    // While the journal is unhealthy nothing is sent, whoever pumps.
    await engine.pump(id);
    assert.equal(settle().attempts, 1);
    // Writes work again: the probe clears the state; the pump resolves the 2207 by 5203.
    assert.equal(engine.probeJournal(), true);
    assert.equal(engine.journalHealth().state, 'ok');
    const view = await engine.pump(id);
    assert.equal(view.state, 'settled', JSON.stringify(rig.journal.events(id).slice(-3)));
    assert.equal(settle().attempts, 1, 'the 2207 was sent once: never again under its msgid');
    assert.deepEqual(rig.journal.callsOf(id).slice(-2).map((c) => `${c.infno}:${c.status}`), ['2207:done', '5203:done']);
    assert.equal(platformSide(id).settlements.length, 1);
  });

  it('a journal still being walked after the start takes no visit and sends nothing until the walk passes', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    const held = createSettlementEngine({ journal: rig.journal, platform: rig.client, random: () => 0, journalChecking: true });
    assert.equal(held.journalHealth().state, 'journal-checking');
    assert.throws(() => held.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true }), (err: unknown) => err instanceof JournalWriteFailedError && err.code === 'journal-checking');
    await held.pump(id);
    assert.equal(rig.journal.nextOpenCall(id)?.attempts, 0, 'the queued 2201 was not sent');
    assert.equal(held.probeJournal(), false, 'a write that works does not end the check');
    assert.equal(held.journalHealth().state, 'journal-checking');
    held.journalChecked({ ok: true });
    assert.equal(held.journalHealth().state, 'ok');
    assert.equal((await held.pump(id)).state, 'awaiting-confirm', 'sent once the walk passed');

    const damaged = createSettlementEngine({ journal: rig.journal, platform: rig.client, random: () => 0, journalChecking: true });
    damaged.journalChecked({ ok: false, message: 'the journal is damaged (page 7); npm run journal:restore' });
    assert.deepEqual({ ...damaged.journalHealth(), since: null }, { state: 'journal-damaged', error: 'the journal is damaged (page 7); npm run journal:restore', since: null });
    damaged.journalChecked({ ok: true });
    assert.equal(damaged.journalHealth().state, 'journal-damaged', 'only a walk under way can pass');
    assert.equal(damaged.probeJournal(), false);
    await assert.rejects(damaged.repayCreditByCode(id, 'code'), (err: unknown) => err instanceof JournalWriteFailedError && err.code === 'journal-damaged');
    await engine.cancel(id, 'test done');
  });

  it('the outbox refuses to send a row that is in flight', async () => {
    const id = engine.open({ service: 'outpatient', person, bill: freshBill(), usePersonalAccount: true });
    const row = rig.journal.nextOpenCall(id)!;
    rig.journal.markInFlight(row.id);
    await assert.rejects(sendQueued(rig.journal, rig.client, row), AlreadyInFlightError);
    await assert.rejects(sendQueued(rig.journal, rig.client, { ...row, status: 'pending' }), AlreadyInFlightError, 'the journal’s status decides, not a stale copy');
  });
});
