// Conformance of the inpatient path (2401/2402/2404/2405, 2301/2302, 2303/2304/2305) between the client
// and the simulator: one 2304 answer carries every fund (一单式), and the cross-province discharge bill
// of INSURANCE-API.md (51,423.22 yuan) splits into basic fund, 大病保险 and cash to the fen.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PlatformSimulator } from '../sim/platform/server';
import { startHisSimulator } from '../sim/his/server';
import { createHisClient } from '../his/client';
import type { PlatformClient } from './client';
import { fenToYuan, yuanToFen } from '../common/money';
import { fixturesDir, nextMsgid, ok, PEOPLE, refusal, startSimAndClient, type SimPersonRef } from '../testing/platform.testkit';
import * as tx from './transactions-client';

const CODES = { bed: '002100000010000-210000001', surgeryB: '003300000010000-330000001', material: '004400000010000-440000001' };
type Line = { sn: string; codg: string; fen: number };

const diagnosis = [{ diag_type: '1', diag_srt_no: 1, diag_code: 'K35.800', diag_name: '急性阑尾炎', diag_dept: '普外科', dise_dor_no: 'D9', dise_dor_name: '医生', diag_time: '2024-01-10 08:00:00', vali_flag: '1', maindiag_flag: '1' }];

async function admit(client: PlatformClient, p: SimPersonRef, iptNo: string): Promise<string> {
  const out = ok(await tx.admit(client, nextMsgid(), {
    mdtrtinfo: { psn_no: p.psnNo, insutype: p.insutype, begntime: '2024-01-10 08:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: p.certno, med_type: '21', ipt_no: iptNo, atddr_no: 'D9', chfpdr_name: '医生', adm_diag_dscr: '急性阑尾炎', adm_dept_codg: 'B02', adm_dept_name: '普外科', adm_bed: '12', dscg_maindiag_code: 'K35.800', dscg_maindiag_name: '急性阑尾炎' },
    diseinfo: diagnosis,
  }, { insuplcAdmdvs: p.admdvs }));
  return out.result.mdtrt_id;
}

const feeRows = (p: SimPersonRef, mdtrtId: string, lines: Line[]) => ({
  feedetail: lines.map((l) => ({ feedetl_sn: l.sn, mdtrt_id: mdtrtId, psn_no: p.psnNo, med_type: '21', fee_ocur_time: '2024-01-11 09:00:00', med_list_codg: l.codg, medins_list_codg: `H-${l.sn}`, det_item_fee_sumamt: fenToYuan(l.fen), cnt: 1, pric: fenToYuan(l.fen), bilg_dept_codg: 'B02', bilg_dr_codg: 'D9' })),
});

const settleInput = (p: SimPersonRef, mdtrtId: string, fen: number, acct: '0' | '1', mid: '0' | '1' = '0') => ({
  data: { psn_no: p.psnNo, mdtrt_cert_type: '02' as const, mdtrt_cert_no: p.certno, medfee_sumamt: fenToYuan(fen), psn_setlway: '01', mdtrt_id: mdtrtId, insutype: p.insutype, acct_used_flag: acct, mid_setl_flag: mid },
});

const discharge = (p: SimPersonRef, mdtrtId: string) => ({
  dscginfo: { mdtrt_id: mdtrtId, psn_no: p.psnNo, insutype: p.insutype, endtime: '2024-01-20 10:00:00', dscg_dept_codg: 'B02', dscg_dept_name: '普外科', dscg_way: '1' },
  diseinfo: diagnosis,
});

describe('inpatient conformance', () => {
  let sim: PlatformSimulator;
  let client: PlatformClient;
  before(async () => ({ sim, client } = await startSimAndClient()));
  after(() => sim.close());

  it('the cross-province discharge bill from the HIS: 51,423.22 = basic fund 34,550.22 + 大病 4,125.80 + cash 12,747.20', async () => {
    const p = PEOPLE.crossProvinceInpatient;
    const his = await startHisSimulator({ fixturesDir });
    let lines: Line[];
    try {
      const [bill] = await createHisClient({ baseUrl: his.url, timeoutMs: 10_000 }).pendingBills(p.certno);
      assert.ok(bill);
      lines = bill.items.map((i) => ({ sn: i.feedetlSn, codg: i.medListCodg, fen: i.amountFen }));
    } finally {
      await his.close();
    }
    const opts = { insuplcAdmdvs: p.admdvs };
    const mdtrtId = await admit(client, p, 'IP202401100006');
    ok(await tx.uploadInpatientFees(client, nextMsgid(), feeRows(p, mdtrtId, lines), opts));
    ok(await tx.discharge(client, nextMsgid(), discharge(p, mdtrtId), opts));
    // The arithmetic, under 510100's own 390 policy (areaPolicies; the same at every hospital level):
    // class A 47,477.45; class B 3,200.00 with 10% paid first (320.00), in scope 2,880.00; class C 745.77
    // total 47,477.45 + 3,200.00 + 745.77 = 51,423.22; in scope 47,477.45 + 2,880.00 = 50,357.45
    // deductible 1,000.00; above it 49,357.45; basic fund 70% = 34,550.215 -> 34,550.22 (half up)
    // co-pay 49,357.45 - 34,550.22 = 14,807.23; yearly burden 1,000.00 + 14,807.23 = 15,807.23
    // 大病保险 (hifmi): above 7,873.00 by 7,934.23; 52% = 4,125.7996 -> 4,125.80
    // fund_pay_sumamt 34,550.22 + 4,125.80 = 38,676.02; no account; cash 51,423.22 - 38,676.02 = 12,747.20
    const s = ok(await tx.settleInpatient(client, nextMsgid(), settleInput(p, mdtrtId, 5_142_322, '0'), opts));
    const i = s.setlinfo;
    assert.deepEqual(
      [i.medfee_sumamt, i.hifp_pay, i.hifmi_pay, i.maf_pay, i.acct_pay, i.psn_cash_pay, i.fund_pay_sumamt].map(yuanToFen),
      [5_142_322, 3_455_022, 412_580, 0, 0, 1_274_720, 3_867_602],
    );
    assert.equal(i.clr_type, '21');
    assert.deepEqual(s.setldetail.map((d) => [d.fund_pay_type, yuanToFen(d.fund_payamt)]), [['390100', 3_455_022], ['390200', 412_580]]);
  });

  it('one 2304 answer carries basic fund, 大额补助, 医疗救助, personal account and cash', async () => {
    const p = PEOPLE.employeeAid;
    const opts = { insuplcAdmdvs: p.admdvs };
    // 162,000.00: class A 150,000.00, class B 10,000.00 (10% first), class C 2,000.00.
    // in scope 159,000.00; deductible 800.00; fund 85% of 158,200.00 = 134,470.00; co-pay 23,730.00;
    // 大额 80% of (24,530.00 - 20,000.00) = 3,624.00; aid 50% of (24,530.00 - 3,624.00) = 10,453.00;
    // the person's 13,453.00: account 3,000.00, cash 10,453.00.
    const mdtrtId = await admit(client, p, 'IP-AID-1');
    ok(await tx.uploadInpatientFees(client, nextMsgid(), feeRows(p, mdtrtId, [
      { sn: 'E1', codg: CODES.bed, fen: 15_000_000 }, { sn: 'E2', codg: CODES.surgeryB, fen: 1_000_000 }, { sn: 'E3', codg: CODES.material, fen: 200_000 },
    ]), opts));
    ok(await tx.discharge(client, nextMsgid(), discharge(p, mdtrtId), opts));
    const pre = ok(await tx.preSettleInpatient(client, nextMsgid(), settleInput(p, mdtrtId, 16_200_000, '1'), opts)).setlinfo;
    assert.equal(sim.ledger().settlements.filter((x) => x.mdtrtId === mdtrtId).length, 0, '2303 commits nothing');
    const s = ok(await tx.settleInpatient(client, nextMsgid(), settleInput(p, mdtrtId, 16_200_000, '1'), opts)).setlinfo;
    assert.deepEqual([s.hifp_pay, s.hifob_pay, s.maf_pay, s.acct_pay, s.psn_cash_pay, s.balc].map(yuanToFen), [13_447_000, 362_400, 1_045_300, 300_000, 1_045_300, 0]);
    assert.deepEqual([pre.hifp_pay, pre.maf_pay, pre.psn_cash_pay], [s.hifp_pay, s.maf_pay, s.psn_cash_pay], 'pre-settlement foretells the settlement');

    // 2305 puts everything back: the account, and the year-to-date totals the next bill is split on.
    assert.match(refusal(await tx.cancelDischarge(client, nextMsgid(), { data: { mdtrt_id: mdtrtId, psn_no: p.psnNo } }, opts)), /请先撤销结算/);
    const ytdBefore = sim.ledger().accounts.find((a) => a.psnNo === p.psnNo)?.ytd;
    const cancel = ok(await tx.cancelInpatientSettlement(client, nextMsgid(), { data: { mdtrt_id: mdtrtId, setl_id: s.setl_id, psn_no: p.psnNo } }, opts)).setlinfo;
    assert.equal(yuanToFen(cancel.medfee_sumamt), -16_200_000);
    const account = sim.ledger().accounts.find((a) => a.psnNo === p.psnNo);
    assert.equal(account?.balanceFen, 300_000);
    assert.equal(account?.ytd.deductibleFen.inpatient, 0);
    assert.equal(account?.ytd.medicalAidFen, 0);
    assert.notDeepEqual(ytdBefore, account?.ytd);
  });

  it('admission rules: no settlement before discharge, no second admission, fees and discharge undone in order', async () => {
    const p = PEOPLE.medicalAid;
    const opts = { insuplcAdmdvs: p.admdvs };
    const mdtrtId = await admit(client, p, 'IP-R-1');
    assert.match(refusal(await tx.admit(client, nextMsgid(), { mdtrtinfo: { psn_no: p.psnNo, insutype: p.insutype, begntime: '2024-01-10 08:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: p.certno, med_type: '21', ipt_no: 'IP-R-2', atddr_no: '', chfpdr_name: '', adm_diag_dscr: '', adm_dept_codg: '', adm_dept_name: '', adm_bed: '', dscg_maindiag_code: '', dscg_maindiag_name: '' }, diseinfo: diagnosis }, opts)), /不能重复入院/);
    ok(await tx.uploadInpatientFees(client, nextMsgid(), feeRows(p, mdtrtId, [{ sn: 'R1', codg: CODES.bed, fen: 10_000 }, { sn: 'R2', codg: CODES.bed, fen: 20_000 }]), opts));
    assert.match(refusal(await tx.settleInpatient(client, nextMsgid(), settleInput(p, mdtrtId, 30_000, '0'), opts)), /未办理出院/);
    // 中途结算 settles what is there without a discharge.
    const mid = ok(await tx.settleInpatient(client, nextMsgid(), settleInput(p, mdtrtId, 30_000, '0', '1'), opts)).setlinfo;
    assert.equal(yuanToFen(mid.medfee_sumamt), 30_000);
    ok(await tx.uploadInpatientFees(client, nextMsgid(), feeRows(p, mdtrtId, [{ sn: 'R3', codg: CODES.bed, fen: 5_000 }, { sn: 'R4', codg: CODES.bed, fen: 6_000 }]), opts));
    assert.match(refusal(await tx.cancelInpatientFees(client, nextMsgid(), { data: [{ feedetl_sn: 'R1', mdtrt_id: mdtrtId, psn_no: p.psnNo }] }, opts)), /已结算/);
    ok(await tx.cancelInpatientFees(client, nextMsgid(), { data: [{ feedetl_sn: 'R3', mdtrt_id: mdtrtId, psn_no: p.psnNo }] }, opts));
    ok(await tx.discharge(client, nextMsgid(), discharge(p, mdtrtId), opts));
    ok(await tx.cancelDischarge(client, nextMsgid(), { data: { mdtrt_id: mdtrtId, psn_no: p.psnNo } }, opts));
    ok(await tx.cancelInpatientFees(client, nextMsgid(), { data: [{ feedetl_sn: '0000', mdtrt_id: mdtrtId, psn_no: p.psnNo }] }, opts));
    const fees = sim.ledger().visits.find((v) => v.mdtrtId === mdtrtId)?.fees.map((f) => [f.feedetlSn, f.state]);
    assert.deepEqual(fees, [['R1', 'settled'], ['R2', 'settled'], ['R3', 'deleted'], ['R4', 'deleted']]);
    assert.match(refusal(await tx.cancelAdmission(client, nextMsgid(), { data: { mdtrt_id: mdtrtId, psn_no: p.psnNo } }, opts)), /请先撤销费用明细/);
    ok(await tx.cancelInpatientSettlement(client, nextMsgid(), { data: { mdtrt_id: mdtrtId, setl_id: mid.setl_id, psn_no: p.psnNo } }, opts));
    ok(await tx.cancelInpatientFees(client, nextMsgid(), { data: [{ feedetl_sn: '0000', mdtrt_id: mdtrtId, psn_no: p.psnNo }] }, opts));
    ok(await tx.cancelAdmission(client, nextMsgid(), { data: { mdtrt_id: mdtrtId, psn_no: p.psnNo } }, opts));
    assert.equal(sim.ledger().visits.find((v) => v.mdtrtId === mdtrtId)?.status, 'cancelled');
    // Cancelled, the person may be admitted again.
    await admit(client, p, 'IP-R-3');
  });

  it('outpatient and inpatient transactions do not mix: 2304 on an outpatient visit is refused', async () => {
    const p = PEOPLE.resident;
    const reg = ok(await tx.registerOutpatient(client, nextMsgid(), { data: { psn_no: p.psnNo, insutype: p.insutype, begntime: '', mdtrt_cert_type: '02', mdtrt_cert_no: p.certno, ipt_otp_no: 'OP-X', atddr_no: '', dr_name: '', dept_code: '', dept_name: '', caty: '' } }, { insuplcAdmdvs: p.admdvs })).data;
    assert.match(refusal(await tx.uploadInpatientFees(client, nextMsgid(), feeRows(p, reg.mdtrt_id, [{ sn: 'X1', codg: CODES.bed, fen: 100 }]), { insuplcAdmdvs: p.admdvs })), /不存在/);
    assert.match(refusal(await tx.settleInpatient(client, nextMsgid(), settleInput(p, reg.mdtrt_id, 100, '0', '1'), { insuplcAdmdvs: p.admdvs })), /不存在/);
  });

  const missing: Array<[string, unknown, string]> = [
    ['2401', { mdtrtinfo: { psn_no: 'P', insutype: '390' }, diseinfo: [] }, '入参[mdtrtinfo.begntime]不能为空'],
    ['2402', { dscginfo: { mdtrt_id: 'M', psn_no: 'P', insutype: '390', endtime: '2024-01-20 10:00:00', dscg_dept_codg: '', dscg_dept_name: '' }, diseinfo: [] }, '入参[dscginfo.dscg_way]不能为空'],
    ['2404', { data: { psn_no: 'P' } }, '入参[data.mdtrt_id]不能为空'],
    ['2405', { data: { mdtrt_id: 'M', psn_no: '' } }, '入参[data.psn_no]不能为空'],
    ['2301', { feedetail: [{ feedetl_sn: 'S', mdtrt_id: 'M', psn_no: 'P', fee_ocur_time: '', med_list_codg: 'C', medins_list_codg: '', det_item_fee_sumamt: 1, cnt: 1, pric: 1, bilg_dept_codg: '', bilg_dr_codg: '' }] }, '入参[feedetail.0.med_type]不能为空'],
    ['2302', { data: [{ mdtrt_id: 'M', psn_no: 'P' }] }, '入参[data.0.feedetl_sn]不能为空'],
    ['2303', { data: { ...settleInput(PEOPLE.resident, 'M', 100, '0').data, mid_setl_flag: undefined } }, '入参[data.mid_setl_flag]不能为空'],
    ['2304', { data: { ...settleInput(PEOPLE.resident, 'M', 100, '0').data, medfee_sumamt: 'abc' } }, '入参[data.medfee_sumamt]格式错误'],
    ['2305', { data: { mdtrt_id: 'M', psn_no: 'P' } }, '入参[data.setl_id]不能为空'],
  ];
  for (const [infno, input, expected] of missing) {
    it(`${infno} refuses an input without a required field and names it`, async () => {
      const o = await client.call({ infno, msgid: nextMsgid(), input, insuplcAdmdvs: '330100' });
      assert.ok(o.kind === 'rejected' && o.errMsg.includes(expected), `${infno}: ${o.kind === 'rejected' ? o.errMsg : o.kind}`);
    });
  }
});
