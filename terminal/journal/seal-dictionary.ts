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

// Version 4: version 3's names, then whole documents as the terminal writes them and the platform
// answers them (INSURANCE-API.md's fields, in the order the messages carry them), with their values
// emptied: "" for what differs from visit to visit, and the values most answers share (0 amounts,
// null envelope fields, the common codes of INSURANCE-API.md "Codes worth knowing"). With only the
// names preset, deflate still spells out every `":0,"` and `":null,"` between them; with the documents,
// a run of fields that hold their usual values is one back-reference. A visit's nine sealed values
// (context, four inputs, four replies) deflate to ~1.6 KB against ~2.2 KB with version 3 (bench:journal-bytes).
// Most used last: deflate's nearer back-references are the cheaper ones. No patient data, no
// hospital's own codes or names. FROZEN like version 3.
const DOCUMENTS: readonly string[] = [
  // Mobile payment bodies (6201-6401) and the sign-in (9001), whose answers are short.
  `{"appId":"","encType":"SM4","signType":"SM2","version":"","timestamp":"","encData":"","signData":""}`,
  `{"signIn":{"opter_no":"","mac":"","ip":""}}`,
  `"output":{"signinoutb":{"sign_time":"","sign_no":""}}}`,
  // The undo, refund, query and reversal inputs.
  `{"data":{"psn_no":"","mdtrt_id":"","ipt_otp_no":""}}`,
  `{"data":{"mdtrt_id":"","chrg_bchno":"0000","psn_no":""}}`,
  `{"data":{"setl_id":"","mdtrt_id":"","psn_no":""}}`,
  `{"data":{"psn_no":"","setl_id":"","mdtrt_id":""}}`,
  `{"data":{"psn_no":"","omsgid":"","oinfno":""}}`,
  // 1101: the person query and its answer, and the person as the journal keeps it.
  `{"data":{"mdtrt_cert_type":"01","mdtrt_cert_no":"","card_sn":"","begntime":"","psn_cert_type":"01","certno":"","psn_name":""}}`,
  `"output":{"baseinfo":{"psn_no":"","psn_cert_type":"01","certno":"","psn_name":"","gend":"1","naty":"01","brdy":"","age":0},"insuinfo":[{"balc":0,"insutype":"310","psn_type":"11","psn_insu_stas":"1","psn_insu_date":"","paus_insu_date":null,"cvlserv_flag":"0","insuplc_admdvs":"","emp_name":""}],"idetinfo":[],"acct_mulaid_psns":[]}}`,
  `{"psnNo":"","insutype":"310","insuplcAdmdvs":"","certType":"01","certNo":"","cardSn":"","idNo":"","name":"","gender":"male","birthday":"","balanceFen":0,"familyPayers":[],"coverages":["310"]}`,
  // A visit's context (terminal/settlement: person, bill, how to pay).
  `{"person":{"psnNo":"","insutype":"310","insuplcAdmdvs":"","certType":"01","certNo":"","cardSn":"","idNo":"","name":"","gender":"female","birthday":"","balanceFen":0,"familyPayers":[],"coverages":["310"]},"bill":{"billId":"","medType":"11","deptCode":"","deptName":"","drCode":"","drName":"","items":[{"feedetlSn":"","name":"","medListCodg":"","medinsListCodg":"","unitPriceFen":0,"quantity":"1","amountFen":0,"itemClass":"01","occurredAt":""}],"totalFen":0},"chargeBatchNo":"","usePersonalAccount":true,"deferred":false,"operator":{"deptCode":"","deptName":"","drCode":"","drName":""}}`,
  // 2201, 2204, 2206/2207 inputs.
  `{"data":{"psn_no":"","insutype":"310","begntime":"","mdtrt_cert_type":"01","mdtrt_cert_no":"","ipt_otp_no":"","atddr_no":"","dr_name":"","dept_code":"","dept_name":"","caty":""}}`,
  `{"feedetail":[{"feedetl_sn":"","mdtrt_id":"","psn_no":"","chrg_bchno":"","med_list_codg":"","medins_list_codg":"","det_item_fee_sumamt":0,"cnt":1,"pric":0,"fee_ocur_time":"","bilg_dept_codg":"","bilg_dr_codg":""}]}`,
  `{"data":{"psn_no":"","mdtrt_cert_type":"01","mdtrt_cert_no":"","med_type":"11","medfee_sumamt":0,"psn_setlway":"01","mdtrt_id":"","chrg_bchno":"","acct_used_flag":"1","insutype":"310"}}`,
  // The answers: the envelope with 2201's output, 2204's, then 2206/2207's (the most bytes of a visit).
  `{"infcode":0,"inf_refmsgid":"","refmsg_time":"","respond_time":"","err_msg":null,"warn_msg":null,"cainfo":null,"signtype":null,"output":{"data":{"mdtrt_id":"","psn_no":"","ipt_otp_no":"","exp_content":""}}}`,
  `"output":{"result":[{"feedetl_sn":"","det_item_fee_sumamt":0,"cnt":"1","pric":0,"pric_uplmt_amt":0,"selfpay_prop":"0","fulamt_ownpay_amt":0,"overlmt_amt":0,"preselfpay_amt":0,"inscp_scp_amt":0,"chrgitm_lv":"01","med_chrgitm_type":"01","memo":""}]}}`,
  `"setldetail":[{"fund_pay_type":"310100","fund_pay_type_name":"基本医疗保险统筹基金支出","fund_payamt":0,"inscp_scp_amt":0,"crt_payb_lmt_amt":null,"setl_proc_info":""},{"fund_pay_type":"390200","fund_pay_type_name":"城乡居民大病医疗保险资金支出"},{"fund_pay_type":"330100","fund_pay_type_name":"职工大额医疗费用补助基金支出"},{"fund_pay_type":"610100","fund_pay_type_name":"医疗救助基金支出"}]}}`,
  `"output":{"setlinfo":{"setl_id":"","mdtrt_id":"","psn_no":"","psn_name":"","psn_cert_type":"01","certno":"","gend":"1","naty":"01","brdy":"","age":0,"insutype":"310","psn_type":"11","cvlserv_flag":"0","setl_time":"","mdtrt_cert_type":"","med_type":"11","medfee_sumamt":0,"fulamt_ownpay_amt":0,"overlmt_selfpay":0,"preselfpay_amt":0,"inscp_scp_amt":0,"act_pay_dedc":0,"hifp_pay":0,"pool_prop_selfpay":0,"cvlserv_pay":0,"hifes_pay":0,"hifmi_pay":0,"hifob_pay":0,"maf_pay":0,"oth_pay":0,"fund_pay_sumamt":0,"psn_part_amt":0,"acct_pay":0,"psn_cash_pay":0,"hosp_part_amt":0,"balc":0,"acct_mulaid_pay":0,"medins_setl_id":"","clr_optins":"","clr_way":"1","clr_type":"11","refd_setl_flag":"0","memo":""},"setldetail":[]}}`,
];

export const SEAL_DICTIONARY_V4: Buffer = Buffer.concat([SEAL_DICTIONARY_V3, Buffer.from(DOCUMENTS.join(''), 'utf8')]);
