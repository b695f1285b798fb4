// The platform calls of an outpatient settlement, built from the visit's sealed context. Field
// names are the platform's (INSURANCE-API.md); amounts go on the wire as yuan built from fen.
import { fenToYuan } from '../common/money';
import { formatWireTime } from '../insurance/msgid';
import type { NewCall } from '../journal/journal';
import type { HisBill } from '../his/client';
import type { VisitPerson } from '../common/person';
import type { AmountCheck } from './answer-checks';

export type { VisitPerson };

export interface VisitContext {
  person: VisitPerson;
  bill: HisBill;
  /**
   * The terminal's own batch number for this bill's fee lines. Its one name inside the settlement;
   * chrg_bchno on the platform's wire and chrgBchno in the journal's settlement row are where it leaves.
   */
  chargeBatchNo: string;
  usePersonalAccount: boolean;
  /** 家庭共济: the bound relative whose account pays what is left after the patient's own; null for none. */
  familyPayerPsnNo?: string | null;
  /** Captured offline: the patient agreed to the bill, the split is settled when the platform is back. */
  deferred?: boolean;
  operator: { deptCode: string; deptName: string; drCode: string; drName: string };
  /**
   * What the reversal now queued is for: to redo the step whose outcome was unknown, or to finish a
   * staff cancel (the visit then ends cancelled instead of carrying on). Absent: redo.
   */
  reversalFor?: 'redo' | 'staff-cancel';
  /**
   * Set when an ended visit's undo (2205/2202) was refused as settled and the visit is asked about
   * (5203): how it had ended, which it goes back to if the platform shows no settlement after all.
   */
  queryFor?: { endedAs: 'failed' | 'cancelled' } | null;
  /** Why the visit went to staff when a settling answer failed its check (answer-checks.ts): typed, for the admin screen and the alert. */
  staffReason?: { kind: 'amount-check'; check: AmountCheck; detail: string; setlId: string } | null;
  /** The relative's account the platform last refused to draw on (the visit was pre-settled without it); cleared when the patient chooses again. */
  familyAccountRefused?: { psnNo: string; errMsg: string } | null;
}



/** Inpatient bills (住院, 生育住院) settle through admission, discharge and 2303/2304 on one bill. */
export const isInpatient = (ctx: VisitContext): boolean => ctx.bill.medType === '21' || ctx.bill.medType === '52';

/**
 * 2401. The HIS normally admits the patient at the admission desk; the kiosk admits only a visit the
 * platform does not know yet (the simulated HIS has none), so the discharge settles on the same path.
 */
export function admissionCall(ctx: VisitContext, at: Date): NewCall {
  return {
    step: 'admit',
    infno: '2401',
    insuplcAdmdvs: ctx.person.insuplcAdmdvs,
    input: {
      mdtrtinfo: {
        psn_no: ctx.person.psnNo,
        insutype: ctx.person.insutype,
        begntime: formatWireTime(at),
        mdtrt_cert_type: ctx.person.certType,
        mdtrt_cert_no: ctx.person.certNo,
        med_type: ctx.bill.medType,
        ipt_no: ctx.bill.billId,
        atddr_no: ctx.bill.drCode,
        chfpdr_name: ctx.bill.drName,
        adm_diag_dscr: ctx.bill.diagnosis?.name ?? '',
        adm_dept_codg: ctx.bill.deptCode,
        adm_dept_name: ctx.bill.deptName,
        adm_bed: '',
        dscg_maindiag_code: ctx.bill.diagnosis?.code ?? '',
        dscg_maindiag_name: ctx.bill.diagnosis?.name ?? '',
      },
      diseinfo: diagnoses(ctx, at),
    },
  };
}

/** The bill's diagnosis as the platform's diseinfo rows (main diagnosis, valid). */
function diagnoses(ctx: VisitContext, at: Date) {
  const d = ctx.bill.diagnosis;
  if (!d) return [];
  return [
    {
      diag_type: '1',
      diag_srt_no: 1,
      diag_code: d.code,
      diag_name: d.name,
      diag_dept: ctx.bill.deptName,
      dise_dor_no: ctx.bill.drCode,
      dise_dor_name: ctx.bill.drName,
      diag_time: formatWireTime(at),
      vali_flag: '1',
      maindiag_flag: '1',
    },
  ];
}

export function inpatientFeeCall(ctx: VisitContext, mdtrtId: string): NewCall {
  return {
    step: 'upload-fees',
    infno: '2301',
    insuplcAdmdvs: ctx.person.insuplcAdmdvs,
    input: {
      feedetail: ctx.bill.items.map((item) => ({
        feedetl_sn: item.feedetlSn,
        mdtrt_id: mdtrtId,
        psn_no: ctx.person.psnNo,
        med_type: ctx.bill.medType,
        fee_ocur_time: item.occurredAt,
        med_list_codg: item.medListCodg,
        medins_list_codg: item.medinsListCodg,
        det_item_fee_sumamt: fenToYuan(item.amountFen),
        cnt: Number(item.quantity),
        pric: fenToYuan(item.unitPriceFen),
        bilg_dept_codg: ctx.bill.deptCode,
        bilg_dr_codg: ctx.bill.drCode,
      })),
    },
  };
}

