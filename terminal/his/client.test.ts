import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startHisSimulator, type HisSimulator } from '../sim/his/server';
import { createHisClient, HisError } from './client';

const fixturesDir = fileURLToPath(new URL('../../fixtures', import.meta.url));
const EMPLOYEE = '33010219800101123X';
const MEDICAL_AID = '330105195809204566';
const CROSS_PROVINCE_INPATIENT = '51010719660412351X';

describe('HIS client against the HIS simulator', () => {
  let sim: HisSimulator;
  before(async () => {
    sim = await startHisSimulator({ fixturesDir });
  });
  after(() => sim.close());

  it('reads the employee outpatient bill in fen with classes 01/02/03', async () => {
    const his = createHisClient({ baseUrl: sim.url, timeoutMs: 10_000 });
    const bills = await his.pendingBills(EMPLOYEE);
    assert.equal(bills.length, 1);
    const bill = bills[0]!;
    assert.equal(bill.billId, 'OP202401150001');
    assert.equal(bill.totalFen, 20_000);
    assert.deepEqual(bill.items.map((i) => i.itemClass), ['01', '01', '02', '03']);
    assert.equal(bill.items[2]?.unitPriceFen, 4_000);
    assert.equal(bill.items[2]?.amountFen, 12_000);
  });

  it('reads the inpatient bills to the fen, the discharge case of INSURANCE-API.md included', async () => {
    const his = createHisClient({ baseUrl: sim.url, timeoutMs: 10_000 });
    const [aid] = await his.pendingBills(MEDICAL_AID);
    assert.equal(aid?.medType, '21');
    assert.equal(aid?.totalFen, 5_200_000);
    const [discharge] = await his.pendingBills(CROSS_PROVINCE_INPATIENT);
    assert.equal(discharge?.totalFen, 5_142_322, '51,423.22 yuan, not 51,413.22');
    assert.equal(discharge?.items.reduce((s, i) => s + i.amountFen, 0), 5_142_322);
  });

  it('a paid bill is no longer pending; the notice is idempotent; another settlement conflicts', async () => {
    const his = createHisClient({ baseUrl: sim.url, timeoutMs: 10_000 });
    await his.markPaid('OP202401150002', { setlId: 'S1', msgid: 'M1' });
    await his.markPaid('OP202401150002', { setlId: 'S1', msgid: 'M1' });
    assert.deepEqual(await his.pendingBills('330106199203152348'), []);
    assert.deepEqual(sim.paidBills(), [{ billId: 'OP202401150002', setlId: 'S1', msgid: 'M1' }]);
    await assert.rejects(his.markPaid('OP202401150002', { setlId: 'S2', msgid: 'M2' }), (e: unknown) => e instanceof HisError && e.status === 409);
    await assert.rejects(his.markPaid('NOPE', { setlId: 'S1', msgid: 'M1' }), (e: unknown) => e instanceof HisError && e.status === 404);
  });

  it('an unknown person has no bills; an unreachable HIS is a HisError', async () => {
    const his = createHisClient({ baseUrl: sim.url, timeoutMs: 10_000 });
    assert.deepEqual(await his.pendingBills('110101199001010000'), []);
    const dead = createHisClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 });
    await assert.rejects(dead.pendingBills(EMPLOYEE), (e: unknown) => e instanceof HisError && e.status === null);
  });
});

describe('HIS client: a bill by id and the discharge list', () => {
  let sim: HisSimulator;
  before(async () => {
    sim = await startHisSimulator({ fixturesDir });
  });
  after(() => sim.close());

  it('finds one bill by id with its doctor and total, and says when the HIS has none', async () => {
    const his = createHisClient({ baseUrl: sim.url, timeoutMs: 10_000 });
    const found = await his.bill('OP202401150001');
    assert.equal(found?.paid, false);
    assert.equal(found?.bill.totalFen, 20_000);
    assert.equal(found?.bill.drName, '模拟医生甲');
    assert.ok(!JSON.stringify(found).includes(EMPLOYEE), 'the bill by id does not say whose it is');
    assert.equal(await his.bill('NO-SUCH-BILL'), null);
  });

  it('lists the inpatients awaiting discharge by ward, and drops a bill once it is paid', async () => {
    const his = createHisClient({ baseUrl: sim.url, timeoutMs: 10_000 });
    const all = await his.dischargeList();
    assert.deepEqual(all.map((p) => p.billId).sort(), ['IP202401100004', 'IP202401100006']);
    const aid = all.find((p) => p.billId === 'IP202401100004');
    assert.equal(aid?.totalFen, 5_200_000);
    assert.equal(aid?.bed, '12');
    const ward = await his.dischargeList('W08');
    assert.deepEqual(ward.map((p) => p.billId), ['IP202401100006']);
    await his.markPaid('IP202401100006', { setlId: 'S1', msgid: 'M1' });
    assert.deepEqual((await his.dischargeList()).map((p) => p.billId), ['IP202401100004']);
    assert.equal((await his.bill('IP202401100006'))?.paid, true);
  });
});

