// The client against the real platform simulator over loopback: the walking-skeleton path
// (QR decode -> 1101 -> 2201 -> 2204 -> 2206 -> 2207), then cancel, reversal, query and idempotency.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startPlatformSimulator, type PlatformSimulator } from '../sim/platform/server';
import { createPlatformClient, type CallOutcome, type PlatformClient } from './client';
import { simEnvelopeContext } from '../sim/platform/context';
import { fenToYuan, yuanToFen } from '../common/money';
import { formatMsgid } from './msgid';
import { tx1101, tx2201, tx2204, tx2207 } from './transactions';

const fixturesDir = fileURLToPath(new URL('../../fixtures', import.meta.url));
const testContext = simEnvelopeContext;

let seq = 0;
const msgid = () => formatMsgid('H33010000001', new Date(), ++seq);

function ok(o: CallOutcome): unknown {
  if (o.kind !== 'ok') assert.fail(`expected ok, got ${JSON.stringify(o).slice(0, 400)}`);
  return o.output;
}

const employeeFees = [
  { sn: 'F1', codg: '001101000010000-110100001', fen: 2_000 },
  { sn: 'F2', codg: 'XA01BAA001A001010100001', fen: 3_000 },
  { sn: 'F3', codg: 'XB02CDE002B002020200002', fen: 12_000 },
  { sn: 'F4', codg: 'ZC03FGH003C003030300003', fen: 3_000 },
];

async function openVisit(client: PlatformClient, person: { psnNo: string; insutype: string; admdvs: string; certType: '01' | '02' | '03'; certNo: string }, fees = employeeFees) {
  const reg = tx2201.output.parse(ok(await client.call({
    infno: '2201', msgid: msgid(), insuplcAdmdvs: person.admdvs,
    input: { data: { psn_no: person.psnNo, insutype: person.insutype, begntime: '2024-01-15 09:00:00', mdtrt_cert_type: person.certType, mdtrt_cert_no: person.certNo, ipt_otp_no: 'OP1', atddr_no: 'D0001', dr_name: '医生', dept_code: 'A03', dept_name: '内科', caty: 'A03' } },
  })));
  const mdtrtId = reg.data.mdtrt_id;
  const upload = await client.call({
    infno: '2204', msgid: msgid(), insuplcAdmdvs: person.admdvs,
    input: { feedetail: fees.map((f) => ({ feedetl_sn: f.sn, mdtrt_id: mdtrtId, psn_no: person.psnNo, chrg_bchno: 'B1', med_list_codg: f.codg, medins_list_codg: 'H-' + f.sn, det_item_fee_sumamt: fenToYuan(f.fen), cnt: 1, pric: fenToYuan(f.fen), fee_ocur_time: '2024-01-15 09:10:00', bilg_dept_codg: 'A03', bilg_dr_codg: 'D0001' })) },
  });
  return { mdtrtId, upload };
}

function settleInput(p: { psnNo: string; insutype: string; certType: string; certNo: string }, mdtrtId: string, totalFen: number, acct: '0' | '1') {
  return { data: { psn_no: p.psnNo, mdtrt_cert_type: p.certType, mdtrt_cert_no: p.certNo, med_type: '11', medfee_sumamt: fenToYuan(totalFen), psn_setlway: '01', mdtrt_id: mdtrtId, chrg_bchno: 'B1', acct_used_flag: acct, insutype: p.insutype } };
}

