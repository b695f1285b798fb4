// Each injected fault against the real client: the client reports the right outcome class and the
// simulator's ledger says truthfully whether the settlement was committed, down to the person's
// personal-account balance and year-to-date totals (committed exactly once, or not at all).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createPlatformClient, type CallOutcome, type PlatformClient } from '../../insurance/client';
import { fenToYuan } from '../../common/money';
import { formatMsgid } from '../../insurance/msgid';
import { simEnvelopeContext as testContext } from './context';
import { FaultInjector } from './faults';
import { startPlatformSimulator, type PlatformSimulator } from './server';

const fixturesDir = fileURLToPath(new URL('../../../fixtures', import.meta.url));
// The employee has a personal account (2000.00), so a settlement moves money as well as totals.
const P = { psnNo: '33000000000000000101', insutype: '310', certNo: '33010219800101123X' };
let seq = 5000;
const msgid = () => formatMsgid('H33010000001', new Date(), ++seq);

function expectOk(o: CallOutcome): unknown {
  if (o.kind !== 'ok') assert.fail(`expected ok, got ${JSON.stringify(o).slice(0, 300)}`);
  return o.output;
}

describe('fault injection', () => {
  let sim: PlatformSimulator;
  let client: PlatformClient;
  let fast: PlatformClient;

  before(async () => {
    sim = await startPlatformSimulator({ fixturesDir, seed: 42 });
    client = createPlatformClient({ baseUrl: sim.url, context: testContext, timeoutMs: 5_000 });
    fast = createPlatformClient({ baseUrl: sim.url, context: testContext, timeoutMs: 250 });
  });
  after(() => sim.close());
  beforeEach(() => sim.setFaults({ rules: [] }));

  /** A registered visit with one uploaded fee line of 100.00, ready to settle. */
  async function readyVisit(): Promise<{ mdtrtId: string; settle: (c: PlatformClient, id: string) => Promise<CallOutcome> }> {
    const reg = expectOk(await client.call({ infno: '2201', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { psn_no: P.psnNo, insutype: P.insutype, begntime: '', mdtrt_cert_type: '02', mdtrt_cert_no: P.certNo, ipt_otp_no: 'x', atddr_no: '', dr_name: '', dept_code: '', dept_name: '', caty: '' } } })) as { data: { mdtrt_id: string } };
    const mdtrtId = reg.data.mdtrt_id;
    expectOk(await client.call({ infno: '2204', msgid: msgid(), insuplcAdmdvs: '330100', input: { feedetail: [{ feedetl_sn: 'L1', mdtrt_id: mdtrtId, psn_no: P.psnNo, chrg_bchno: 'B1', med_list_codg: '001101000010000-110100001', medins_list_codg: 'H1', det_item_fee_sumamt: 100, cnt: 1, pric: 100, fee_ocur_time: '2024-01-15 09:00:00', bilg_dept_codg: 'A', bilg_dr_codg: 'D' }] } }));
    const settle = (c: PlatformClient, id: string) => c.call({ infno: '2207', msgid: id, insuplcAdmdvs: '330100', input: { data: { psn_no: P.psnNo, mdtrt_cert_type: '02', mdtrt_cert_no: P.certNo, med_type: '11', medfee_sumamt: fenToYuan(10_000), psn_setlway: '01', mdtrt_id: mdtrtId, chrg_bchno: 'B1', acct_used_flag: '1', insutype: P.insutype } } });
    return { mdtrtId, settle };
  }
  const settledFor = (mdtrtId: string) => sim.ledger().settlements.filter((s) => s.mdtrtId === mdtrtId && s.status === 'settled');
  const account = () => {
    const a = sim.ledger().accounts.find((x) => x.psnNo === P.psnNo);
    assert.ok(a);
    return { balanceFen: a.balanceFen, ytd: a.ytd };
  };
  type Account = ReturnType<typeof account>;
  /**
   * The account after exactly one more settlement of the 100.00 class A bill. This file never gets
   * the employee past the 1000.00 outpatient deductible (at most ~8 bills stay committed), so each
   * bill goes wholly to the deductible and the 大额 base, the fund pays 0 and the account pays
   * 100.00: balance - 100.00, deductible + 100.00, critical base + 100.00, nothing else moves.
   */
  function oneMore(before: Account): Account {
    assert.ok(before.ytd.deductibleFen.outpatient + 10_000 <= 100_000, 'the arithmetic below assumes the deductible is not yet met');
    return {
      balanceFen: before.balanceFen - 10_000,
      ytd: { ...before.ytd, deductibleFen: { ...before.ytd.deductibleFen, outpatient: before.ytd.deductibleFen.outpatient + 10_000 }, criticalBaseFen: before.ytd.criticalBaseFen + 10_000 },
    };
  }

  it('latency within the deadline is just slow', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'latency', latencyMs: 100, infnos: ['2207'] }] });
    const t0 = Date.now();
    expectOk(await v.settle(client, msgid()));
    assert.ok(Date.now() - t0 >= 100);
    assert.equal(settledFor(v.mdtrtId).length, 1);
    assert.deepEqual(account(), oneMore(before));
  });

  it('latency past the deadline: unknown/timeout, yet committed; the same msgid later gives the first answer', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'latency', latencyMs: 500, infnos: ['2207'] }] });
    const id = msgid();
    const o = await v.settle(fast, id);
    assert.deepEqual([o.kind, o.kind === 'unknown' && o.reason], ['unknown', 'timeout']);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(settledFor(v.mdtrtId).length, 1);
    sim.setFaults({ rules: [] });
    const retry = await v.settle(client, id);
    assert.equal(retry.kind, 'ok');
    assert.equal(settledFor(v.mdtrtId).length, 1, 'a retry with the same msgid commits nothing more');
    assert.deepEqual(account(), oneMore(before), 'the account paid once');
  });

  it('timeout without commit: unknown/timeout; 2601 finds nothing to reverse', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'timeout', infnos: ['2207'] }] });
    const id = msgid();
    const o = await v.settle(fast, id);
    assert.deepEqual([o.kind, o.kind === 'unknown' && o.reason, o.kind === 'unknown' && o.rawResponse], ['unknown', 'timeout', null]);
    assert.equal(settledFor(v.mdtrtId).length, 0);
    assert.deepEqual(account(), before);
    sim.setFaults({ rules: [] });
    const rev = await client.call({ infno: '2601', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { psn_no: P.psnNo, omsgid: id, oinfno: '2207' } } });
    assert.ok(rev.kind === 'rejected' && rev.errMsg.includes('不存在'));
  });

  it('timeout after commit: unknown/timeout, committed; 2601 reverses it', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'timeout', afterCommit: true, infnos: ['2207'] }] });
    const id = msgid();
    const o = await v.settle(fast, id);
    assert.equal(o.kind === 'unknown' && o.reason, 'timeout');
    assert.equal(settledFor(v.mdtrtId).length, 1);
    assert.deepEqual(account(), oneMore(before));
    sim.setFaults({ rules: [] });
    expectOk(await client.call({ infno: '2601', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { psn_no: P.psnNo, omsgid: id, oinfno: '2207' } } }));
    assert.equal(settledFor(v.mdtrtId).length, 0);
    assert.equal(sim.ledger().settlements.find((s) => s.msgid === id)?.status, 'reversed');
    assert.deepEqual(account(), before, 'the reversal gave the account and the totals back');
  });

  it('HTTP 5xx: unknown/http-status with the raw body kept, nothing committed', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'http-5xx', status: 502, infnos: ['2207'] }] });
    const o = await v.settle(client, msgid());
    assert.equal(o.kind === 'unknown' && o.reason, 'http-status');
    assert.ok(o.kind === 'unknown' && o.detail.includes('502') && (o.rawResponse ?? '').includes('Unavailable'));
    assert.equal(settledFor(v.mdtrtId).length, 0);
    assert.deepEqual(account(), before);
  });

  it('HTTP 5xx after commit: unknown/http-status, committed once; the same msgid then answers the settlement', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'http-5xx', afterCommit: true, infnos: ['2207'] }] });
    const id = msgid();
    const o = await v.settle(client, id);
    assert.deepEqual([o.kind, o.kind === 'unknown' && o.reason, o.kind === 'unknown' && o.detail], ['unknown', 'http-status', 'HTTP 503']);
    assert.equal(settledFor(v.mdtrtId).length, 1);
    assert.deepEqual(account(), oneMore(before));
    sim.setFaults({ rules: [] });
    const retry = expectOk(await v.settle(client, id)) as { setlinfo: { medins_setl_id: string } };
    assert.equal(retry.setlinfo.medins_setl_id, id);
    assert.deepEqual(account(), oneMore(before), 'the retry with the same msgid paid nothing more');
  });

  it('reset before processing: unknown/connection, nothing committed', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'reset-before', infnos: ['2207'] }] });
    const o = await v.settle(client, msgid());
    assert.equal(o.kind === 'unknown' && o.reason, 'connection');
    assert.equal(settledFor(v.mdtrtId).length, 0);
    assert.deepEqual(account(), before);
  });

  it('reset after commit: unknown/connection, committed; 5203 by visit finds it by medins_setl_id', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'reset-after-commit', infnos: ['2207'] }] });
    const id = msgid();
    const o = await v.settle(client, id);
    assert.equal(o.kind === 'unknown' && o.reason, 'connection');
    assert.equal(settledFor(v.mdtrtId).length, 1);
    assert.deepEqual(account(), oneMore(before));
    sim.setFaults({ rules: [] });
    const q = expectOk(await client.call({ infno: '5203', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { psn_no: P.psnNo, setl_id: '', mdtrt_id: v.mdtrtId } } })) as { setlinfo: { medins_setl_id: string; refd_setl_flag: string } };
    assert.equal(q.setlinfo.medins_setl_id, id);
    assert.equal(q.setlinfo.refd_setl_flag, '0');
  });

  it('malformed JSON after commit: unknown/malformed with the raw text', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'malformed-json', afterCommit: true, infnos: ['2207'] }] });
    const o = await v.settle(client, msgid());
    assert.equal(o.kind === 'unknown' && o.reason, 'malformed');
    assert.ok(o.kind === 'unknown' && o.rawResponse?.startsWith('{"infcode":0'));
    assert.equal(settledFor(v.mdtrtId).length, 1);
    assert.deepEqual(account(), oneMore(before));
  });

  it('malformed JSON without commit: unknown/malformed, nothing committed; 2601 finds nothing to reverse', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'malformed-json', infnos: ['2207'] }] });
    const id = msgid();
    const o = await v.settle(client, id);
    assert.equal(o.kind === 'unknown' && o.reason, 'malformed');
    assert.equal(settledFor(v.mdtrtId).length, 0);
    assert.deepEqual(account(), before);
    sim.setFaults({ rules: [] });
    const rev = await client.call({ infno: '2601', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { psn_no: P.psnNo, omsgid: id, oinfno: '2207' } } });
    assert.ok(rev.kind === 'rejected' && rev.errMsg.includes('不存在'), JSON.stringify(rev).slice(0, 300));
  });

  it('a non-standard infcode is an unknown outcome (the client does not take it for a refusal); without afterCommit nothing is committed', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'wrong-infcode', infcode: 1, infnos: ['2207'] }] });
    const o = await v.settle(client, msgid());
    assert.deepEqual([o.kind, o.kind === 'unknown' && o.reason], ['unknown', 'undocumented-infcode']);
    assert.equal(settledFor(v.mdtrtId).length, 0);
    assert.deepEqual(account(), before);
  });

  it('infcode 2 after commit: the platform settled and answered "交易处理中，请稍后查询"', async () => {
    const v = await readyVisit();
    sim.setFaults({ rules: [{ kind: 'wrong-infcode', infcode: 2, errMsg: '交易处理中，请稍后查询', afterCommit: true, infnos: ['2207'], count: 1 }] });
    const o = await v.settle(client, msgid());
    assert.ok(o.kind === 'unknown' && /infcode 2 \(in-progress\)/.test(o.detail), JSON.stringify(o).slice(0, 300));
    assert.equal(settledFor(v.mdtrtId).length, 1);
  });

  it('garble: the platform commits, then the answer carries the rule’s values', async () => {
    const v = await readyVisit();
    sim.setFaults({ rules: [{ kind: 'garble', infnos: ['2207'], count: 1, set: { 'setlinfo.psn_cash_pay': -50 } }] });
    const o = await v.settle(client, msgid());
    assert.ok(o.kind === 'ok', JSON.stringify(o).slice(0, 300));
    assert.equal((o.output as { setlinfo: { psn_cash_pay: number } }).setlinfo.psn_cash_pay, -50);
    assert.equal(settledFor(v.mdtrtId).length, 1);
  });

  it('a fault restricted to other infnos leaves this one alone; count limits firing', async () => {
    const v = await readyVisit();
    const before = account();
    sim.setFaults({ rules: [{ kind: 'http-5xx', infnos: ['1101'] }, { kind: 'reset-before', infnos: ['2207'], count: 1 }] });
    assert.equal((await v.settle(client, msgid())).kind, 'unknown');
    assert.deepEqual(account(), before);
    expectOk(await v.settle(client, msgid()));
    assert.deepEqual(account(), oneMore(before));
  });

  it('the decode endpoint takes faults as "ecQuery"', async () => {
    sim.setFaults({ rules: [{ kind: 'http-5xx', infnos: ['ecQuery'] }] });
    const o = await client.decodeEcQr({ qrCode: sim.mintEcQr('employee'), businessType: '01301', deviceType: 'SelfService' });
    assert.equal(o.kind === 'unknown' && o.reason, 'http-status');
  });

  it('faults can be set over HTTP and the ledger read over HTTP', async () => {
    const set = await fetch(`${sim.url}/sim/faults`, { method: 'POST', body: JSON.stringify({ rules: [{ kind: 'wrong-infcode', infnos: ['9001'] }] }) });
    assert.equal(set.status, 200);
    const o = await client.call({ infno: '9001', msgid: msgid(), input: { signIn: { opter_no: 'K', mac: 'm', ip: 'i' } } });
    assert.equal(o.kind, 'unknown', 'infcode 1 is not documented as a refusal');
    const bad = await fetch(`${sim.url}/sim/faults`, { method: 'POST', body: JSON.stringify({ rules: [{ kind: 'meteor' }] }) });
    assert.equal(bad.status, 400);
    const ledger = (await (await fetch(`${sim.url}/sim/ledger`)).json()) as { settlements: unknown[] };
    assert.ok(Array.isArray(ledger.settlements));
    const qr = (await (await fetch(`${sim.url}/sim/ec-qr`, { method: 'POST', body: JSON.stringify({ person: 'resident' }) })).json()) as { payload: string };
    assert.match(qr.payload, /^NHSAEC1\./);
  });

  it('probabilistic faults replay exactly from the seed', () => {
    const run = (seed: number) => {
      const f = new FaultInjector(0);
      f.setPlan({ seed, rules: [{ kind: 'reset-before', probability: 0.5 }] });
      return Array.from({ length: 200 }, () => (f.decide('2207').fault ? 1 : 0)).join('');
    };
    assert.equal(run(7), run(7));
    assert.notEqual(run(7), run(8));
    const hits = [...run(7)].filter((c) => c === '1').length;
    assert.ok(hits > 60 && hits < 140, `hits ${hits}`);
  });
});

describe('a fault plan given at start (the faults option)', () => {
  it('is in force from the first request, counts down, and a bad plan stops the start', async () => {
    const sim = await startPlatformSimulator({ fixturesDir, faults: { rules: [{ kind: 'wrong-infcode', infcode: 7, infnos: ['9001'], count: 1 }] } });
    try {
      const client = createPlatformClient({ baseUrl: sim.url, context: testContext, timeoutMs: 5_000 });
      const signIn = () => client.call({ infno: '9001', msgid: msgid(), input: { signIn: { opter_no: 'K', mac: 'm', ip: 'i' } } });
      const first = await signIn();
      assert.ok(first.kind === 'unknown' && /infcode 7/.test(first.detail), JSON.stringify(first).slice(0, 300));
      assert.equal(sim.ledger().signIns.length, 0, 'the faulted call did nothing');
      expectOk(await signIn());
      assert.equal(sim.ledger().signIns.length, 1);
    } finally {
      await sim.close();
    }
    await assert.rejects(startPlatformSimulator({ fixturesDir, faults: { rules: [{ kind: 'meteor' }] } as never }));
  });
});