describe('HIS client: claims (one bill, one payment across terminals)', () => {
  let sim: HisSimulator;
  let offsetMs = 0;
  before(async () => {
    sim = await startHisSimulator({ fixturesDir, now: () => new Date(Date.parse('2024-03-01T08:00:00Z') + offsetMs) });
  });
  after(() => sim.close());
  const BILL = 'OP202401150001';

  it('grants one claim; refuses another visit with who holds it; the same visit asking again gets the same claim', async () => {
    const his = createHisClient({ baseUrl: sim.url, timeoutMs: 10_000 });
    const first = await his.claim(BILL, { terminalId: 'K1', visitId: 'v1', ttlSeconds: 120 });
    assert.equal(first.kind, 'claimed');
    assert.ok(first.kind === 'claimed' && first.expiresAt === '2024-03-01T08:02:00.000Z');
    const retry = await his.claim(BILL, { terminalId: 'K1', visitId: 'v1', ttlSeconds: 120 });
    assert.ok(first.kind === 'claimed' && retry.kind === 'claimed' && retry.claimId === first.claimId, 'a lost answer retried is the same claim');
    assert.deepEqual(await his.claim(BILL, { terminalId: 'K2', visitId: 'v2', ttlSeconds: 120 }), { kind: 'held', heldBy: 'K1', expiresAt: '2024-03-01T08:02:00.000Z', paid: false });
    assert.deepEqual(await his.claim('NOPE', { terminalId: 'K2', visitId: 'v2', ttlSeconds: 120 }), { kind: 'no-bill' });
    // A paid notice under no claim, or another's, is refused while the claim holds.
    await assert.rejects(his.markPaid(BILL, { setlId: 'S9', msgid: 'M9' }), (e: unknown) => e instanceof HisError && e.status === 409);
    await assert.rejects(his.markPaid(BILL, { setlId: 'S9', msgid: 'M9', claimId: 'CLM-other' }), (e: unknown) => e instanceof HisError && e.status === 409);
    // Released by its holder only: another claimId frees nothing.
    await his.releaseClaim(BILL, 'CLM-other');
    assert.equal(sim.claimOf(BILL)?.terminalId, 'K1');
    if (first.kind !== 'claimed') return;
    await his.releaseClaim(BILL, first.claimId);
    assert.equal(sim.claimOf(BILL), null);
    await his.releaseClaim(BILL, first.claimId);
    assert.deepEqual(await his.renewClaim(BILL, { claimId: first.claimId, ttlSeconds: 120 }), { kind: 'lost' }, 'a released claim is gone');
  });

  it('renews; lapses at its expiry; the lapsed holder gets it back only if nobody took it; the paid notice ends it', async () => {
    const his = createHisClient({ baseUrl: sim.url, timeoutMs: 10_000 });
    const a = await his.claim(BILL, { terminalId: 'K1', visitId: 'v3', ttlSeconds: 60 });
    assert.ok(a.kind === 'claimed');
    offsetMs += 50_000;
    const renewed = await his.renewClaim(BILL, { claimId: a.claimId, ttlSeconds: 60 });
    assert.ok(renewed.kind === 'claimed' && Date.parse(renewed.expiresAt) === Date.parse('2024-03-01T08:00:00Z') + offsetMs + 60_000);
    offsetMs += 61_000;
    assert.equal(sim.claimOf(BILL), null, 'lapsed');
    assert.equal((await his.renewClaim(BILL, { claimId: a.claimId, ttlSeconds: 60 })).kind, 'claimed', 'nobody took it: the holder has it back');
    offsetMs += 61_000;
    const b = await his.claim(BILL, { terminalId: 'K2', visitId: 'v4', ttlSeconds: 60 });
    assert.ok(b.kind === 'claimed', 'after the lapse another terminal takes it');
    assert.equal((await his.renewClaim(BILL, { claimId: a.claimId, ttlSeconds: 60 })).kind, 'held', 'the old holder is refused now');
    await assert.rejects(his.markPaid(BILL, { setlId: 'S1', msgid: 'M1', claimId: a.claimId }), (e: unknown) => e instanceof HisError && e.status === 409);
    await his.markPaid(BILL, { setlId: 'S2', msgid: 'M2', claimId: b.claimId });
    assert.equal(sim.claimOf(BILL), null, 'the paid notice ended the claim');
    assert.deepEqual(await his.claim(BILL, { terminalId: 'K1', visitId: 'v5', ttlSeconds: 60 }), { kind: 'held', heldBy: null, expiresAt: null, paid: true });
  });
});
