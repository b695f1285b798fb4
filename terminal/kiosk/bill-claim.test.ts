// The claim keeper on its own: the HIS simulator's books in process, a journal reduced to its meta
// table and visit states, and the clock the test's. What it releases, keeps, forgets, and carries.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HisBooks, HisOrdersFixture } from '../sim/his/server';
import { HisError, type HisClaimAnswer, type HisClient } from '../his/client';
import { createBillClaims, openOnClaim } from './bill-claim';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const orders = HisOrdersFixture.parse(JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/his/orders.json', import.meta.url)), 'utf8')));
const BILL = 'OP202401150001';

function setup(opts: { down?: () => boolean } = {}) {
  let nowMs = Date.parse('2024-03-01T08:00:00Z');
  const books = new HisBooks(orders.bills, () => nowMs);
  const down = opts.down ?? (() => false);
  const answer = (a: { status: number; json: unknown }): HisClaimAnswer => {
    if (a.status === 200) return { kind: 'claimed', ...(a.json as { claimId: string; expiresAt: string }) };
    if (a.status === 409) return { kind: 'held', ...(a.json as { heldBy: string | null; expiresAt: string | null; paid: boolean }) };
    return a.status === 404 ? { kind: 'no-bill' } : { kind: 'lost' };
  };
  const guard = () => {
    if (down()) throw new HisError('HIS unreachable', null);
  };
  const paid: Array<{ billId: string; claimId?: string | undefined }> = [];
  const his: Pick<HisClient, 'claim' | 'renewClaim' | 'releaseClaim' | 'markPaid'> = {
    claim: async (billId, req) => (guard(), answer(books.claim(billId, req)) as Exclude<HisClaimAnswer, { kind: 'lost' }>),
    renewClaim: async (billId, req) => (guard(), answer(books.renewClaim(billId, req))),
    releaseClaim: async (billId, claimId) => {
      guard();
      books.releaseClaim(billId, claimId);
    },
    markPaid: async (billId, receipt) => {
      guard();
      paid.push({ billId, claimId: receipt.claimId });
      const a = books.markPaid(billId, receipt);
      if (a.status !== 200) throw new HisError(`HTTP ${a.status}`, a.status);
    },
  };
  const meta = new Map<string, string>();
  const states = new Map<string, string>();
  const journal = {
    metaValue: (k: string) => meta.get(k) ?? null,
    setMetaValue: (k: string, v: string) => void meta.set(k, v),
    settlement: (id: string) => (states.has(id) ? ({ state: states.get(id) } as never) : null),
  };
  const make = (terminalId = 'K1') => createBillClaims({ his, journal, terminalId, ttlSeconds: 120, holdSeconds: 86_400, now: () => new Date(nowMs) });
  return { books, his, journal, states, paid, make, advance: (ms: number) => (nowMs += ms) };
}

const pass = () => {
  const failed: string[] = [];
  return { failed, flow: { signal: new AbortController().signal, live: () => true, move: () => true, fail: (_e: unknown, code: string) => void failed.push(code), note: () => undefined } };
};

describe('the bill claim keeper', () => {
  it('opens a visit only on a claim; another terminal is refused with bill-claimed-elsewhere, this one with bill-in-progress', async () => {
    const t = setup();
    const k1 = t.make('K1');
    const k2 = t.make('K2');
    const p = pass();
    assert.equal(await openOnClaim(k1, p.flow as never, BILL, false, () => 'visit-1'), 'visit-1');
    assert.equal(t.books.claimOf(BILL)?.terminalId, 'K1');
    let opened = false;
    assert.equal(await openOnClaim(k2, p.flow as never, BILL, false, () => ((opened = true), 'visit-2')), null);
    assert.equal(opened, false, 'nothing opened without the claim');
    assert.equal(await openOnClaim(k1, p.flow as never, BILL, false, () => 'visit-3'), null);
    assert.deepEqual(p.failed, ['bill-claimed-elsewhere', 'bill-in-progress']);
    k1.close();
    k2.close();
  });

  it('releases the claim when the open is refused locally, and when the visit ends unpaid', async () => {
    const t = setup();
    const k = t.make();
    const p = pass();
    assert.equal(await openOnClaim(k, p.flow as never, BILL, false, () => null), null);
    await Promise.resolve();
    assert.equal(t.books.claimOf(BILL), null, 'a claim no visit took is released');
    await openOnClaim(k, p.flow as never, BILL, false, () => 'v1');
    k.onVisit({ id: 'v1', state: 'cancelled', billId: BILL });
    await new Promise((r) => setImmediate(r));
    assert.equal(t.books.claimOf(BILL), null);
    assert.deepEqual(k.held(), []);
    k.close();
  });

  it('the paid notice carries the claim; a closed visit forgets it', async () => {
    const t = setup();
    const k = t.make();
    await openOnClaim(k, pass().flow as never, BILL, false, () => 'v1');
    const claimId = k.claimIdFor(BILL);
    assert.ok(claimId);
    await k.paidNotice(t.his).markPaid(BILL, { setlId: 'S1', msgid: 'M1' });
    assert.deepEqual(t.paid, [{ billId: BILL, claimId }]);
    assert.equal(k.claimIdFor(BILL), undefined);
    k.close();
  });

  it('at confirm: extends to the long hold; a HIS that does not answer is settled on only with a margin left', async () => {
    let down = false;
    const t = setup({ down: () => down });
    const k = t.make();
    await openOnClaim(k, pass().flow as never, BILL, false, () => 'v1');
    assert.deepEqual(await k.holdForSettle(BILL), { ok: true, extended: true });
    assert.equal(t.books.claimOf(BILL)?.expiresAtMs, Date.parse('2024-03-01T08:00:00Z') + 86_400_000);
    k.close();

    const t2 = setup({ down: () => down });
    const k2 = t2.make();
    await openOnClaim(k2, pass().flow as never, BILL, false, () => 'v1');
    down = true;
    assert.deepEqual(await k2.holdForSettle(BILL), { ok: true, extended: false }, '120 s left: enough');
    t2.advance(100_000);
    assert.deepEqual(await k2.holdForSettle(BILL), { ok: false, code: 'his-unreachable' }, '20 s left: not enough');
    k2.close();
  });

  it('at confirm: a claim another terminal took after it lapsed refuses the settlement', async () => {
    const t = setup();
    const k1 = t.make('K1');
    await openOnClaim(k1, pass().flow as never, BILL, false, () => 'v1');
    t.advance(121_000);
    const k2 = t.make('K2');
    assert.equal(await openOnClaim(k2, pass().flow as never, BILL, false, () => 'v2'), 'v2');
    assert.deepEqual(await k1.holdForSettle(BILL), { ok: false, code: 'bill-claimed-elsewhere' });
    k1.close();
    k2.close();
  });

  it('after a restart: renews an open visit, releases one that ended unpaid or never opened, forgets a closed one', async () => {
    const t = setup();
    const k = t.make();
    const bills = ['OP202401150001', 'OP202401150002', 'OP202401150003', 'OP202401150005'];
    for (const [i, billId] of bills.slice(0, 3).entries()) await openOnClaim(k, pass().flow as never, billId, false, () => `v${i}`);
    // The fourth pass stopped (the terminal with it) between the claim and the visit.
    assert.equal((await k.take(bills[3]!, { offline: false })).kind, 'claimed');
    k.close();
    t.states.set('v0', 'awaiting-confirm').set('v1', 'cancelled').set('v2', 'closed');
    t.advance(60_000);
    const again = t.make();
    await again.resume();
    assert.equal(t.books.claimOf(bills[0]!)?.expiresAtMs, Date.parse('2024-03-01T08:00:00Z') + 60_000 + 120_000, 'renewed');
    assert.equal(t.books.claimOf(bills[1]!), null, 'released');
    assert.equal(t.books.claimOf(bills[3]!), null, 'a claim no visit took is released');
    assert.deepEqual(again.held().map((c) => c.billId), [bills[0]]);
    again.close();
  });
});
