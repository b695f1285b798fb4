// Conformance of the transactions around the settlement: 9001/9002 sign in and out, 2208 and 2601
// giving back balances and year-to-date totals, 3201 reconciliation against the simulator's ledger,
// and the simulator's books kept in a dataFile across restarts and reset at a new year.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlatformSimulator } from '../sim/platform/server';
import type { PlatformClient } from './client';
import { fenToYuan, yuanToFen } from './money';
import { formatWireTime } from './msgid';
import { nextMsgid, ok, PEOPLE, refusal, startSimAndClient } from './platform.testkit';
import * as tx from './transactions-client';

const E = PEOPLE.employee;
const area = { insuplcAdmdvs: E.admdvs };
// The employee's outpatient bill of the fixtures: 200.00, of which 158.00 in scope.
const BILL = [
  { codg: '001101000010000-110100001', fen: 2_000 }, { codg: 'XA01BAA001A001010100001', fen: 3_000 },
  { codg: 'XB02CDE002B002020200002', fen: 12_000 }, { codg: 'ZC03FGH003C003030300003', fen: 3_000 },
];

let visitNo = 0;
async function settleBill(client: PlatformClient, msgid = nextMsgid()) {
  const ipt = `OP-ADM-${++visitNo}`;
  const reg = ok(await tx.registerOutpatient(client, nextMsgid(), { data: { psn_no: E.psnNo, insutype: E.insutype, begntime: '', mdtrt_cert_type: '02', mdtrt_cert_no: E.certno, ipt_otp_no: ipt, atddr_no: '', dr_name: '', dept_code: '', dept_name: '', caty: '' } }, area)).data;
  ok(await tx.uploadOutpatientFees(client, nextMsgid(), { feedetail: BILL.map((b, i) => ({ feedetl_sn: `${ipt}-${i}`, mdtrt_id: reg.mdtrt_id, psn_no: E.psnNo, chrg_bchno: 'B1', med_list_codg: b.codg, medins_list_codg: 'H', det_item_fee_sumamt: fenToYuan(b.fen), cnt: 1, pric: fenToYuan(b.fen), fee_ocur_time: '2024-01-15 09:00:00', bilg_dept_codg: '', bilg_dr_codg: '' })) }, area));
  const input = { data: { psn_no: E.psnNo, mdtrt_cert_type: '02' as const, mdtrt_cert_no: E.certno, med_type: '11', medfee_sumamt: '200.00', psn_setlway: '01', mdtrt_id: reg.mdtrt_id, chrg_bchno: 'B1', acct_used_flag: '1' as const, insutype: E.insutype } };
  const outcome = await tx.settleOutpatient(client, msgid, input, area);
  return { mdtrtId: reg.mdtrt_id, setlinfo: ok(outcome).setlinfo, outcome };
}

const accountOf = (sim: PlatformSimulator) => {
  const a = sim.ledger().accounts.find((x) => x.psnNo === E.psnNo);
  assert.ok(a);
  return a;
};

