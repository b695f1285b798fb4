// Input and output schemas of the platform transactions the terminal uses (INSURANCE-API.md).
// Field names are the spec's. Outputs are loose objects: the platform adds fields by province.
// Amounts on the wire may come as numbers or numeric strings; they are checked, not converted:
// call yuanToFen on them where the terminal takes them in.
import { z } from 'zod';
import { yuanToFen } from '../common/money';

export const WireYuan = z.union([z.number(), z.string()]).refine(
  (v) => {
    try {
      yuanToFen(v);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a yuan amount with at most 2 decimals' },
);

const optYuan = WireYuan.nullish();
const str = z.string();
/** A field the platform cannot do without: present and not empty. */
const req = z.string().min(1, 'must not be empty');
const optStr = z.string().nullish();
const CertType = z.enum(['01', '02', '03']);
const Flag = z.enum(['0', '1']);

// ---- 9001 sign in
export const tx9001 = {
  input: z.object({ signIn: z.object({ opter_no: str, mac: str, ip: str }) }),
  output: z.looseObject({ signinoutb: z.looseObject({ sign_time: str, sign_no: str }) }),
};

// ---- 1101 person information
export const tx1101 = {
  input: z.object({
    data: z.object({
      mdtrt_cert_type: CertType,
      mdtrt_cert_no: req,
      card_sn: str,
      begntime: str,
      psn_cert_type: str,
      certno: str,
      psn_name: str,
    }),
  }),
  output: z.looseObject({
    baseinfo: z.looseObject({ psn_no: str, psn_cert_type: optStr, certno: str, psn_name: str, gend: str, naty: optStr, brdy: str, age: z.union([z.number(), z.string()]) }),
    insuinfo: z.array(
      z.looseObject({ balc: WireYuan, insutype: str, psn_type: str, psn_insu_stas: str, psn_insu_date: optStr, paus_insu_date: optStr, cvlserv_flag: optStr, insuplc_admdvs: str, emp_name: optStr }),
    ),
    idetinfo: z.array(z.looseObject({ psn_idet_type: str, psn_type_lv: optStr, memo: optStr, begntime: str, endtime: optStr })),
    /** 家庭共济: relatives whose account may pay this person's self-paid part (the simulator's node; absent elsewhere). */
    acct_mulaid_psns: z.array(z.looseObject({ psn_no: str, psn_name: str })).nullish(),
  }),
};

// ---- 2201 outpatient registration: 2204 needs the mdtrt_id it returns
export const tx2201 = {
  input: z.object({
    data: z.object({
      psn_no: req, insutype: req, begntime: str, mdtrt_cert_type: CertType, mdtrt_cert_no: req,
      ipt_otp_no: str, atddr_no: str, dr_name: str, dept_code: str, dept_name: str, caty: str,
    }),
  }),
  output: z.looseObject({ data: z.looseObject({ mdtrt_id: str, psn_no: str, ipt_otp_no: str }) }),
};

// ---- 2204 outpatient fee details
export const FeeDetail = z.object({
  feedetl_sn: req,
  mdtrt_id: req,
  psn_no: req,
  chrg_bchno: str,
  dise_codg: optStr,
  rxno: optStr,
  rx_circ_flag: optStr,
  fee_ocur_time: str,
  med_list_codg: req,
  medins_list_codg: str,
  det_item_fee_sumamt: WireYuan,
  cnt: z.union([z.number(), z.string()]),
  pric: WireYuan,
  sin_dos_dscr: optStr,
  used_frqu_dscr: optStr,
  prd_days: optStr,
  medc_way_dscr: optStr,
  bilg_dept_codg: str,
  bilg_dept_name: optStr,
  bilg_dr_codg: str,
  bilg_dr_name: optStr,
  hosp_appr_flag: optStr,
});
export const FeeResult = z.looseObject({
  feedetl_sn: str,
  det_item_fee_sumamt: WireYuan,
  cnt: z.union([z.number(), z.string()]),
  pric: WireYuan,
  pric_uplmt_amt: optYuan,
  selfpay_prop: z.union([z.number(), z.string()]),
  fulamt_ownpay_amt: WireYuan,
  overlmt_amt: WireYuan,
  preselfpay_amt: WireYuan,
  inscp_scp_amt: WireYuan,
  chrgitm_lv: str,
  med_chrgitm_type: optStr,
  memo: optStr,
});
export const tx2204 = {
  input: z.object({ feedetail: z.array(FeeDetail).min(1) }),
  output: z.looseObject({ result: z.array(FeeResult) }),
};

// ---- 2206 / 2207 pre-settlement and settlement
const SettleData = z.object({
  psn_no: req,
  mdtrt_cert_type: CertType,
  mdtrt_cert_no: req,
  med_type: req,
  medfee_sumamt: WireYuan,
  psn_setlway: str,
  mdtrt_id: req,
  chrg_bchno: str,
  acct_used_flag: Flag,
  insutype: req,
  invono: optStr,
  /** 家庭共济: the bound relative whose personal account pays the self-paid part (simulator's name; see README). */
  acct_mulaid_psn_no: optStr,
  fulamt_ownpay_amt: optYuan,
  overlmt_selfpay: optYuan,
  preselfpay_amt: optYuan,
  inscp_scp_amt: optYuan,
});
export const SetlInfo = z.looseObject({
  setl_id: str,
  mdtrt_id: str,
  psn_no: str,
  psn_name: optStr,
  insutype: optStr,
  med_type: optStr,
  medfee_sumamt: WireYuan,
  fulamt_ownpay_amt: WireYuan,
  overlmt_selfpay: WireYuan,
  preselfpay_amt: WireYuan,
  inscp_scp_amt: WireYuan,
  act_pay_dedc: WireYuan,
  hifp_pay: WireYuan,
  pool_prop_selfpay: WireYuan,
  cvlserv_pay: WireYuan,
  hifes_pay: WireYuan,
  hifmi_pay: WireYuan,
  hifob_pay: WireYuan,
  maf_pay: WireYuan,
  oth_pay: WireYuan,
  fund_pay_sumamt: WireYuan,
  psn_part_amt: WireYuan,
  acct_pay: WireYuan,
  psn_cash_pay: WireYuan,
  acct_mulaid_pay: optYuan,
  balc: WireYuan,
  medins_setl_id: optStr,
  setl_time: optStr,
});
export const SetlDetail = z.looseObject({
  fund_pay_type: str,
  fund_payamt: WireYuan,
  inscp_scp_amt: optYuan,
  crt_payb_lmt_amt: optYuan,
  fund_pay_type_name: optStr,
  setl_proc_info: optStr,
});
export const tx2206 = {
  input: z.object({ data: SettleData }),
  // A pre-settlement has no setl_id in some provinces; the simulator sends an empty string.
  output: z.looseObject({ setlinfo: SetlInfo.extend({ setl_id: optStr }), setldetail: z.array(SetlDetail) }),
};
export const tx2207 = {
  input: z.object({ data: SettleData }),
  output: z.looseObject({ setlinfo: SetlInfo, setldetail: z.array(SetlDetail) }),
};

// ---- 2208 cancel a settlement
export const tx2208 = {
  input: z.object({ data: z.object({ setl_id: req, mdtrt_id: req, psn_no: req }) }),
  output: z.looseObject({ setlinfo: SetlInfo, setldetail: z.array(SetlDetail).optional() }),
};

// ---- 2601 reversal by the original msgid
export const tx2601 = {
  input: z.object({ data: z.object({ psn_no: req, omsgid: z.string().length(30), oinfno: z.string().regex(/^\d{4}$/) }) }),
  output: z.unknown(),
};

// ---- 5203 settlement query
export const tx5203 = {
  input: z.object({ data: z.object({ psn_no: req, setl_id: str, mdtrt_id: str }) }),
  output: z.looseObject({ setlinfo: SetlInfo, setldetail: z.array(SetlDetail) }),
};

// ---- 9002 sign out (output node name as seen in public HIS code; uncertain)
export const tx9002 = {
  input: z.object({ signOut: z.object({ sign_no: req, opter_no: str }) }),
  output: z.looseObject({ signoutoutb: z.looseObject({ sign_time: str }) }),
};

// ---- 2202 cancel an outpatient registration
export const tx2202 = {
  input: z.object({ data: z.object({ psn_no: req, mdtrt_id: req, ipt_otp_no: str }) }),
  output: z.unknown(),
};

// ---- 2203 outpatient visit information (diagnoses): nothing comes back but infcode
export const DiseInfo = z.object({
  diag_type: str,
  diag_srt_no: z.union([z.number(), z.string()]),
  diag_code: req,
  diag_name: str,
  diag_dept: optStr,
  dise_dor_no: optStr,
  dise_dor_name: optStr,
  diag_time: optStr,
  vali_flag: optStr,
  maindiag_flag: optStr,
  psn_no: optStr,
});
export const tx2203 = {
  input: z.object({
    mdtrtinfo: z.object({
      mdtrt_id: req, psn_no: req, med_type: req, begntime: str, main_cond_dscr: optStr,
      dise_codg: optStr, dise_name: optStr, birctrl_type: optStr, birctrl_matn_date: optStr,
    }),
    diseinfo: z.array(DiseInfo),
  }),
  output: z.unknown(),
};

// ---- 2205 cancel outpatient fee lines: chrg_bchno "0000" deletes every unsettled line of the visit
export const tx2205 = {
  input: z.object({ data: z.object({ mdtrt_id: req, chrg_bchno: req, psn_no: req }) }),
  output: z.unknown(),
};

// ---- 2401 admission (output node `result` in public HIS code; INSURANCE-API.md says data)
export const tx2401 = {
  input: z.object({
    mdtrtinfo: z.object({
      psn_no: req, insutype: req, coner_name: optStr, tel: optStr, begntime: req,
      mdtrt_cert_type: CertType, mdtrt_cert_no: str, med_type: req, ipt_no: req, medrcdno: optStr,
      atddr_no: str, chfpdr_name: str, adm_diag_dscr: str, adm_dept_codg: str, adm_dept_name: str,
      adm_bed: str, dscg_maindiag_code: str, dscg_maindiag_name: str, main_cond_dscr: optStr,
      dise_codg: optStr, dise_name: optStr,
    }),
    diseinfo: z.array(DiseInfo),
  }),
  output: z.looseObject({ result: z.looseObject({ mdtrt_id: str }) }),
};

// ---- 2402 discharge
export const tx2402 = {
  input: z.object({
    dscginfo: z.object({
      mdtrt_id: req, psn_no: req, insutype: req, endtime: req, dise_codg: optStr, dise_name: optStr,
      dscg_dept_codg: str, dscg_dept_name: str, dscg_bed: optStr, dscg_way: req, die_date: optStr,
    }),
    diseinfo: z.array(DiseInfo),
  }),
  output: z.unknown(),
};

// ---- 2404 / 2405 cancel admission / cancel discharge
const VisitRef = z.object({ data: z.object({ mdtrt_id: req, psn_no: req }) });
export const tx2404 = { input: VisitRef, output: z.unknown() };
export const tx2405 = { input: VisitRef, output: z.unknown() };

// ---- 2301 inpatient fee details: like 2204, with the order number and med_type instead of rx fields
export const InpatientFeeDetail = z.object({
  feedetl_sn: req,
  init_feedetl_sn: optStr,
  mdtrt_id: req,
  drord_no: optStr,
  psn_no: req,
  med_type: req,
  fee_ocur_time: str,
  med_list_codg: req,
  medins_list_codg: str,
  det_item_fee_sumamt: WireYuan,
  cnt: z.union([z.number(), z.string()]),
  pric: WireYuan,
  bilg_dept_codg: str,
  bilg_dept_name: optStr,
  bilg_dr_codg: str,
  bilg_dr_name: optStr,
  hosp_appr_flag: optStr,
});
export const tx2301 = {
  input: z.object({ feedetail: z.array(InpatientFeeDetail).min(1) }),
  output: z.looseObject({ result: z.array(FeeResult) }),
};

// ---- 2302 cancel inpatient fee lines: feedetl_sn "0000" deletes every unsettled line of the visit
export const tx2302 = {
  input: z.object({ data: z.array(z.object({ feedetl_sn: req, mdtrt_id: req, psn_no: req })).min(1) }),
  output: z.unknown(),
};

// ---- 2303 / 2304 inpatient pre-settlement and settlement; one answer carries every fund (一单式)
const InpatientSettleData = z.object({
  psn_no: req,
  mdtrt_cert_type: CertType,
  mdtrt_cert_no: str,
  medfee_sumamt: WireYuan,
  psn_setlway: req,
  mdtrt_id: req,
  insutype: req,
  acct_used_flag: Flag,
  mid_setl_flag: Flag,
  invono: optStr,
  acct_mulaid_psn_no: optStr,
  fulamt_ownpay_amt: optYuan,
  overlmt_selfpay: optYuan,
  preselfpay_amt: optYuan,
  inscp_scp_amt: optYuan,
});
export const tx2303 = {
  input: z.object({ data: InpatientSettleData }),
  output: z.looseObject({ setlinfo: SetlInfo.extend({ setl_id: optStr }), setldetail: z.array(SetlDetail) }),
};
export const tx2304 = {
  input: z.object({ data: InpatientSettleData }),
  output: z.looseObject({ setlinfo: SetlInfo, setldetail: z.array(SetlDetail) }),
};

// ---- 2305 cancel an inpatient settlement (the public spec's answer has no psn_no)
export const tx2305 = {
  input: z.object({ data: z.object({ mdtrt_id: req, setl_id: req, psn_no: req }) }),
  output: z.looseObject({ setlinfo: SetlInfo.extend({ psn_no: optStr }), setldetail: z.array(SetlDetail).optional() }),
};

// ---- 3201 reconciliation of totals: the terminal's sums against the platform's books
export const tx3201 = {
  input: z.object({
    data: z.object({
      insutype: req,
      clr_type: req,
      setl_optins: str,
      stmt_begndate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      stmt_enddate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      medfee_sumamt: WireYuan,
      fund_pay_sumamt: WireYuan,
      acct_pay: WireYuan,
      fixmedins_setl_cnt: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
      refd_setl_flag: Flag.nullish(),
    }),
  }),
  output: z.looseObject({ stmtinfo: z.looseObject({ setl_optins: optStr, stmt_rslt: z.enum(['0', '1']), stmt_rslt_dscr: optStr }) }),
};

// ---- 3202 reconciliation of details. The spec uploads the detail file by 9101 and names it by
// file_qury_no; this terminal (and the simulator) carries the rows inline in `detail` instead, and
// the answer lists the rows that do not match (ours or the platform's) in `details`.
export const tx3202 = {
  input: z.object({
    data: z.object({
      setl_optins: str,
      file_qury_no: str,
      stmt_begndate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      stmt_enddate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      medfee_sumamt: WireYuan,
      fund_pay_sumamt: WireYuan,
      cash_payamt: WireYuan,
      fixmedins_setl_cnt: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
      insutype: str.optional(),
      clr_type: str.optional(),
      refd_setl_flag: Flag.nullish(),
    }),
    detail: z.array(z.object({ setl_id: req, mdtrt_id: req, psn_no: req, medfee_sumamt: WireYuan, fund_pay_sumamt: WireYuan, acct_pay: WireYuan, refd_setl_flag: Flag })),
  }),
  output: z.looseObject({
    stmtinfo: z.looseObject({ stmt_rslt: z.enum(['0', '1']), stmt_rslt_dscr: optStr }),
    details: z.array(z.looseObject({ setl_id: str, mdtrt_id: optStr, stmt_rslt: z.enum(['0', '1']), memo: optStr })),
  }),
};

export interface TransactionSchema {
  input: z.ZodType;
  output: z.ZodType;
}

export const transactionSchemas: Record<string, TransactionSchema> = {
  '9001': tx9001,
  '9002': tx9002,
  '1101': tx1101,
  '2201': tx2201,
  '2202': tx2202,
  '2203': tx2203,
  '2204': tx2204,
  '2205': tx2205,
  '2206': tx2206,
  '2207': tx2207,
  '2208': tx2208,
  '2301': tx2301,
  '2302': tx2302,
  '2303': tx2303,
  '2304': tx2304,
  '2305': tx2305,
  '2401': tx2401,
  '2402': tx2402,
  '2404': tx2404,
  '2405': tx2405,
  '2601': tx2601,
  '3201': tx3201,
  '3202': tx3202,
  '5203': tx5203,
};
