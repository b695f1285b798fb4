// The platform calls of an outpatient settlement, built from the visit's sealed context. Field
// names are the platform's (INSURANCE-API.md); amounts go on the wire as yuan built from fen.
import { fenToYuan } from '../insurance/money';
import type { NewCall } from '../journal/journal';
import type { HisBill } from '../his/client';

/** What the terminal must remember about the patient to finish a visit; sealed in the journal. */
export interface VisitPerson {
  psnNo: string;
  insutype: string;
  insuplcAdmdvs: string;
  /** mdtrt_cert_type / mdtrt_cert_no / card_sn as presented (01 e-voucher token, 02 ID, 03 card). */
  certType: string;
  certNo: string;
  cardSn: string;
  idNo: string;
  name: string;
  gender: 'male' | 'female' | 'unknown';
  birthday: string;
  balanceFen: number | null;
}

export interface VisitContext {
  person: VisitPerson;
  bill: HisBill;
  /** The terminal's own batch number for this bill's fee lines (chrg_bchno). */
  chargeBatchNo: string;
  usePersonalAccount: boolean;
  /** Captured offline: the patient agreed to the bill, the split is settled when the platform is back. */
  deferred?: boolean;
  operator: { deptCode: string; deptName: string; drCode: string; drName: string };
}

const wireTime = (iso: string) => iso.replace('T', ' ').slice(0, 19);

export function registrationCall(ctx: VisitContext, at: Date): NewCall {
  return {
    step: 'register',
    infno: '2201',
    insuplcAdmdvs: ctx.person.insuplcAdmdvs,
    input: {
      data: {
        psn_no: ctx.person.psnNo,
        insutype: ctx.person.insutype,
        begntime: wireTime(at.toISOString()),
        mdtrt_cert_type: ctx.person.certType,
        mdtrt_cert_no: ctx.person.certNo,
        ipt_otp_no: ctx.bill.billId,
        atddr_no: ctx.bill.drCode,
        dr_name: ctx.bill.drName,
        dept_code: ctx.bill.deptCode,
        dept_name: ctx.bill.deptName,
        caty: ctx.bill.deptCode,
      },
    },
  };
}

export function feeUploadCall(ctx: VisitContext, mdtrtId: string): NewCall {
  return {
    step: 'fee-upload',
    infno: '2204',
    insuplcAdmdvs: ctx.person.insuplcAdmdvs,
    input: {
      feedetail: ctx.bill.items.map((item) => ({
        feedetl_sn: item.feedetlSn,
        mdtrt_id: mdtrtId,
        psn_no: ctx.person.psnNo,
        chrg_bchno: ctx.chargeBatchNo,
        med_list_codg: item.medListCodg,
        medins_list_codg: item.medinsListCodg,
        det_item_fee_sumamt: fenToYuan(item.amountFen),
        cnt: Number(item.quantity),
        pric: fenToYuan(item.unitPriceFen),
        fee_ocur_time: item.occurredAt,
        bilg_dept_codg: ctx.bill.deptCode,
        bilg_dr_codg: ctx.bill.drCode,
      })),
    },
  };
}

function settlementInput(ctx: VisitContext, mdtrtId: string) {
  return {
    data: {
      psn_no: ctx.person.psnNo,
      mdtrt_cert_type: ctx.person.certType,
      mdtrt_cert_no: ctx.person.certNo,
      med_type: ctx.bill.medType,
      medfee_sumamt: fenToYuan(ctx.bill.totalFen),
      psn_setlway: '01',
      mdtrt_id: mdtrtId,
      chrg_bchno: ctx.chargeBatchNo,
      acct_used_flag: ctx.usePersonalAccount ? '1' : '0',
      insutype: ctx.person.insutype,
    },
  };
}

export function preSettleCall(ctx: VisitContext, mdtrtId: string): NewCall {
  return { step: 'pre-settle', infno: '2206', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: settlementInput(ctx, mdtrtId) };
}

export function settleCall(ctx: VisitContext, mdtrtId: string): NewCall {
  return { step: 'settle', infno: '2207', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: settlementInput(ctx, mdtrtId) };
}

export function reversalCall(ctx: VisitContext, original: { msgid: string; infno: string }): NewCall {
  return {
    step: 'reverse',
    infno: '2601',
    insuplcAdmdvs: ctx.person.insuplcAdmdvs,
    input: { data: { psn_no: ctx.person.psnNo, omsgid: original.msgid, oinfno: original.infno } },
  };
}