describe('sign-in, cancellation, reversal and reconciliation', () => {
  let sim: PlatformSimulator;
  let client: PlatformClient;
  before(async () => ({ sim, client } = await startSimAndClient()));
  after(() => sim.close());

  it('9001 signs in and 9002 signs out once with its sign_no', async () => {
    const signNo = ok(await tx.signIn(client, nextMsgid(), { signIn: { opter_no: 'KIOSK-01', mac: '00-11-22-33-44-55', ip: '127.0.0.1' } })).signinoutb.sign_no;
    const out = ok(await tx.signOut(client, nextMsgid(), { signOut: { sign_no: signNo, opter_no: 'KIOSK-01' } }, { signNo }));
    assert.match(out.signoutoutb.sign_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.match(refusal(await tx.signOut(client, nextMsgid(), { signOut: { sign_no: signNo, opter_no: 'KIOSK-01' } })), /已签退/);
    assert.match(refusal(await tx.signOut(client, nextMsgid(), { signOut: { sign_no: 'SIGN-NONE', opter_no: 'KIOSK-01' } })), /不存在/);
  });

  it('2208 gives back the account and the year-to-date totals, so the next bill pays the same deductible', async () => {
    const before = structuredClone(accountOf(sim));
    const first = await settleBill(client);
    assert.equal(yuanToFen(first.setlinfo.act_pay_dedc), 15_800);
    assert.equal(accountOf(sim).ytd.deductibleFen.outpatient, before.ytd.deductibleFen.outpatient + 15_800);
    assert.equal(accountOf(sim).balanceFen, before.balanceFen - 20_000);
    ok(await tx.cancelOutpatientSettlement(client, nextMsgid(), { data: { setl_id: first.setlinfo.setl_id, mdtrt_id: first.mdtrtId, psn_no: E.psnNo } }, area));
    assert.deepEqual(accountOf(sim), before);
    const again = await settleBill(client);
    assert.equal(yuanToFen(again.setlinfo.act_pay_dedc), 15_800, 'the deductible was given back, so it is paid again');
  });

  it('2601 of a 2207 gives back the account and the year-to-date totals as well', async () => {
    const before = structuredClone(accountOf(sim));
    const settleMsgid = nextMsgid();
    await settleBill(client, settleMsgid);
    assert.notDeepEqual(accountOf(sim), before);
    ok(await tx.reverse(client, nextMsgid(), { data: { psn_no: E.psnNo, omsgid: settleMsgid, oinfno: '2207' } }, area));
    assert.deepEqual(accountOf(sim), before);
  });

  it('3201 balances when the terminal counts what the ledger holds, and names the field that does not', async () => {
    const today = formatWireTime(new Date()).slice(0, 10);
    const inForce = sim.ledger().settlements.filter((s) => s.insutype === '310' && s.clrType === '11' && s.status === 'settled');
    assert.ok(inForce.length > 0);
    const sum = (k: 'medfeeSumamtFen' | 'fundPaySumamtFen' | 'acctPayFen') => inForce.reduce((a, s) => a + s.split[k], 0);
    const data = { insutype: '310', clr_type: '11', setl_optins: '330100', stmt_begndate: today, stmt_enddate: today, medfee_sumamt: fenToYuan(sum('medfeeSumamtFen')), fund_pay_sumamt: fenToYuan(sum('fundPaySumamtFen')), acct_pay: fenToYuan(sum('acctPayFen')), fixmedins_setl_cnt: inForce.length, refd_setl_flag: '0' as const };
    const balanced = ok(await tx.reconcileTotals(client, nextMsgid(), { data })).stmtinfo;
    assert.equal(balanced.stmt_rslt, '0', balanced.stmt_rslt_dscr ?? '');
    const off = ok(await tx.reconcileTotals(client, nextMsgid(), { data: { ...data, medfee_sumamt: fenToYuan(sum('medfeeSumamtFen') + 1) } })).stmtinfo;
    assert.equal(off.stmt_rslt, '1');
    assert.match(off.stmt_rslt_dscr ?? '', /medfee_sumamt/);
    assert.doesNotMatch(off.stmt_rslt_dscr ?? '', /acct_pay/);
    // The cancelled settlement of the 2208 test is a refund: refd_setl_flag 1 counts it, and only it.
    const refunds = ok(await tx.reconcileTotals(client, nextMsgid(), { data: { ...data, medfee_sumamt: '200.00', fund_pay_sumamt: '0.00', acct_pay: '200.00', fixmedins_setl_cnt: 1, refd_setl_flag: '1' } })).stmtinfo;
    assert.equal(refunds.stmt_rslt, '0', refunds.stmt_rslt_dscr ?? '');
    const otherDay = ok(await tx.reconcileTotals(client, nextMsgid(), { data: { ...data, stmt_begndate: '2000-01-01', stmt_enddate: '2000-01-01' } })).stmtinfo;
    assert.equal(otherDay.stmt_rslt, '1', 'nothing was settled that day');
  });
});

describe('the simulator keeps its books in a dataFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'platform-sim-'));
  const dataFile = join(dir, 'platform-state.json');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps year-to-date totals and answers across a restart, and starts a new year at zero', async () => {
    let at = new Date(2024, 11, 31, 10, 0, 0);
    const now = () => at;
    let { sim, client } = await startSimAndClient({ dataFile, now });
    const settleMsgid = nextMsgid();
    let first: Awaited<ReturnType<typeof settleBill>>;
    try {
      first = await settleBill(client, settleMsgid);
      assert.equal(yuanToFen(first.setlinfo.act_pay_dedc), 15_800);
    } finally {
      await sim.close();
    }

    ({ sim, client } = await startSimAndClient({ dataFile, now }));
    try {
      assert.equal(accountOf(sim).ytd.deductibleFen.outpatient, 15_800, 'the deductible paid before the restart counts');
      assert.equal(accountOf(sim).balanceFen, 180_000);
      const second = await settleBill(client);
      assert.equal(yuanToFen(second.setlinfo.act_pay_dedc), 15_800, 'still under the 1000.00 deductible');
      assert.equal(accountOf(sim).ytd.deductibleFen.outpatient, 31_600);
      // The same msgid after the restart gets the first answer, byte for byte, and commits nothing.
      const settlements = sim.ledger().settlements.length;
      const replay = await client.call({ infno: '2207', msgid: settleMsgid, insuplcAdmdvs: E.admdvs, input: { data: { psn_no: E.psnNo, mdtrt_cert_type: '02', mdtrt_cert_no: E.certno, med_type: '11', medfee_sumamt: '200.00', psn_setlway: '01', mdtrt_id: first.mdtrtId, chrg_bchno: 'B1', acct_used_flag: '1', insutype: E.insutype } } });
      assert.equal(replay.kind === 'ok' && replay.rawResponse, first.outcome.kind === 'ok' && first.outcome.rawResponse);
      assert.equal(sim.ledger().settlements.length, settlements);
    } finally {
      await sim.close();
    }

    at = new Date(2025, 0, 1, 8, 0, 0);
    ({ sim } = await startSimAndClient({ dataFile, now }));
    try {
      assert.equal(sim.ledger().year, 2025);
      assert.equal(accountOf(sim).ytd.deductibleFen.outpatient, 0, 'a new year, a new deductible');
      assert.equal(accountOf(sim).balanceFen, 160_000, 'the personal account carries over');
    } finally {
      await sim.close();
    }
  });
});
