// Conformance of the outpatient transactions (1101, 2201-2208) between the client and the simulator:
// envelope fields both ways, every required input refused with an err_msg that names the field,
// and outputs shaped as the spec says.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { PlatformSimulator } from '../sim/platform/server';
import { simEnvelopeContext } from '../sim/platform/context';
import { closeServer, listen, readBody, sendText, trackSockets } from '../sim/http';
import { createPlatformClient, type PlatformClient } from './client';
import { RequestEnvelope, ResponseEnvelope } from './envelope';
import { fenToYuan, yuanToFen } from '../common/money';
import { nextMsgid, ok, PEOPLE, refusal, startSimAndClient } from '../testing/platform.testkit';
import * as tx from './transactions-client';

const E = PEOPLE.employee;
const area = { insuplcAdmdvs: E.admdvs };
const registration = (ipt: string) => ({ data: { psn_no: E.psnNo, insutype: E.insutype, begntime: '2024-01-15 09:00:00', mdtrt_cert_type: '02' as const, mdtrt_cert_no: E.certno, ipt_otp_no: ipt, atddr_no: 'D1', dr_name: '医生', dept_code: 'A03', dept_name: '内科', caty: 'A03' } });
const feeLine = (sn: string, mdtrtId: string, batch: string, fen = 2_000) => ({ feedetl_sn: sn, mdtrt_id: mdtrtId, psn_no: E.psnNo, chrg_bchno: batch, med_list_codg: '001101000010000-110100001', medins_list_codg: 'H-1', det_item_fee_sumamt: fenToYuan(fen), cnt: 1, pric: fenToYuan(fen), fee_ocur_time: '2024-01-15 09:10:00', bilg_dept_codg: 'A03', bilg_dr_codg: 'D1' });
const settleData = (mdtrtId: string, fen: number, batch = '') => ({ data: { psn_no: E.psnNo, mdtrt_cert_type: '02' as const, mdtrt_cert_no: E.certno, med_type: '11', medfee_sumamt: fenToYuan(fen), psn_setlway: '01', mdtrt_id: mdtrtId, chrg_bchno: batch, acct_used_flag: '0' as const, insutype: E.insutype } });

