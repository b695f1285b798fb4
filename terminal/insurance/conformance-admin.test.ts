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
import { fenToYuan, yuanToFen } from '../common/money';
import { formatWireTime } from './msgid';
import { nextMsgid, ok, PEOPLE, refusal, startSimAndClient } from '../testing/platform.testkit';
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

describe('admin transactions: required inputs, 3201 dates, 5203, and 2601 of 2201 / 2204', () => {
  let sim: PlatformSimulator;
  let client: PlatformClient;
  before(async () => ({ sim, client } = await startSimAndClient()));
  after(() => sim.close());

  const reconcileData = { insutype: '310', clr_type: '11', setl_optins: '', stmt_begndate: '2024-01-01', stmt_enddate: '2024-01-31', medfee_sumamt: '0.00', fund_pay_sumamt: '0.00', acct_pay: '0.00', fixmedins_setl_cnt: 0, refd_setl_flag: '0' as const };
  // One required field dropped or emptied per transaction: the platform answers -1 and says which.
  const missing: Array<[string, unknown, string]> = [
    ['9001', { signIn: { mac: 'm', ip: 'i' } }, '入参[signIn.opter_no]不能为空'],
    ['9002', { signOut: { sign_no: '', opter_no: 'K' } }, '入参[signOut.sign_no]不能为空'],
    ['2601', { data: { psn_no: E.psnNo, oinfno: '2207' } }, '入参[data.omsgid]不能为空'],
    ['3201', { data: { ...reconcileData, insutype: '' } }, '入参[data.insutype]不能为空'],
    ['3201', { data: { ...reconcileData, stmt_enddate: undefined } }, '入参[data.stmt_enddate]不能为空'],
    ['5203', { data: { psn_no: '', setl_id: 'S1', mdtrt_id: 'M1' } }, '入参[data.psn_no]不能为空'],
  ];
  for (const [infno, input, expected] of missing) {
    it(`${infno} refuses an input without a required field and names it (${expected})`, async () => {
      const o = await client.call({ infno, msgid: nextMsgid(), input, insuplcAdmdvs: E.admdvs });
      assert.ok(o.kind === 'rejected' && o.infcode === -1 && o.errMsg.includes(expected), `${infno}: ${JSON.stringify(o).slice(0, 300)}`);
    });
  }

  it('3201 refuses a begin date after the end date, naming both fields', async () => {
    const err = refusal(await tx.reconcileTotals(client, nextMsgid(), { data: { ...reconcileData, stmt_begndate: '2024-02-01', stmt_enddate: '2024-01-31' } }));
    assert.match(err, /stmt_begndate/);
    assert.match(err, /stmt_enddate/);
    // The same day for both is a valid range.
    assert.equal(ok(await tx.reconcileTotals(client, nextMsgid(), { data: { ...reconcileData, stmt_begndate: '2024-01-31' } })).stmtinfo.stmt_rslt, '0');
  });

  it('querySettlement (5203) answers a settlement typed, by setl_id or by visit, and refuses another person', async () => {
    const { mdtrtId, setlinfo } = await settleBill(client);
    const bySetlId = ok(await tx.querySettlement(client, nextMsgid(), { data: { psn_no: E.psnNo, setl_id: setlinfo.setl_id, mdtrt_id: mdtrtId } }, area));
    assert.equal(bySetlId.setlinfo.setl_id, setlinfo.setl_id);
    assert.equal(yuanToFen(bySetlId.setlinfo.medfee_sumamt), 20_000);
    assert.equal(yuanToFen(bySetlId.setlinfo.acct_pay), yuanToFen(setlinfo.acct_pay));
    assert.equal(bySetlId.setlinfo.refd_setl_flag, '0');
    assert.ok(Array.isArray(bySetlId.setldetail));
    // The leniency the engine relies on after a lost 2207 answer: an empty setl_id finds the visit's latest.
    const byVisit = ok(await tx.querySettlement(client, nextMsgid(), { data: { psn_no: E.psnNo, setl_id: '', mdtrt_id: mdtrtId } }, area));
    assert.equal(byVisit.setlinfo.setl_id, setlinfo.setl_id);
    assert.match(refusal(await tx.querySettlement(client, nextMsgid(), { data: { psn_no: PEOPLE.resident.psnNo, setl_id: setlinfo.setl_id, mdtrt_id: mdtrtId } }, area)), /结算信息不存在/);
    await assert.rejects(tx.querySettlement(client, nextMsgid(), { data: { psn_no: '', setl_id: setlinfo.setl_id, mdtrt_id: mdtrtId } }, area), tx.InvalidInputError);
  });

  const register = async (ipt: string) => {
    const id = nextMsgid();
    const reg = ok(await tx.registerOutpatient(client, id, { data: { psn_no: E.psnNo, insutype: E.insutype, begntime: '', mdtrt_cert_type: '02', mdtrt_cert_no: E.certno, ipt_otp_no: ipt, atddr_no: '', dr_name: '', dept_code: '', dept_name: '', caty: '' } }, area)).data;
    return { msgid: id, mdtrtId: reg.mdtrt_id };
  };
  const fees = (mdtrtId: string, sn: string) => ({ feedetail: [{ feedetl_sn: sn, mdtrt_id: mdtrtId, psn_no: E.psnNo, chrg_bchno: 'B1', med_list_codg: BILL[0]?.codg ?? '', medins_list_codg: 'H', det_item_fee_sumamt: '20.00', cnt: 1, pric: '20.00', fee_ocur_time: '2024-01-15 09:00:00', bilg_dept_codg: '', bilg_dr_codg: '' }] });
  const settle = (mdtrtId: string) => ({ data: { psn_no: E.psnNo, mdtrt_cert_type: '02' as const, mdtrt_cert_no: E.certno, med_type: '11', medfee_sumamt: '20.00', psn_setlway: '01', mdtrt_id: mdtrtId, chrg_bchno: 'B1', acct_used_flag: '0' as const, insutype: E.insutype } });
  const visit = (mdtrtId: string) => sim.ledger().visits.find((v) => v.mdtrtId === mdtrtId);

  it('2601 of a registration (2201) closes the visit: no fees, no settlement, and only once', async () => {
    const reg = await register('OP-REV-1');
    ok(await tx.reverse(client, nextMsgid(), { data: { psn_no: E.psnNo, omsgid: reg.msgid, oinfno: '2201' } }, area));
    assert.equal(visit(reg.mdtrtId)?.status, 'reversed');
    assert.match(refusal(await tx.uploadOutpatientFees(client, nextMsgid(), fees(reg.mdtrtId, 'RV1'), area)), /不存在/);
    assert.match(refusal(await tx.reverse(client, nextMsgid(), { data: { psn_no: E.psnNo, omsgid: reg.msgid, oinfno: '2201' } }, area)), /已冲正/);
    assert.match(refusal(await tx.reverse(client, nextMsgid(), { data: { psn_no: PEOPLE.resident.psnNo, omsgid: (await register('OP-REV-2')).msgid, oinfno: '2201' } }, area)), /人员编号与原交易不符/);
  });

  it('2601 of a fee upload (2204) takes its lines out; the serial number may be uploaded again and settled', async () => {
    const reg = await register('OP-REV-3');
    const upload = nextMsgid();
    ok(await tx.uploadOutpatientFees(client, upload, fees(reg.mdtrtId, 'RV2'), area));
    ok(await tx.reverse(client, nextMsgid(), { data: { psn_no: E.psnNo, omsgid: upload, oinfno: '2204' } }, area));
    assert.deepEqual(visit(reg.mdtrtId)?.fees.map((f) => [f.feedetlSn, f.state]), [['RV2', 'reversed']]);
    assert.equal(visit(reg.mdtrtId)?.status, 'open', 'the registration stays');
    assert.match(refusal(await tx.settleOutpatient(client, nextMsgid(), settle(reg.mdtrtId), area)), /无待结算/);
    ok(await tx.uploadOutpatientFees(client, nextMsgid(), fees(reg.mdtrtId, 'RV2'), area));
    const s = ok(await tx.settleOutpatient(client, nextMsgid(), settle(reg.mdtrtId), area)).setlinfo;
    assert.equal(yuanToFen(s.medfee_sumamt), 2_000, 'only the uploaded-again line is settled');
  });

  it('2601 of a fee upload whose lines are settled is refused until the settlement is undone', async () => {
    const reg = await register('OP-REV-4');
    const upload = nextMsgid();
    ok(await tx.uploadOutpatientFees(client, upload, fees(reg.mdtrtId, 'RV3'), area));
    const s = ok(await tx.settleOutpatient(client, nextMsgid(), settle(reg.mdtrtId), area)).setlinfo;
    assert.match(refusal(await tx.reverse(client, nextMsgid(), { data: { psn_no: E.psnNo, omsgid: upload, oinfno: '2204' } }, area)), /已结算/);
    ok(await tx.cancelOutpatientSettlement(client, nextMsgid(), { data: { setl_id: s.setl_id, mdtrt_id: reg.mdtrtId, psn_no: E.psnNo } }, area));
    ok(await tx.reverse(client, nextMsgid(), { data: { psn_no: E.psnNo, omsgid: upload, oinfno: '2204' } }, area));
    assert.deepEqual(visit(reg.mdtrtId)?.fees.map((f) => f.state), ['reversed']);
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

  it('keeps a decoded 医保码 used and its ecToken valid across a restart; drops the token once it expires', async () => {
    const file = join(dir, 'qr-state.json');
    let at = new Date(2024, 5, 1, 10, 0, 0);
    const now = () => at;
    const decode = (client: PlatformClient, qrCode: string) => client.decodeEcQr({ qrCode, businessType: '01301', deviceType: 'SelfService' });
    const byToken = (client: PlatformClient, token: string) => tx.personInfo(client, nextMsgid(), { data: { mdtrt_cert_type: '01', mdtrt_cert_no: token, card_sn: '', begntime: '', psn_cert_type: '', certno: '', psn_name: '' } });
    let { sim, client } = await startSimAndClient({ dataFile: file, now });
    let qr: string;
    let token: string;
    try {
      qr = sim.mintEcQr('employee');
      const first = await decode(client, qr);
      if (first.kind !== 'ok') assert.fail(JSON.stringify(first));
      token = first.person.ecToken;
    } finally {
      await sim.close();
    }

    at = new Date(at.getTime() + 10_000); // 10 s later: the code is still within its 60 s
    ({ sim, client } = await startSimAndClient({ dataFile: file, now }));
    try {
      const replay = await decode(client, qr);
      assert.equal(replay.kind === 'rejected' && replay.code, 'EC1003', 'single use survives the restart');
      assert.equal(ok(await byToken(client, token)).baseinfo.psn_no, E.psnNo, 'the token issued before the restart still works');
    } finally {
      await sim.close();
    }

    at = new Date(at.getTime() + 86_400_000); // past ecTokenValiditySeconds (86400)
    ({ sim, client } = await startSimAndClient({ dataFile: file, now }));
    try {
      assert.match(refusal(await byToken(client, token)), /令牌无效或已过期/);
      assert.equal(sim.ledger().tokens, 0);
    } finally {
      await sim.close();
    }
  });
});
