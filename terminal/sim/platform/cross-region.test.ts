// 异地就医 through the client and the simulator's books: the treatment area's catalogue (就医地目录),
// the insured area's policy (参保地政策), and the filing (备案) check for inpatients: Beijing settles an
// unfiled stay 10 points lower and says why; 510100 refuses one; a filed stay settles normally.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PlatformSimulator } from './server';
import { simEnvelopeContext } from './context';
import { createPlatformClient, type PlatformClient } from '../../insurance/client';
import { fenToYuan, yuanToFen } from '../../common/money';
import { nextMsgid, ok, refusal, startSimAndClient, type SimPersonRef } from '../../testing/platform.testkit';
import * as tx from '../../insurance/transactions-client';
import { splitFromSetlinfo } from '../../settlement/split';

const BEIJING_EMPLOYEE: SimPersonRef = { psnNo: '11000000000000000112', certno: '110108197803154016', insutype: '310', admdvs: '110100' };
const BEIJING_RESIDENT: SimPersonRef = { psnNo: '11000000000000000113', certno: '110105196007203020', insutype: '390', admdvs: '110100' };
const CHENGDU_UNFILED: SimPersonRef = { psnNo: '51000000000000000103', certno: '510107197507083450', insutype: '310', admdvs: '510100' };
const LOCAL: SimPersonRef = { psnNo: '33000000000000000101', certno: '33010219800101123X', insutype: '310', admdvs: '330100' };
const CODES = { a: '002100000010000-210000001', b: '003300000010000-330000001', c: '004400000010000-440000001' };
const diagnosis = [{ diag_type: '1', diag_srt_no: 1, diag_code: 'K35.800', diag_name: '急性阑尾炎', diag_dept: '普外科', dise_dor_no: 'D9', dise_dor_name: '医生', diag_time: '2024-01-10 08:00:00', vali_flag: '1', maindiag_flag: '1' }];

