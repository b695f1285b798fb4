// An offline capture waits (hours, maybe) for the platform with its bill claimed at the HIS. Before
// the replay sends its 2207 the claim is renewed: a bill the HIS gave to someone else meanwhile (the
// cashier, another kiosk after the claim was broken) is not paid a second time; the visit goes to
// staff with the 2207 unsent. A claim still ours settles as before. Real journal, engine, platform
// simulator and HIS simulator over HTTP, with the claim keeper start-terminal wires.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSettlementEngine, type SettlementEngine } from '../../terminal/settlement/engine';
import { fixturesDir, startSettlementRig, type SettlementRig } from '../../terminal/testing/settlement.testkit';
import { createHisClient, type HisBill, type HisClient } from '../../terminal/his/client';
import { startHisSimulator, type HisSimulator } from '../../terminal/sim/his/server';
import { createBillClaims, type BillClaims } from '../../terminal/kiosk/bill-claim';
import type { VisitPerson } from '../../terminal/settlement/calls';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

describe("an offline capture's bill is claimed again before its 2207", () => {
  const open = nothingOpenAfterEach();
  let rig: SettlementRig;
  let hisSim: HisSimulator;
  let his: HisClient;
  let claims: BillClaims;
  let engine: SettlementEngine;

  before(async () => {
    rig = await startSettlementRig();
    open.track(rig.platform);
    hisSim = await startHisSimulator({ fixturesDir });
    his = createHisClient({ baseUrl: hisSim.url, timeoutMs: 10_000 });
    claims = createBillClaims({ his, journal: rig.journal, terminalId: 'KIOSK-1', ttlSeconds: 120, holdSeconds: 86_400 });
    engine = createSettlementEngine({ journal: rig.journal, platform: rig.client, his: claims.paidNotice(his), deferredSettleGuard: (billId) => claims.deferredSettle(billId), onChange: (v) => claims.onVisit(v), random: () => 0 });
  });
  after(async () => {
    claims.close();
    await hisSim.close();
    await rig.close();
  });

  /** The capture as the kiosk makes it while the platform is away: claimed with the long hold, then opened deferred. */
  async function capture(key: string): Promise<{ id: string; bill: HisBill; person: VisitPerson }> {
    const person = await rig.person(key);
    const bill = (await his.pendingBills(person.idNo))[0];
    assert.ok(bill, `a bill for ${key}`);
    const taken = await claims.take(bill.billId, { offline: true });
    assert.equal(taken.kind, 'claimed');
    const id = engine.open({ service: 'outpatient', person, bill, usePersonalAccount: true, deferred: true });
    claims.attach(bill.billId, id);
    return { id, bill, person };
  }
  const sentSettlements = (id: string) => rig.journal.callsOf(id).filter((c) => c.infno === '2207' && c.status !== 'dead');

  it('a bill paid at the cashier while the capture waited: the visit goes to staff and no 2207 is sent', async () => {
    const { id, bill, person } = await capture('employee');
    // Sent to staff on purpose with the registration and its fee lines on the platform: staff give
    // the visit up from the staff screen (2205, 2202), which this scenario does not go on to.
    const toStaff = 'the capture went to staff, its bill paid at the cashier; staff cancel it';
    open.expect({ kind: 'registration', psnNo: person.psnNo, reason: toStaff });
    open.expect({ kind: 'fee-line', psnNo: person.psnNo, count: bill.items.length, reason: toStaff });
    // The cashier's HIS breaks the kiosk's claim and takes the money at the window.
    const ours = claims.held().find((c) => c.billId === bill.billId);
    assert.ok(ours);
    await his.releaseClaim(bill.billId, ours.claimId);
    const cashier = await his.claim(bill.billId, { terminalId: 'CASHIER-3', visitId: 'window-visit', ttlSeconds: 600 });
    assert.equal(cashier.kind, 'claimed');
    await his.markPaid(bill.billId, { setlId: 'S-CASHIER-1', msgid: 'CASHIER-1', ...(cashier.kind === 'claimed' ? { claimId: cashier.claimId } : {}) });

    // The platform is back: the replay pumps the capture.
    const after = await engine.pump(id, { respectBackoff: true });
    assert.equal(after.state, 'needs-staff', after.lastError ?? '');
    assert.deepEqual(sentSettlements(id), [], 'the 2207 never left');
    assert.match(rig.journal.events(id).at(-1)?.note ?? '', /no longer this visit's \(bill-already-paid\)/);
    const mdtrtId = rig.journal.settlement(id)?.mdtrtId;
    assert.ok(mdtrtId, 'registered and fees uploaded before the check');
    assert.equal(rig.platform.ledger().settlements.filter((s) => s.status === 'settled' && s.mdtrtId === mdtrtId).length, 0, 'nothing settled for this visit');
    assert.equal(hisSim.paidBills().find((p) => p.billId === bill.billId)?.setlId, 'S-CASHIER-1', 'the HIS keeps the cashier’s payment');
  });

  it('a bill still claimed by the capture settles, and the HIS hears under that claim', async () => {
    const { id, bill } = await capture('resident');
    const after = await engine.pump(id, { respectBackoff: true });
    assert.equal(after.state, 'settled', after.lastError ?? '');
    assert.equal(sentSettlements(id).length, 1);
    assert.equal((await engine.notifyHis(id)).state, 'closed');
    assert.equal(hisSim.paidBills().find((p) => p.billId === bill.billId)?.setlId, after.setlId);
  });
});
