// The rehearsal's simulated HIS: new bills under numbers never used, listed at once; a reset issues
// the fixture bills again and retires the old ones from the lists while a paid notice for them is
// still taken; and the commands are refused where no simulator runs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startHisSimulator, type HisSimulator } from './his/server';
import { createRehearsal } from './rehearsal';
import { executeRehearsal } from '../app/rehearsal-commands';

const fixturesDir = join(import.meta.dirname, '..', '..', 'fixtures');

async function post(his: HisSimulator, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(his.url + path, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
const pendingIds = async (his: HisSimulator, certno: string) =>
  ((await post(his, '/his/pending-bills', { certno })).json.bills as Array<{ billId: string }>).map((b) => b.billId);

describe('rehearsal on the simulated HIS', () => {
  let his: HisSimulator;
  before(async () => {
    his = await startHisSimulator({ fixturesDir });
  });
  after(() => his.close());

  it('issues a new bill of each kind for a demo person, under a fresh number, with the template total', async () => {
    const rehearsal = createRehearsal({ fixturesDir, his, mintEcQr: (key) => `EC:${key}` });
    const resident = '330106199203152348';
    const before = await pendingIds(his, resident);
    const reg = rehearsal.newBill('resident', 'registration')!;
    const dis = rehearsal.newBill('resident', 'discharge')!;
    assert.match(reg.billId, /^RGR[0-9A-Z]+$/);
    assert.equal(reg.bed, null);
    assert.match(dis.billId, /^IPR[0-9A-Z]+$/);
    assert.ok(dis.bed !== null && Number(dis.bed) > 40, 'a bed past the fixtures');
    assert.notEqual(reg.billId, rehearsal.newBill('resident', 'registration')!.billId, 'every bill has its own number');
    const after = await pendingIds(his, resident);
    assert.deepEqual(after.slice(0, before.length), before);
    assert.ok(after.includes(reg.billId) && after.includes(dis.billId));
    const fixtureRegistration = his.fixtureBills.find((b) => b.medType === '12')!;
    assert.equal(reg.totalFen, fixtureRegistration.items.reduce((s, i) => s + Math.round(Number(i.amount) * 100), 0));
    const ward = (await post(his, '/his/discharge-list', {})).json.inpatients as Array<{ billId: string; bed: string }>;
    assert.ok(ward.some((p) => p.billId === dis.billId && p.bed === dis.bed), 'the nurse sees the new bed');
    assert.equal(rehearsal.newBill('nobody', 'outpatient'), null);
  });

  it('resets: the fixture bills again under new numbers, the old ones off the lists but still known to a paid notice', async () => {
    const rehearsal = createRehearsal({ fixturesDir, his, mintEcQr: (key) => `EC:${key}` });
    const employee = '33010219800101123X';
    const [old] = await pendingIds(his, employee);
    assert.equal(old, 'OP202401150001');
    assert.equal(rehearsal.reset(), his.fixtureBills.length);
    const now = await pendingIds(his, employee);
    assert.equal(now.length, his.fixtureBills.filter((b) => b.certno === employee).length, 'only the fixture bills, newly numbered');
    assert.ok(!now.includes(old!));
    assert.equal((await post(his, `/his/bills/${old}/paid`, { setlId: 'S1', msgid: 'M1' })).status, 200, 'a visit replaying the old bill can still tell the HIS');
  });

  it('presents what each credential carries, and nothing for an unknown person', () => {
    const rehearsal = createRehearsal({ fixturesDir, his, mintEcQr: (key) => `EC:${key}` });
    assert.deepEqual(rehearsal.present('employee', 'ec-qr'), { kind: 'ec-qr', text: 'EC:employee' });
    const card = rehearsal.present('employee', 'ss-card');
    assert.ok(card?.kind === 'ss-card' && card.card.cardNo === 'A33010001' && card.card.idNo === '33010219800101123X');
    assert.equal(rehearsal.present('nobody', 'id-card'), null);
    assert.ok(rehearsal.people().every((p) => p.shows.zh !== p.key && p.shows.en !== p.key), 'every demo person says what they show');
  });

  it('is refused when the terminal talks to a real platform or HIS', async () => {
    const result = await executeRehearsal(
      { type: 'rehearsal.reset' },
      { rehearsal: null, session: {} as never, clearFaults: () => assert.fail('no faults to clear'), ok: () => assert.fail('not ok') },
    );
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.error.code === 'admin-refused');
  });
});