describe('outpatient conformance', () => {
  let sim: PlatformSimulator;
  let client: PlatformClient;
  before(async () => ({ sim, client } = await startSimAndClient()));
  after(() => sim.close());

  it('the request envelope carries every spec field with the context, msgid and inf_time as sent', async () => {
    let received = '';
    const capture = createServer((req, res) => void readBody(req).then((b) => {
      received = b;
      sendText(res, 200, JSON.stringify({ infcode: 0, inf_refmsgid: '', output: {} }));
    }));
    const sockets = trackSockets(capture);
    const url = await listen(capture, 0, '127.0.0.1');
    try {
      const c = createPlatformClient({ baseUrl: url, context: simEnvelopeContext, timeoutMs: 5_000 });
      const id = nextMsgid();
      await c.call({ infno: '2202', msgid: id, input: { data: { psn_no: 'P', mdtrt_id: 'M', ipt_otp_no: '' } }, insuplcAdmdvs: '510100', signNo: 'SIGN1', infTime: new Date(2024, 0, 15, 9, 5, 7) });
      const env = RequestEnvelope.parse(JSON.parse(received));
      assert.equal(env.infno, '2202');
      assert.equal(env.msgid, id);
      assert.equal(env.insuplc_admdvs, '510100');
      assert.equal(env.sign_no, 'SIGN1');
      assert.equal(env.inf_time, '2024-01-15 09:05:07');
      assert.equal(env.opter_type, '2', 'a self-service terminal');
      assert.equal(env.fixmedins_code, simEnvelopeContext.fixmedins_code);
      assert.equal(env.mdtrtarea_admvs, simEnvelopeContext.mdtrtarea_admvs);
      assert.deepEqual(Object.keys(JSON.parse(received) as object).sort(), Object.keys(RequestEnvelope.shape).sort(), 'no field missing, none extra');
    } finally {
      await closeServer(capture, sockets);
    }
  });

  it('the response envelope: infcode, a 30-character inf_refmsgid in the platform area, millisecond times', async () => {
    const o = await tx.personInfo(client, nextMsgid(), { data: { mdtrt_cert_type: '02', mdtrt_cert_no: E.certno, card_sn: '', begntime: '', psn_cert_type: '01', certno: E.certno, psn_name: '' } });
    assert.equal(o.kind, 'ok');
    const env = ResponseEnvelope.parse(JSON.parse(o.kind === 'ok' ? o.rawResponse : '{}'));
    assert.equal(env.infcode, 0);
    assert.match(env.inf_refmsgid ?? '', /^330100\d{24}$/);
    assert.match(env.refmsg_time ?? '', /^\d{17}$/);
    assert.match(env.respond_time ?? '', /^\d{17}$/);
    assert.ok((env.respond_time ?? '') >= (env.refmsg_time ?? ''), 'answered after received');
  });

  it('an envelope without its fields is refused and names them', async () => {
    const res = await fetch(`${sim.url}/fsi/api/rsfComIfsService/callService`, { method: 'POST', body: JSON.stringify({ infno: '1101', input: {} }) });
    const env = ResponseEnvelope.parse(await res.json());
    assert.equal(env.infcode, -1);
    assert.match(env.err_msg ?? '', /msgid/);
    assert.match(env.err_msg ?? '', /fixmedins_code/);
  });

  // One required field dropped or emptied per transaction: the platform answers -1 and says which.
  const missing: Array<[string, unknown, string]> = [
    ['1101', { data: { mdtrt_cert_type: '02', card_sn: '', begntime: '', psn_cert_type: '', certno: '', psn_name: '' } }, '入参[data.mdtrt_cert_no]不能为空'],
    ['2201', { data: { ...registration('X').data, psn_no: '' } }, '入参[data.psn_no]不能为空'],
    ['2202', { data: { psn_no: E.psnNo, ipt_otp_no: '' } }, '入参[data.mdtrt_id]不能为空'],
    ['2203', { mdtrtinfo: { mdtrt_id: 'M', psn_no: E.psnNo, begntime: '' }, diseinfo: [] }, '入参[mdtrtinfo.med_type]不能为空'],
    ['2204', { feedetail: [] }, '入参[feedetail]'],
    ['2205', { data: { mdtrt_id: 'M', psn_no: E.psnNo } }, '入参[data.chrg_bchno]不能为空'],
    ['2206', { data: { ...settleData('M', 100).data, medfee_sumamt: '12.345' } }, '入参[data.medfee_sumamt]格式错误'],
    ['2207', { data: { ...settleData('M', 100).data, acct_used_flag: '2' } }, '入参[data.acct_used_flag]格式错误'],
    ['2208', { data: { mdtrt_id: 'M', psn_no: E.psnNo } }, '入参[data.setl_id]不能为空'],
  ];
  for (const [infno, input, expected] of missing) {
    it(`${infno} refuses an input without a required field and names it`, async () => {
      const o = await client.call({ infno, msgid: nextMsgid(), input, insuplcAdmdvs: E.admdvs });
      assert.equal(o.kind, 'rejected');
      assert.ok(o.kind === 'rejected' && o.errMsg.includes(expected), `${infno}: ${o.kind === 'rejected' ? o.errMsg : ''}`);
    });
  }

  it('the typed layer refuses a bad input before anything is sent', async () => {
    const before = sim.ledger().visits.length;
    await assert.rejects(tx.registerOutpatient(client, nextMsgid(), { data: { ...registration('X').data, psn_no: '' } }, area), tx.InvalidInputError);
    assert.equal(sim.ledger().visits.length, before);
  });

  it('2201 -> 2203 -> 2204 -> 2206 -> 2207: outputs shaped as the spec says', async () => {
    const reg = ok(await tx.registerOutpatient(client, nextMsgid(), registration('OP-1'), area)).data;
    assert.equal(reg.psn_no, E.psnNo);
    assert.equal(reg.ipt_otp_no, 'OP-1');
    ok(await tx.uploadOutpatientVisit(client, nextMsgid(), { mdtrtinfo: { mdtrt_id: reg.mdtrt_id, psn_no: E.psnNo, med_type: '11', begntime: '2024-01-15 09:00:00', main_cond_dscr: '', dise_codg: '', dise_name: '' }, diseinfo: [{ diag_type: '1', diag_srt_no: 1, diag_code: 'J06.900', diag_name: '急性上呼吸道感染', diag_dept: '内科', dise_dor_no: 'D1', dise_dor_name: '医生', diag_time: '2024-01-15 09:05:00', vali_flag: '1' }] }, area));
    assert.equal(sim.ledger().visits.find((v) => v.mdtrtId === reg.mdtrt_id)?.medType, '11');
    const fees = ok(await tx.uploadOutpatientFees(client, nextMsgid(), { feedetail: [feeLine('L1', reg.mdtrt_id, 'B1'), feeLine('L2', reg.mdtrt_id, 'B1', 3_000)] }, area)).result;
    assert.deepEqual(fees.map((r) => [r.feedetl_sn, r.chrgitm_lv, yuanToFen(r.det_item_fee_sumamt)]), [['L1', '01', 2_000], ['L2', '01', 3_000]]);
    const pre = ok(await tx.preSettleOutpatient(client, nextMsgid(), settleData(reg.mdtrt_id, 5_000, 'B1'), area));
    assert.equal(pre.setlinfo.setl_id, '', 'a pre-settlement has no settlement id');
    const s = ok(await tx.settleOutpatient(client, nextMsgid(), settleData(reg.mdtrt_id, 5_000, 'B1'), area));
    const i = s.setlinfo;
    assert.equal(yuanToFen(i.fund_pay_sumamt) + yuanToFen(i.acct_pay) + yuanToFen(i.psn_cash_pay), yuanToFen(i.medfee_sumamt));
    const funds = ['hifp_pay', 'hifmi_pay', 'hifob_pay', 'cvlserv_pay', 'hifes_pay', 'maf_pay', 'oth_pay'] as const;
    assert.equal(funds.reduce((a, k) => a + yuanToFen(i[k]), 0), yuanToFen(i.fund_pay_sumamt));
    assert.match(i.setl_time ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.equal(i.clr_type, '11');
  });

  it('2205 with a batch number deletes that batch; with "0000" every unsettled line; settled lines stay', async () => {
    const reg = ok(await tx.registerOutpatient(client, nextMsgid(), registration('OP-2'), area)).data;
    ok(await tx.uploadOutpatientFees(client, nextMsgid(), { feedetail: [feeLine('A1', reg.mdtrt_id, 'B1')] }, area));
    ok(await tx.settleOutpatient(client, nextMsgid(), settleData(reg.mdtrt_id, 2_000, 'B1'), area));
    ok(await tx.uploadOutpatientFees(client, nextMsgid(), { feedetail: [feeLine('A2', reg.mdtrt_id, 'B2'), feeLine('A3', reg.mdtrt_id, 'B3')] }, area));
    ok(await tx.cancelOutpatientFees(client, nextMsgid(), { data: { mdtrt_id: reg.mdtrt_id, chrg_bchno: 'B2', psn_no: E.psnNo } }, area));
    const states = () => Object.fromEntries(sim.ledger().visits.find((v) => v.mdtrtId === reg.mdtrt_id)?.fees.map((f) => [f.feedetlSn, f.state]) ?? []);
    assert.deepEqual(states(), { A1: 'settled', A2: 'deleted', A3: 'unsettled' });
    ok(await tx.uploadOutpatientFees(client, nextMsgid(), { feedetail: [feeLine('A4', reg.mdtrt_id, 'B4')] }, area));
    ok(await tx.cancelOutpatientFees(client, nextMsgid(), { data: { mdtrt_id: reg.mdtrt_id, chrg_bchno: '0000', psn_no: E.psnNo } }, area));
    assert.deepEqual(states(), { A1: 'settled', A2: 'deleted', A3: 'deleted', A4: 'deleted' });
    assert.match(refusal(await tx.cancelOutpatientFees(client, nextMsgid(), { data: { mdtrt_id: reg.mdtrt_id, chrg_bchno: '0000', psn_no: E.psnNo } }, area)), /无可撤销/);
    // A deleted line's serial number may be uploaded again.
    ok(await tx.uploadOutpatientFees(client, nextMsgid(), { feedetail: [feeLine('A2', reg.mdtrt_id, 'B5')] }, area));
  });

  it('2202 cancels a registration without settlements; a settled visit must be cancelled first', async () => {
    const reg = ok(await tx.registerOutpatient(client, nextMsgid(), registration('OP-3'), area)).data;
    ok(await tx.uploadOutpatientFees(client, nextMsgid(), { feedetail: [feeLine('C1', reg.mdtrt_id, 'B1')] }, area));
    const s = ok(await tx.settleOutpatient(client, nextMsgid(), settleData(reg.mdtrt_id, 2_000), area)).setlinfo;
    assert.match(refusal(await tx.cancelOutpatientRegistration(client, nextMsgid(), { data: { psn_no: E.psnNo, mdtrt_id: reg.mdtrt_id, ipt_otp_no: 'OP-3' } }, area)), /请先撤销结算/);
    ok(await tx.cancelOutpatientSettlement(client, nextMsgid(), { data: { setl_id: s.setl_id, mdtrt_id: reg.mdtrt_id, psn_no: E.psnNo } }, area));
    ok(await tx.cancelOutpatientRegistration(client, nextMsgid(), { data: { psn_no: E.psnNo, mdtrt_id: reg.mdtrt_id, ipt_otp_no: 'OP-3' } }, area));
    assert.equal(sim.ledger().visits.find((v) => v.mdtrtId === reg.mdtrt_id)?.status, 'cancelled');
    assert.match(refusal(await tx.uploadOutpatientFees(client, nextMsgid(), { feedetail: [feeLine('C2', reg.mdtrt_id, 'B1')] }, area)), /不存在/);
  });
});