describe('platform client against the simulator', () => {
  let sim: PlatformSimulator;
  let client: PlatformClient;
  before(async () => {
    sim = await startPlatformSimulator({ fixturesDir, seed: 1 });
    client = createPlatformClient({ baseUrl: sim.url, context: testContext, timeoutMs: 5_000 });
  });
  after(() => sim.close());

  it('walking skeleton: QR -> decode -> 1101 -> 2201 -> 2204 -> 2206 -> 2207', async () => {
    const qr = sim.mintEcQr('employee');
    assert.match(qr, /^NHSAEC1\./);
    const decoded = await client.decodeEcQr({ qrCode: qr, businessType: '01301', deviceType: 'SelfService' });
    assert.equal(decoded.kind, 'ok');
    if (decoded.kind !== 'ok') return;
    assert.equal(decoded.person.idNo, '33010219800101123X');
    assert.equal(decoded.person.insuOrg, '330100');

    const info = tx1101.output.parse(ok(await client.call({ infno: '1101', msgid: msgid(), input: { data: { mdtrt_cert_type: '01', mdtrt_cert_no: decoded.person.ecToken, card_sn: '', begntime: '2024-01-15 09:00:00', psn_cert_type: '01', certno: decoded.person.idNo, psn_name: decoded.person.userName } } })));
    const insu = info.insuinfo[0];
    assert.ok(insu);
    assert.equal(insu.insutype, '310');
    assert.equal(yuanToFen(insu.balc), 200_000);
    const person = { psnNo: info.baseinfo.psn_no, insutype: insu.insutype, admdvs: insu.insuplc_admdvs, certType: '01' as const, certNo: decoded.person.ecToken };

    const { mdtrtId, upload } = await openVisit(client, person);
    const result = tx2204.output.parse(ok(upload)).result;
    assert.deepEqual(result.map((r) => r.chrgitm_lv), ['01', '01', '02', '03']);
    assert.equal(yuanToFen(result[2]?.preselfpay_amt), 1_200);

    const pre = ok(await client.call({ infno: '2206', msgid: msgid(), insuplcAdmdvs: person.admdvs, input: settleInput(person, mdtrtId, 20_000, '1') })) as { setlinfo: Record<string, unknown> };
    assert.equal(yuanToFen(pre.setlinfo.acct_pay), 20_000);
    assert.equal(sim.ledger().settlements.length, 0, 'pre-settlement commits nothing');

    const settleMsgid = msgid();
    const settled = await client.call({ infno: '2207', msgid: settleMsgid, insuplcAdmdvs: person.admdvs, input: settleInput(person, mdtrtId, 20_000, '1') });
    const out = tx2207.output.parse(ok(settled));
    const s = out.setlinfo;
    assert.equal(yuanToFen(s.fund_pay_sumamt) + yuanToFen(s.acct_pay) + yuanToFen(s.psn_cash_pay), yuanToFen(s.medfee_sumamt));
    assert.equal(yuanToFen(s.balc), 180_000);
    assert.equal(s.medins_setl_id, settleMsgid);
    assert.ok(settled.kind === 'ok' && settled.rawResponse.includes(s.setl_id), 'raw text kept');
    const ledger = sim.ledger();
    assert.equal(ledger.settlements.length, 1);
    assert.equal(ledger.accounts.find((a) => a.psnNo === person.psnNo)?.balanceFen, 180_000);
  });

  it('a decoded QR is single-use, expires, and a forged one is refused', async () => {
    const qr = sim.mintEcQr('resident');
    assert.equal((await client.decodeEcQr({ qrCode: qr, businessType: '01301', deviceType: 'SelfService' })).kind, 'ok');
    const again = await client.decodeEcQr({ qrCode: qr, businessType: '01301', deviceType: 'SelfService' });
    assert.deepEqual(again.kind === 'rejected' && again.code, 'EC1003');
    const old = sim.mintEcQr('resident', new Date(Date.now() - 61_000));
    const expired = await client.decodeEcQr({ qrCode: old, businessType: '01301', deviceType: 'SelfService' });
    assert.deepEqual(expired.kind === 'rejected' && expired.code, 'EC1002');
    const forged = sim.mintEcQr('resident').replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const bad = await client.decodeEcQr({ qrCode: forged, businessType: '01301', deviceType: 'SelfService' });
    assert.deepEqual(bad.kind === 'rejected' && bad.code, 'EC1004');
  });

  it('1101 by ID number (02) and by card (03, card_sn checked); a business refusal is rejected', async () => {
    const by02 = tx1101.output.parse(ok(await client.call({ infno: '1101', msgid: msgid(), input: { data: { mdtrt_cert_type: '02', mdtrt_cert_no: '510107197507083450', card_sn: '', begntime: '', psn_cert_type: '01', certno: '510107197507083450', psn_name: '' } } })));
    assert.equal(by02.insuinfo[0]?.insuplc_admdvs, '510100');
    const by03 = tx1101.output.parse(ok(await client.call({ infno: '1101', msgid: msgid(), input: { data: { mdtrt_cert_type: '03', mdtrt_cert_no: 'A33010005', card_sn: '330100D156000005000005', begntime: '', psn_cert_type: '', certno: '', psn_name: '' } } })));
    assert.equal(by03.insuinfo[0]?.psn_insu_stas, '2');
    const wrongSn = await client.call({ infno: '1101', msgid: msgid(), input: { data: { mdtrt_cert_type: '03', mdtrt_cert_no: 'A33010005', card_sn: 'WRONG', begntime: '', psn_cert_type: '', certno: '', psn_name: '' } } });
    assert.equal(wrongSn.kind, 'rejected');
    assert.ok(wrongSn.kind === 'rejected' && wrongSn.infcode === -1 && wrongSn.errMsg.includes('识别码'));
  });

  it('the suspended person cannot register; the cross-region person needs the right insuplc_admdvs', async () => {
    const suspended = await client.call({ infno: '2201', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { psn_no: '33000000000000000105', insutype: '310', begntime: '', mdtrt_cert_type: '02', mdtrt_cert_no: '33010819881111567X', ipt_otp_no: 'x', atddr_no: '', dr_name: '', dept_code: '', dept_name: '', caty: '' } } });
    assert.ok(suspended.kind === 'rejected' && suspended.errMsg.includes('暂停'));
    const cross = { psnNo: '51000000000000000103', insutype: '310', certType: '02' as const, certNo: '510107197507083450' };
    const wrongArea = await client.call({ infno: '2201', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { psn_no: cross.psnNo, insutype: '310', begntime: '', mdtrt_cert_type: '02', mdtrt_cert_no: cross.certNo, ipt_otp_no: 'x', atddr_no: '', dr_name: '', dept_code: '', dept_name: '', caty: '' } } });
    assert.ok(wrongArea.kind === 'rejected' && wrongArea.errMsg.includes('参保地'));
    const { mdtrtId } = await openVisit(client, { ...cross, admdvs: '510100' }, [{ sn: 'C1', codg: '001101000010000-110100001', fen: 2_000 }]);
    const s = ok(await client.call({ infno: '2207', msgid: msgid(), insuplcAdmdvs: '510100', input: settleInput(cross, mdtrtId, 2_000, '0') })) as { setlinfo: Record<string, unknown> };
    assert.equal(yuanToFen(s.setlinfo.psn_cash_pay), 2_000);
  });

  it('a wrong total is refused and commits nothing', async () => {
    const p = { psnNo: '33000000000000000102', insutype: '390', admdvs: '330100', certType: '02' as const, certNo: '330106199203152348' };
    const { mdtrtId } = await openVisit(client, p);
    const before = sim.ledger().settlements.length;
    const r = await client.call({ infno: '2207', msgid: msgid(), insuplcAdmdvs: '330100', input: settleInput(p, mdtrtId, 19_999, '0') });
    assert.ok(r.kind === 'rejected' && r.errMsg.includes('不符'));
    assert.equal(sim.ledger().settlements.length, before);
  });

  it('a repeated msgid returns the first answer unchanged and commits once; a reused msgid for another request is refused', async () => {
    const p = { psnNo: '33000000000000000102', insutype: '390', admdvs: '330100', certType: '02' as const, certNo: '330106199203152348' };
    const { mdtrtId } = await openVisit(client, p, [{ sn: 'R1', codg: '001101000010000-110100001', fen: 50_000 }]);
    const id = msgid();
    const first = await client.call({ infno: '2207', msgid: id, insuplcAdmdvs: '330100', input: settleInput(p, mdtrtId, 50_000, '0') });
    const second = await client.call({ infno: '2207', msgid: id, insuplcAdmdvs: '330100', input: settleInput(p, mdtrtId, 50_000, '0') });
    assert.equal(first.kind, 'ok');
    assert.equal(second.kind === 'ok' && second.rawResponse, first.kind === 'ok' && first.rawResponse);
    assert.equal(sim.ledger().settlements.filter((s) => s.mdtrtId === mdtrtId).length, 1);
    const clash = await client.call({ infno: '1101', msgid: id, input: { data: { mdtrt_cert_type: '02', mdtrt_cert_no: p.certNo, card_sn: '', begntime: '', psn_cert_type: '', certno: '', psn_name: '' } } });
    assert.ok(clash.kind === 'rejected' && clash.errMsg.includes('重复'));
  });

  it('2208 cancels a settlement and gives the account back; 5203 reports it cancelled', async () => {
    const p = { psnNo: '33000000000000000101', insutype: '310', admdvs: '330100', certType: '02' as const, certNo: '33010219800101123X' };
    const balance = () => sim.ledger().accounts.find((a) => a.psnNo === p.psnNo)?.balanceFen;
    const before = balance();
    const { mdtrtId } = await openVisit(client, p, [{ sn: 'X1', codg: '001101000010000-110100001', fen: 5_000 }]);
    const s = tx2207.output.parse(ok(await client.call({ infno: '2207', msgid: msgid(), insuplcAdmdvs: '330100', input: settleInput(p, mdtrtId, 5_000, '1') }))).setlinfo;
    assert.equal(balance(), (before ?? 0) - 5_000);
    const cancel = ok(await client.call({ infno: '2208', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { setl_id: s.setl_id, mdtrt_id: mdtrtId, psn_no: p.psnNo } } })) as { setlinfo: Record<string, unknown> };
    assert.equal(yuanToFen(cancel.setlinfo.medfee_sumamt), -5_000);
    assert.equal(balance(), before);
    const again = await client.call({ infno: '2208', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { setl_id: s.setl_id, mdtrt_id: mdtrtId, psn_no: p.psnNo } } });
    assert.ok(again.kind === 'rejected' && again.errMsg.includes('已撤销'));
    const q = ok(await client.call({ infno: '5203', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { psn_no: p.psnNo, setl_id: s.setl_id, mdtrt_id: mdtrtId } } })) as { setlinfo: Record<string, unknown> };
    assert.equal(q.setlinfo.refd_setl_flag, '1');
  });

  it('2601 reverses a committed 2207 by its msgid, once; a never-seen msgid is "不存在"', async () => {
    const p = { psnNo: '33000000000000000102', insutype: '390', admdvs: '330100', certType: '02' as const, certNo: '330106199203152348' };
    const { mdtrtId } = await openVisit(client, p, [{ sn: 'V1', codg: '001101000010000-110100001', fen: 7_000 }]);
    const settleId = msgid();
    ok(await client.call({ infno: '2207', msgid: settleId, insuplcAdmdvs: '330100', input: settleInput(p, mdtrtId, 7_000, '0') }));
    ok(await client.call({ infno: '2601', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { psn_no: p.psnNo, omsgid: settleId, oinfno: '2207' } } }));
    assert.equal(sim.ledger().settlements.find((s) => s.msgid === settleId)?.status, 'reversed');
    const twice = await client.call({ infno: '2601', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { psn_no: p.psnNo, omsgid: settleId, oinfno: '2207' } } });
    assert.ok(twice.kind === 'rejected' && twice.errMsg.includes('已冲正'));
    const never = await client.call({ infno: '2601', msgid: msgid(), insuplcAdmdvs: '330100', input: { data: { psn_no: p.psnNo, omsgid: formatMsgid('H33010000001', new Date(), 9999), oinfno: '2207' } } });
    assert.ok(never.kind === 'rejected' && never.errMsg.includes('不存在'));
    // After the reversal the same fees can be settled again with a new msgid.
    ok(await client.call({ infno: '2207', msgid: msgid(), insuplcAdmdvs: '330100', input: settleInput(p, mdtrtId, 7_000, '0') }));
  });

  it('the medical-aid person\'s inpatient bill splits across basic fund, 大病 and 医疗救助 to the fen', async () => {
    const p = { psnNo: '33000000000000000104', insutype: '390', admdvs: '330100', certType: '02' as const, certNo: '330105195809204566' };
    // Same numbers as the policy unit test: A 40000.00, B 10000.00 (15%), C 2000.00.
    const { mdtrtId } = await openVisit(client, p, [
      { sn: 'I1', codg: '002100000010000-210000001', fen: 4_000_000 },
      { sn: 'I2', codg: '003300000010000-330000001', fen: 1_000_000 },
      { sn: 'I3', codg: '004400000010000-440000001', fen: 200_000 },
    ]);
    const input = settleInput(p, mdtrtId, 5_200_000, '0');
    input.data.med_type = '21';
    const out = tx2207.output.parse(ok(await client.call({ infno: '2207', msgid: msgid(), insuplcAdmdvs: '330100', input })));
    const s = out.setlinfo;
    assert.deepEqual([s.hifp_pay, s.hifmi_pay, s.maf_pay, s.fund_pay_sumamt, s.psn_cash_pay].map(yuanToFen), [3_325_000, 15_000, 1_057_000, 4_397_000, 803_000]);
    assert.deepEqual(out.setldetail.map((d) => d.fund_pay_type), ['390100', '390200', '610100']);
  });

  it('9001 signs in', async () => {
    const out = ok(await client.call({ infno: '9001', msgid: msgid(), input: { signIn: { opter_no: 'KIOSK-01', mac: '00-11-22-33-44-55', ip: '127.0.0.1' } } })) as { signinoutb: { sign_no: string } };
    assert.ok(out.signinoutb.sign_no.length > 0);
  });
});
