// 家庭共济 in the simulator: 1101 names who may pay for the patient, 2206/2207 with
// acct_mulaid_psn_no draw the self-paid part from that relative's account (reported as
// acct_mulaid_pay inside acct_pay), and 2208 and 2601 give it back to the relative, not the patient.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PlatformSimulator } from './server';
import type { PlatformClient } from '../../insurance/client';
import { fenToYuan, yuanToFen } from '../../common/money';
import { nextMsgid, ok, PEOPLE, refusal, startSimAndClient } from '../../testing/platform.testkit';
import * as tx from '../../insurance/transactions-client';
import { withMutualAid } from './family';

const R = PEOPLE.resident;
const E = PEOPLE.employee;
const area = { insuplcAdmdvs: R.admdvs };

describe('family account (家庭共济) in the simulator', () => {
  let sim: PlatformSimulator;
  let client: PlatformClient;
  before(async () => ({ sim, client } = await startSimAndClient()));
  after(() => sim.close());

  const balance = (psnNo: string) => sim.ledger().accounts.find((a) => a.psnNo === psnNo)?.balanceFen;

  /** A resident's visit with one class-A line, below the 300.00 deductible: all of it self-paid. */
  async function visit(ipt: string, fen: number) {
    const reg = ok(await tx.registerOutpatient(client, nextMsgid(), { data: { psn_no: R.psnNo, insutype: R.insutype, begntime: '2024-01-15 09:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: R.certno, ipt_otp_no: ipt, atddr_no: 'D1', dr_name: '医生', dept_code: 'A03', dept_name: '内科', caty: 'A03' } }, area)).data;
    ok(await tx.uploadOutpatientFees(client, nextMsgid(), { feedetail: [{ feedetl_sn: `${ipt}-1`, mdtrt_id: reg.mdtrt_id, psn_no: R.psnNo, chrg_bchno: ipt, med_list_codg: '001101000010000-110100001', medins_list_codg: 'H-1', det_item_fee_sumamt: fenToYuan(fen), cnt: 1, pric: fenToYuan(fen), fee_ocur_time: '2024-01-15 09:10:00', bilg_dept_codg: 'A03', bilg_dr_codg: 'D1' }] }, area));
    const data = (payer: string | null) => ({ data: { psn_no: R.psnNo, mdtrt_cert_type: '02' as const, mdtrt_cert_no: R.certno, med_type: '11', medfee_sumamt: fenToYuan(fen), psn_setlway: '01', mdtrt_id: reg.mdtrt_id, chrg_bchno: ipt, acct_used_flag: '1' as const, insutype: R.insutype, ...(payer ? { acct_mulaid_psn_no: payer } : {}) } });
    return { mdtrtId: reg.mdtrt_id, data };
  }

  it('1101 lists the relative bound to pay for the patient, and nobody for an unbound person', async () => {
    const r = ok(await tx.personInfo(client, nextMsgid(), { data: { mdtrt_cert_type: '02', mdtrt_cert_no: R.certno, card_sn: '', begntime: '', psn_cert_type: '01', certno: R.certno, psn_name: '' } }));
    assert.deepEqual(r.acct_mulaid_psns?.map((x) => x.psn_no), [E.psnNo]);
    const e = ok(await tx.personInfo(client, nextMsgid(), { data: { mdtrt_cert_type: '02', mdtrt_cert_no: E.certno, card_sn: '', begntime: '', psn_cert_type: '01', certno: E.certno, psn_name: '' } }));
    assert.deepEqual(e.acct_mulaid_psns, []);
  });

  it('pre-settles and settles the cash part from the relative\'s account, and 2208 gives it back to the relative', async () => {
    const before = balance(E.psnNo) ?? 0;
    const v = await visit('FAM-1', 5_000);
    const pre = ok(await tx.preSettleOutpatient(client, nextMsgid(), v.data(E.psnNo), area)).setlinfo;
    assert.equal(yuanToFen(pre.acct_mulaid_pay ?? 0), 5_000);
    assert.equal(yuanToFen(pre.psn_cash_pay), 0);
    assert.equal(balance(E.psnNo), before, 'a pre-settlement takes nothing');
    const s = ok(await tx.settleOutpatient(client, nextMsgid(), v.data(E.psnNo), area)).setlinfo;
    assert.equal(yuanToFen(s.acct_pay), 5_000, 'acct_pay includes the relative\'s part');
    assert.equal(yuanToFen(s.fund_pay_sumamt) + yuanToFen(s.acct_pay) + yuanToFen(s.psn_cash_pay), yuanToFen(s.medfee_sumamt));
    assert.equal(balance(E.psnNo), before - 5_000);
    assert.equal(balance(R.psnNo), 0, 'the patient\'s own account is untouched');
    ok(await tx.cancelOutpatientSettlement(client, nextMsgid(), { data: { setl_id: s.setl_id, mdtrt_id: v.mdtrtId, psn_no: R.psnNo } }, area));
    assert.equal(balance(E.psnNo), before);
    assert.equal(balance(R.psnNo), 0, 'the refund went to the relative, not to the patient');
  });

  it('2601 of a settlement paid by the relative gives the relative their money back', async () => {
    const before = balance(E.psnNo) ?? 0;
    const v = await visit('FAM-2', 3_000);
    const msgid = nextMsgid();
    ok(await tx.settleOutpatient(client, msgid, v.data(E.psnNo), area));
    assert.equal(balance(E.psnNo), before - 3_000);
    ok(await tx.reverse(client, nextMsgid(), { data: { psn_no: R.psnNo, omsgid: msgid, oinfno: '2207' } }, area));
    assert.equal(balance(E.psnNo), before);
  });

  it('refuses a payer who is not bound to the patient, and commits nothing', async () => {
    const v = await visit('FAM-3', 1_000);
    const other = PEOPLE.employeeAid.psnNo;
    const before = balance(other);
    assert.match(refusal(await tx.settleOutpatient(client, nextMsgid(), v.data(other), area)), /共济绑定/);
    assert.equal(balance(other), before);
  });

  it('draws at most the relative\'s balance; the rest stays cash', () => {
    const split = { acctPayFen: 100, psnCashPayFen: 900, acctMulaidPayFen: 0 } as Parameters<typeof withMutualAid>[0];
    const s = withMutualAid(split, 600);
    assert.deepEqual([s.acctPayFen, s.psnCashPayFen, s.acctMulaidPayFen], [700, 300, 600]);
    assert.equal(withMutualAid(split, 5_000).psnCashPayFen, 0);
  });
});