export function dischargeCall(ctx: VisitContext, mdtrtId: string, at: Date): NewCall {
  return {
    step: 'discharge',
    infno: '2402',
    insuplcAdmdvs: ctx.person.insuplcAdmdvs,
    input: {
      dscginfo: {
        mdtrt_id: mdtrtId,
        psn_no: ctx.person.psnNo,
        insutype: ctx.person.insutype,
        endtime: formatWireTime(at),
        dscg_dept_codg: ctx.bill.deptCode,
        dscg_dept_name: ctx.bill.deptName,
        dscg_way: '1',
      },
      diseinfo: diagnoses(ctx, at),
    },
  };
}

function inpatientSettlementInput(ctx: VisitContext, mdtrtId: string) {
  return {
    data: {
      psn_no: ctx.person.psnNo,
      mdtrt_cert_type: ctx.person.certType,
      mdtrt_cert_no: ctx.person.certNo,
      medfee_sumamt: fenToYuan(ctx.bill.totalFen),
      psn_setlway: '01',
      mdtrt_id: mdtrtId,
      insutype: ctx.person.insutype,
      acct_used_flag: ctx.usePersonalAccount ? '1' : '0',
      // 中途结算: the HIS marked the bill as a long stay's settlement so far.
      mid_setl_flag: ctx.bill.midSettlement ? '1' : '0',
      ...familyPayerField(ctx),
    },
  };
}

export function registrationCall(ctx: VisitContext, at: Date): NewCall {
  return {
    step: 'register',
    infno: '2201',
    insuplcAdmdvs: ctx.person.insuplcAdmdvs,
    input: {
      data: {
        psn_no: ctx.person.psnNo,
        insutype: ctx.person.insutype,
        begntime: formatWireTime(at),
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
    step: 'upload-fees',
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
      ...familyPayerField(ctx),
    },
  };
}

/** Only sent when a relative pays: a platform that knows no 共济 field never sees it. */
function familyPayerField(ctx: VisitContext): { acct_mulaid_psn_no?: string } {
  return ctx.familyPayerPsnNo ? { acct_mulaid_psn_no: ctx.familyPayerPsnNo } : {};
}

export function preSettleCall(ctx: VisitContext, mdtrtId: string): NewCall {
  return isInpatient(ctx)
    ? { step: 'pre-settle', infno: '2303', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: inpatientSettlementInput(ctx, mdtrtId) }
    : { step: 'pre-settle', infno: '2206', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: settlementInput(ctx, mdtrtId) };
}

export function settleCall(ctx: VisitContext, mdtrtId: string): NewCall {
  return isInpatient(ctx)
    ? { step: 'settle', infno: '2304', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: inpatientSettlementInput(ctx, mdtrtId) }
    : { step: 'settle', infno: '2207', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: settlementInput(ctx, mdtrtId) };
}

/** The first call of a visit: registration (2201) or admission (2401). */
export function openingCall(ctx: VisitContext, at: Date): NewCall {
  return isInpatient(ctx) ? admissionCall(ctx, at) : registrationCall(ctx, at);
}

/**
 * Where a visit starts. A stay the HIS admitted (its bill carries the mdtrt_id, fee lines uploaded)
 * is discharged (2402) and settled, or, for a mid-stay settlement, pre-settled at once: no 2401 and
 * no 2301 from the terminal. Anything else opens with 2201 / 2401.
 */
export function openingStep(ctx: VisitContext, at: Date): { state: 'register-pending' | 'discharge-pending' | 'presettle-pending'; mdtrtId: string | null; call: NewCall } {
  const mdtrtId = isInpatient(ctx) ? (ctx.bill.mdtrtId ?? null) : null;
  if (!mdtrtId) return { state: 'register-pending', mdtrtId: null, call: openingCall(ctx, at) };
  if (ctx.bill.midSettlement) return { state: 'presettle-pending', mdtrtId, call: preSettleCall(ctx, mdtrtId) };
  return { state: 'discharge-pending', mdtrtId, call: dischargeCall(ctx, mdtrtId, at) };
}

/** The fee upload of a visit: 2204 outpatient, 2301 inpatient. */
export function feesCall(ctx: VisitContext, mdtrtId: string): NewCall {
  return isInpatient(ctx) ? inpatientFeeCall(ctx, mdtrtId) : feeUploadCall(ctx, mdtrtId);
}

/**
 * 5203 by visit (setl_id empty: the lost answer carried it). The platform echoes the sender's msgid
 * as medins_setl_id, which tells whether the settlement it shows is the one whose answer was lost.
 */
export function settlementQueryCall(ctx: VisitContext, mdtrtId: string): NewCall {
  return {
    step: 'query',
    infno: '5203',
    insuplcAdmdvs: ctx.person.insuplcAdmdvs,
    input: { data: { psn_no: ctx.person.psnNo, setl_id: '', mdtrt_id: mdtrtId } },
  };
}

export function reversalCall(ctx: VisitContext, original: { msgid: string; infno: string }): NewCall {
  return {
    step: 'reverse',
    infno: '2601',
    insuplcAdmdvs: ctx.person.insuplcAdmdvs,
    input: { data: { psn_no: ctx.person.psnNo, omsgid: original.msgid, oinfno: original.infno } },
  };
}
