// The preset deflate dictionary of sealed values, version 3 (sealed.ts): the field names of the
// platform's messages and of a visit's context, as they appear in the JSON ("name":). Sealed values
// are small JSON documents (a few hundred bytes) whose field names are most of their text, and
// deflate alone finds no earlier copy of them in a document that short; with these names preset, a
// visit's sealed values take about 30 % less room. Names only: no value, so no patient data.
// FROZEN: a value sealed as version 3 is opened with exactly this text. A change is a new version
// with its own dictionary, this one kept for the values already written.
const FIELD_NAMES: readonly string[] = [
  'person', 'psnNo', 'insutype', 'insuplcAdmdvs', 'certType', 'certNo', 'cardSn', 'idNo', 'name', 'gender',
  'birthday', 'balanceFen', 'familyPayers', 'coverages', 'bill', 'billId', 'medType', 'deptCode', 'deptName',
  'drCode', 'drName', 'items', 'feedetlSn', 'medListCodg', 'medinsListCodg', 'unitPriceFen', 'quantity',
  'amountFen', 'itemClass', 'occurredAt', 'negotiated', 'totalFen', 'chargeBatchNo', 'usePersonalAccount',
  'deferred', 'operator', 'data', 'psn_no', 'begntime', 'mdtrt_cert_type', 'mdtrt_cert_no', 'ipt_otp_no',
  'atddr_no', 'dr_name', 'dept_code', 'dept_name', 'caty', 'infcode', 'inf_refmsgid', 'refmsg_time',
  'respond_time', 'err_msg', 'warn_msg', 'cainfo', 'signtype', 'output', 'mdtrt_id', 'exp_content',
  'feedetail', 'feedetl_sn', 'chrg_bchno', 'med_list_codg', 'medins_list_codg', 'det_item_fee_sumamt', 'cnt',
  'pric', 'fee_ocur_time', 'bilg_dept_codg', 'bilg_dr_codg', 'result', 'pric_uplmt_amt', 'selfpay_prop',
  'fulamt_ownpay_amt', 'overlmt_amt', 'preselfpay_amt', 'inscp_scp_amt', 'chrgitm_lv', 'med_chrgitm_type',
  'memo', 'med_type', 'medfee_sumamt', 'psn_setlway', 'acct_used_flag', 'setlinfo', 'setl_id', 'psn_name',
  'psn_cert_type', 'certno', 'gend', 'naty', 'brdy', 'age', 'psn_type', 'cvlserv_flag', 'setl_time',
  'overlmt_selfpay', 'act_pay_dedc', 'hifp_pay', 'pool_prop_selfpay', 'cvlserv_pay', 'hifes_pay',
  'hifmi_pay', 'hifob_pay', 'maf_pay', 'oth_pay', 'fund_pay_sumamt', 'psn_part_amt', 'acct_pay',
  'psn_cash_pay', 'hosp_part_amt', 'balc', 'acct_mulaid_pay', 'medins_setl_id', 'clr_optins', 'clr_way',
  'clr_type', 'refd_setl_flag', 'setldetail', 'fund_pay_type', 'fund_pay_type_name', 'fund_payamt',
  'crt_payb_lmt_amt', 'setl_proc_info',
];

export const SEAL_DICTIONARY_V3: Buffer = Buffer.from(FIELD_NAMES.map((name) => `"${name}":`).join(''), 'utf8');