async function inpatientStay(client: PlatformClient, p: SimPersonRef, lines: Array<[string, number]>) {
  const opts = { insuplcAdmdvs: p.admdvs };
  const admitted = ok(await tx.admit(client, nextMsgid(), {
    mdtrtinfo: { psn_no: p.psnNo, insutype: p.insutype, begntime: '2024-01-10 08:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: p.certno, med_type: '21', ipt_no: `IP-${p.psnNo.slice(-3)}-${nextMsgid().slice(-4)}`, atddr_no: 'D9', chfpdr_name: '医生', adm_diag_dscr: '', adm_dept_codg: 'B02', adm_dept_name: '普外科', adm_bed: '1', dscg_maindiag_code: 'K35.800', dscg_maindiag_name: '急性阑尾炎' },
    diseinfo: diagnosis,
  }, opts));
  const mdtrtId = admitted.result.mdtrt_id;
  ok(await tx.uploadInpatientFees(client, nextMsgid(), {
    feedetail: lines.map(([codg, fen], i) => ({ feedetl_sn: `L${i}`, mdtrt_id: mdtrtId, psn_no: p.psnNo, med_type: '21', fee_ocur_time: '2024-01-11 09:00:00', med_list_codg: codg, medins_list_codg: `H${i}`, det_item_fee_sumamt: fenToYuan(fen), cnt: 1, pric: fenToYuan(fen), bilg_dept_codg: 'B02', bilg_dr_codg: 'D9' })),
  }, opts));
  ok(await tx.discharge(client, nextMsgid(), { dscginfo: { mdtrt_id: mdtrtId, psn_no: p.psnNo, insutype: p.insutype, endtime: '2024-01-20 10:00:00', dscg_dept_codg: 'B02', dscg_dept_name: '普外科', dscg_way: '1' }, diseinfo: diagnosis }, opts));
  const total = lines.reduce((s, [, fen]) => s + fen, 0);
  const settle = (acct: '0' | '1') => tx.settleInpatient(client, nextMsgid(), { data: { psn_no: p.psnNo, mdtrt_cert_type: '02', mdtrt_cert_no: p.certno, medfee_sumamt: fenToYuan(total), psn_setlway: '01', mdtrt_id: mdtrtId, insutype: p.insutype, acct_used_flag: acct, mid_setl_flag: '0' } }, opts);
  return { mdtrtId, settle };
}

describe('异地就医: treatment-area catalogue, insured-area policy, filing', () => {
  let sim: PlatformSimulator;
  let client: PlatformClient;
  before(async () => ({ sim, client } = await startSimAndClient()));
  after(() => sim.close());

  it('a filed Beijing employee is paid by Beijing\'s policy: per-admission 起付线 1,300.00, 85% at level 3', async () => {
    // A 20,000.00; B 5,000.00 (10% first = 500.00); C 1,000.00; in scope 24,500.00
    // 24,500.00 - 1,300.00 = 23,200.00 * 85% = 19,720.00; account 3,000.00; cash 26,000.00 - 19,720.00 - 3,000.00 = 3,280.00
    const stay = await inpatientStay(client, BEIJING_EMPLOYEE, [[CODES.a, 2_000_000], [CODES.b, 500_000], [CODES.c, 100_000]]);
    const info = ok(await stay.settle('1')).setlinfo;
    assert.deepEqual([info.hifp_pay, info.acct_pay, info.psn_cash_pay, info.act_pay_dedc].map(yuanToFen), [1_972_000, 300_000, 328_000, 130_000]);
    assert.equal(info.memo, '');
    assert.equal(splitFromSetlinfo(info).policyNote, undefined);
    const account = sim.ledger().accounts.find((a) => a.psnNo === BEIJING_EMPLOYEE.psnNo);
    assert.deepEqual([account?.balanceFen, account?.ytd.admissions], [0, 1]);
  });

  it('an unfiled Beijing resident is settled 10 points lower, and the answer and the split say why', async () => {
    // A 150,000.00; B 10,000.00 (10% first); C 2,000.00: in scope 159,000.00; 起付线 1,300.00 (level 3)
    // 65% (75% - 10) of 157,700.00 = 102,505.00; burden 56,495.00; 大病 60% of 15,619.00 = 9,371.40
    const stay = await inpatientStay(client, BEIJING_RESIDENT, [[CODES.a, 15_000_000], [CODES.b, 1_000_000], [CODES.c, 200_000]]);
    const info = ok(await stay.settle('0')).setlinfo;
    assert.deepEqual([info.hifp_pay, info.hifmi_pay, info.psn_cash_pay].map(yuanToFen), [10_250_500, 937_140, 5_012_360]);
    assert.match(String(info.memo), /异地就医未备案.*北京市.*降低10个百分点/);
    const split = splitFromSetlinfo(info);
    assert.equal(split.policyNote, info.memo);
    assert.equal(split.criticalIllnessFen, 937_140);
    const booked = sim.ledger().settlements.find((s) => s.mdtrtId === stay.mdtrtId);
    assert.equal(booked?.note, info.memo);
  });

  it('an unfiled cross-region inpatient whose area refuses is refused, and nothing is booked', async () => {
    const stay = await inpatientStay(client, CHENGDU_UNFILED, [[CODES.a, 100_000]]);
    assert.match(refusal(await stay.settle('0')), /异地就医未备案.*四川省成都市.*备案/);
    assert.equal(sim.ledger().settlements.filter((s) => s.mdtrtId === stay.mdtrtId).length, 0);
  });

  it('a local inpatient is not cross-region: no filing needed, no reason', async () => {
    const stay = await inpatientStay(client, LOCAL, [[CODES.a, 100_000]]);
    assert.equal(ok(await stay.settle('0')).setlinfo.memo, '');
  });

  it('就医地目录: an item is classed by the treatment area\'s catalogue, whichever area insures the patient', async () => {
    // 进口材料 is class C in this platform's catalogue and class B in 510100's own entries.
    const classAt = async (c: PlatformClient, p: SimPersonRef) => {
      const reg = ok(await tx.registerOutpatient(c, nextMsgid(), { data: { psn_no: p.psnNo, insutype: p.insutype, begntime: '', mdtrt_cert_type: '02', mdtrt_cert_no: p.certno, ipt_otp_no: 'CAT', atddr_no: '', dr_name: '', dept_code: '', dept_name: '', caty: '' } }, { insuplcAdmdvs: p.admdvs })).data;
      const up = ok(await tx.uploadOutpatientFees(c, nextMsgid(), { feedetail: [{ feedetl_sn: 'C1', mdtrt_id: reg.mdtrt_id, psn_no: p.psnNo, chrg_bchno: 'B1', med_list_codg: CODES.c, medins_list_codg: 'H', det_item_fee_sumamt: '100.00', cnt: 1, pric: '100.00', fee_ocur_time: '2024-01-15 09:00:00', bilg_dept_codg: '', bilg_dr_codg: '' }] }, { insuplcAdmdvs: p.admdvs }));
      return up.result[0]?.chrgitm_lv;
    };
    assert.equal(await classAt(client, CHENGDU_UNFILED), '03', 'treated in 330100: 330100\'s catalogue');
    const inChengdu = createPlatformClient({ baseUrl: sim.url, context: { ...simEnvelopeContext, mdtrtarea_admvs: '510100' }, timeoutMs: 5000 });
    assert.equal(await classAt(inChengdu, CHENGDU_UNFILED), '02', 'treated in 510100: 510100\'s catalogue');
  });
});
