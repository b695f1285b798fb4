// The patient's lab and exam reports (POST /his/reports): listed newest first without the certno,
// an unknown person has none, a missing certno is refused, and an HIS that is away is an HisError.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startHisSimulator, type HisSimulator } from '../sim/his/server';
import { createHisClient, HisError } from './client';

const fixturesDir = fileURLToPath(new URL('../../fixtures', import.meta.url));
const EMPLOYEE = '33010219800101123X';

describe('HIS reports', () => {
  let sim: HisSimulator;
  before(async () => {
    sim = await startHisSimulator({ fixturesDir });
  });
  after(() => sim.close());

  it("lists the employee's reports newest first, ready or pending, without the certno", async () => {
    const res = await fetch(`${sim.url}/his/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ certno: EMPLOYEE }) });
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.doesNotMatch(body, new RegExp(EMPLOYEE));
    assert.ok(Array.isArray(JSON.parse(body)), 'a bare array');
    const reports = await createHisClient({ baseUrl: sim.url, timeoutMs: 10_000 }).reports(EMPLOYEE);
    assert.deepEqual(
      reports.map((r) => [r.reportId, r.status]),
      [
        ['EXM202401150007', 'pending'],
        ['LAB202401150031', 'ready'],
        ['LAB202401080112', 'ready'],
      ],
    );
    assert.deepEqual(reports[1], { reportId: 'LAB202401150031', name: '血常规', dept: '检验科', issuedAt: '2024-01-15 10:42:00', status: 'ready' });
  });

  it('has none for someone without reports and refuses a request without a certno', async () => {
    assert.deepEqual(await createHisClient({ baseUrl: sim.url, timeoutMs: 10_000 }).reports('110101199001011234'), []);
    const res = await fetch(`${sim.url}/his/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 400);
  });

  it('is an HisError when the HIS does not answer', async () => {
    const his = createHisClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 });
    await assert.rejects(his.reports(EMPLOYEE), HisError);
  });
});
