// Input and output schemas of the platform transactions the terminal uses (INSURANCE-API.md).
// Field names are the spec's. Outputs are loose objects: the platform adds fields by province.
// Amounts on the wire may come as numbers or numeric strings; they are checked, not converted:
// call yuanToFen on them where the terminal takes them in.
import { z } from 'zod';
import { yuanToFen } from './money';

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
      mdtrt_cert_no: str,
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
  }),
};

// ---- 2201 outpatient registration: 2204 needs the mdtrt_id it returns
export const tx2201 = {
  input: z.object({
    data: z.object({
      psn_no: str, insutype: str, begntime: str, mdtrt_cert_type: CertType, mdtrt_cert_no: str,
      ipt_otp_no: str, atddr_no: str, dr_name: str, dept_code: str, dept_name: str, caty: str,
    }),
  }),
  output: z.looseObject({ data: z.looseObject({ mdtrt_id: str, psn_no: str, ipt_otp_no: str }) }),
};

// ---- 2204 outpatient fee details
export const FeeDetail = z.object({
  feedetl_sn: str,
  mdtrt_id: str,
  psn_no: str,
  chrg_bchno: str,
  dise_codg: optStr,
  rxno: optStr,
  rx_circ_flag: optStr,
  fee_ocur_time: str,
  med_list_codg: str,
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
  psn_no: str,
  mdtrt_cert_type: CertType,
  mdtrt_cert_no: str,
  med_type: str,
  medfee_sumamt: WireYuan,
  psn_setlway: str,
  mdtrt_id: str,
  chrg_bchno: str,
  acct_used_flag: Flag,
  insutype: str,
  invono: optStr,
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
  input: z.object({ data: z.object({ setl_id: str, mdtrt_id: str, psn_no: str }) }),
  output: z.looseObject({ setlinfo: SetlInfo, setldetail: z.array(SetlDetail).optional() }),
};

// ---- 2601 reversal by the original msgid
export const tx2601 = {
  input: z.object({ data: z.object({ psn_no: str, omsgid: z.string().length(30), oinfno: z.string().regex(/^\d{4}$/) }) }),
  output: z.unknown(),
};

// ---- 5203 settlement query
export const tx5203 = {
  input: z.object({ data: z.object({ psn_no: str, setl_id: str, mdtrt_id: str }) }),
  output: z.looseObject({ setlinfo: SetlInfo, setldetail: z.array(SetlDetail) }),
};

export interface TransactionSchema {
  input: z.ZodType;
  output: z.ZodType;
}

export const transactionSchemas: Record<string, TransactionSchema> = {
  '9001': tx9001,
  '1101': tx1101,
  '2201': tx2201,
  '2204': tx2204,
  '2206': tx2206,
  '2207': tx2207,
  '2208': tx2208,
  '2601': tx2601,
  '5203': tx5203,
};
