// The simulated platform's books and its transaction handlers. Everything a request changes is
// changed here, synchronously, so one request is one atomic step; the server adds HTTP, msgid
// idempotency and faults around it.
import { fenToYuan, fenToYuanString, yuanToFen } from '../../insurance/money';
import { formatCompactTime, formatWireTime } from '../../insurance/msgid';
import { transactionSchemas } from '../../insurance/transactions';
import type { SimFixtures, SimPerson } from './fixtures';
import { addYearToDate, classifyLine, emptyYearToDate, settingOf, splitBill, type ItemClass, type LineSplit, type Split, type YearToDate } from './policy';

export interface HandlerResult {
  infcode: number;
  err_msg?: string;
  output?: unknown;
}

export interface CallEnvelope {
  infno: string;
  msgid: string;
  insuplc_admdvs: string;
  input: unknown;
}

export interface FeeLine {
  feedetlSn: string;
  chrgBchno: string;
  msgid: string;
  amountFen: number;
  priceFen: number;
  cnt: string;
  medListCodg: string;
  split: LineSplit;
  state: 'unsettled' | 'settled' | 'reversed';
  setlId: string | null;
}

export interface Visit {
  mdtrtId: string;
  psnNo: string;
  insutype: string;
  msgid: string;
  status: 'open' | 'reversed';
  fees: FeeLine[];
}

export interface Settlement {
  setlId: string;
  mdtrtId: string;
  psnNo: string;
  msgid: string;
  insutype: string;
  medType: string;
  setlTime: string;
  split: Split;
  status: 'settled' | 'cancelled' | 'reversed';
  cancelSetlId: string | null;
}

export interface Ledger {
  accounts: Array<{ psnNo: string; balanceFen: number; ytd: YearToDate }>;
  visits: Visit[];
  settlements: Settlement[];
  signIns: Array<{ signNo: string; opterNo: string }>;
  tokens: number;
}

const rejected = (err_msg: string): HandlerResult => ({ infcode: -1, err_msg });

export class PlatformState {
  private accounts = new Map<string, { balanceFen: number; ytd: YearToDate }>();
  private visits = new Map<string, Visit>();
  private settlements = new Map<string, Settlement>();
  private signIns: Array<{ signNo: string; opterNo: string }> = [];
  private tokens = new Map<string, { psnNo: string; expiresAt: number }>();
  /** What each processed msgid did, so 2601 can undo it. */
  private effects = new Map<string, { infno: string; committed: boolean; reversed: boolean }>();
  private serial = 0;

  constructor(private fx: SimFixtures, private now: () => Date) {
    for (const p of fx.people) this.accounts.set(p.psn_no, { balanceFen: p.balc, ytd: emptyYearToDate() });
  }

  ledger(): Ledger {
    return structuredClone({
      accounts: [...this.accounts].map(([psnNo, a]) => ({ psnNo, ...a })),
      visits: [...this.visits.values()],
      settlements: [...this.settlements.values()],
      signIns: this.signIns,
      tokens: this.tokens.size,
    });
  }

  personByKey(key: string): SimPerson | undefined {
    return this.fx.people.find((p) => p.key === key);
  }

  personByEcIndex(ecIndexNo: string): SimPerson | undefined {
    return this.fx.people.find((p) => p.ec_index_no === ecIndexNo);
  }

  issueEcToken(person: SimPerson): string {
    const token = `ECT${formatCompactTime(this.now())}${String(++this.serial).padStart(8, '0')}${person.ec_index_no.slice(-4)}`;
    this.tokens.set(token, { psnNo: person.psn_no, expiresAt: this.now().getTime() + this.fx.config.ecTokenValiditySeconds * 1000 });
    return token;
  }

  private nextId(prefix: string): string {
    return `${prefix}${this.fx.config.admdvs}${formatCompactTime(this.now())}${String(++this.serial).padStart(8, '0')}`;
  }

  handle(env: CallEnvelope): HandlerResult {
    const schema = transactionSchemas[env.infno];
    if (!schema) return rejected(`交易编号[${env.infno}]不存在`);
    const input = schema.input.safeParse(env.input);
    if (!input.success) return rejected(`入参校验失败: ${input.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ').slice(0, 300)}`);
    const result = this.dispatch(env);
    this.effects.set(env.msgid, { infno: env.infno, committed: result.infcode === 0 && COMMITTING.has(env.infno), reversed: false });
    return result;
  }

  private dispatch(env: CallEnvelope): HandlerResult {
    // Inputs are schema-checked above; the casts only name the shape.
    const input = env.input as Record<string, Record<string, unknown> & Array<Record<string, unknown>>>;
    switch (env.infno) {
      case '9001': return this.signIn(input.signIn as unknown as { opter_no: string });
      case '1101': return this.personInfo(input.data as unknown as PersonQuery);
      case '2201': return this.register(env, input.data as unknown as RegisterData);
      case '2204': return this.uploadFees(env, input.feedetail as unknown as FeeDetailData[]);
      case '2206': return this.settle(env, input.data as unknown as SettleData, false);
      case '2207': return this.settle(env, input.data as unknown as SettleData, true);
      case '2208': return this.cancelSettlement(input.data as unknown as { setl_id: string; mdtrt_id: string; psn_no: string });
      case '2601': return this.reverse(input.data as unknown as { psn_no: string; omsgid: string; oinfno: string });
      case '5203': return this.querySettlement(input.data as unknown as { psn_no: string; setl_id: string; mdtrt_id: string });
      default: return rejected(`交易编号[${env.infno}]模拟器未实现`);
    }
  }

  private signIn(data: { opter_no: string }): HandlerResult {
    const signNo = `${this.fx.config.signNoPrefix}${formatCompactTime(this.now())}${String(++this.serial).padStart(8, '0')}`;
    this.signIns.push({ signNo, opterNo: data.opter_no });
    return { infcode: 0, output: { signinoutb: { sign_time: formatWireTime(this.now()), sign_no: signNo } } };
  }

  private findPerson(q: PersonQuery): SimPerson | string {
    switch (q.mdtrt_cert_type) {
      case '01': {
        const t = this.tokens.get(q.mdtrt_cert_no);
        if (!t || t.expiresAt <= this.now().getTime()) return '电子凭证令牌无效或已过期';
        return this.fx.people.find((p) => p.psn_no === t.psnNo) ?? '人员不存在';
      }
      case '02':
        return this.fx.people.find((p) => p.certno === q.mdtrt_cert_no) ?? '未查询到人员参保信息';
      case '03': {
        const p = this.fx.people.find((x) => x.card_no === q.mdtrt_cert_no);
        if (!p) return '未查询到人员参保信息';
        if (p.card_sn !== q.card_sn) return '社保卡识别码不符';
        return p;
      }
      default:
        return '就诊凭证类型不支持';
    }
  }

  private personInfo(q: PersonQuery): HandlerResult {
    const p = this.findPerson(q);
    if (typeof p === 'string') return rejected(p);
    const account = this.account(p.psn_no);
    return {
      infcode: 0,
      output: {
        baseinfo: { psn_no: p.psn_no, psn_cert_type: p.psn_cert_type, certno: p.certno, psn_name: p.psn_name, gend: p.gend, naty: p.naty, brdy: p.brdy, age: ageOn(p.brdy, this.now()) },
        insuinfo: [
          {
            balc: fenToYuan(account.balanceFen),
            insutype: p.insutype,
            psn_type: p.psn_type,
            psn_insu_stas: p.psn_insu_stas,
            psn_insu_date: '2010-01-01',
            paus_insu_date: p.psn_insu_stas === '1' ? null : '2023-06-30',
            cvlserv_flag: p.cvlserv_flag,
            insuplc_admdvs: p.insuplc_admdvs,
            emp_name: p.emp_name,
          },
        ],
        idetinfo: p.idetinfo,
      },
    };
  }

  private account(psnNo: string): { balanceFen: number; ytd: YearToDate } {
    const a = this.accounts.get(psnNo);
    if (!a) throw new Error('account missing for a known person');
    return a;
  }

  /** Checks shared by calls that act for a person: known, insured, and the right insured area. */
  private checkPerson(psnNo: string, env: CallEnvelope, mustBeActive: boolean): SimPerson | string {
    const p = this.fx.people.find((x) => x.psn_no === psnNo);
    if (!p) return '人员编号不存在';
    if (env.insuplc_admdvs !== p.insuplc_admdvs) return `参保地医保区划[${env.insuplc_admdvs}]与参保人不符`;
    if (mustBeActive && p.psn_insu_stas !== '1') return '参保人参保状态异常(暂停参保)，不能享受待遇';
    return p;
  }

  private register(env: CallEnvelope, d: RegisterData): HandlerResult {
    const p = this.checkPerson(d.psn_no, env, true);
    if (typeof p === 'string') return rejected(p);
    if (d.insutype !== p.insutype) return rejected(`险种类型[${d.insutype}]与参保信息不符`);
    const mdtrtId = this.nextId('');
    this.visits.set(mdtrtId, { mdtrtId, psnNo: p.psn_no, insutype: p.insutype, msgid: env.msgid, status: 'open', fees: [] });
    return { infcode: 0, output: { data: { mdtrt_id: mdtrtId, psn_no: p.psn_no, ipt_otp_no: d.ipt_otp_no, exp_content: '' } } };
  }

  private uploadFees(env: CallEnvelope, lines: FeeDetailData[]): HandlerResult {
    const staged: Array<{ visit: Visit; line: FeeLine }> = [];
    for (const l of lines) {
      const visit = this.visits.get(l.mdtrt_id);
      if (!visit || visit.status !== 'open') return rejected(`就诊信息[${l.mdtrt_id}]不存在`);
      if (visit.psnNo !== l.psn_no) return rejected('人员编号与就诊信息不符');
      const p = this.checkPerson(l.psn_no, env, true);
      if (typeof p === 'string') return rejected(p);
      const item = this.fx.catalogue.get(l.med_list_codg);
      if (!item) return rejected(`医保目录编码[${l.med_list_codg}]不存在`);
      const amountFen = yuanToFen(l.det_item_fee_sumamt);
      if (amountFen < 0) return rejected(`费用明细[${l.feedetl_sn}]金额不能为负`);
      const clash = visit.fees.some((f) => f.feedetlSn === l.feedetl_sn && f.state !== 'reversed') ||
        staged.some((s) => s.visit === visit && s.line.feedetlSn === l.feedetl_sn);
      if (clash) return rejected(`费用明细流水号[${l.feedetl_sn}]重复`);
      const policy = this.fx.policies.get(visit.insutype);
      if (!policy) return rejected('险种无待遇政策');
      staged.push({
        visit,
        line: {
          feedetlSn: l.feedetl_sn, chrgBchno: l.chrg_bchno, msgid: env.msgid, amountFen, priceFen: yuanToFen(l.pric),
          cnt: String(l.cnt), medListCodg: l.med_list_codg, split: classifyLine(amountFen, item.chrgitm_lv, policy),
          state: 'unsettled', setlId: null,
        },
      });
    }
    // All lines checked before any is recorded: a rejected upload leaves nothing behind.
    for (const s of staged) s.visit.fees.push(s.line);
    return {
      infcode: 0,
      output: {
        result: staged.map(({ line }) => ({
          feedetl_sn: line.feedetlSn,
          det_item_fee_sumamt: fenToYuan(line.amountFen),
          cnt: line.cnt,
          pric: fenToYuan(line.priceFen),
          pric_uplmt_amt: fenToYuan(line.priceFen),
          selfpay_prop: (line.split.selfpayPermille / 1000).toFixed(3).replace(/0+$/, '').replace(/\.$/, ''),
          fulamt_ownpay_amt: fenToYuan(line.split.fulamtOwnpayFen),
          overlmt_amt: fenToYuan(line.split.overlmtFen),
          preselfpay_amt: fenToYuan(line.split.preselfpayFen),
          inscp_scp_amt: fenToYuan(line.split.inscpFen),
          chrgitm_lv: line.split.itemClass,
          med_chrgitm_type: this.fx.catalogue.get(line.medListCodg)?.med_chrgitm_type ?? '',
          memo: '',
        })),
      },
    };
  }

  private settle(env: CallEnvelope, d: SettleData, commit: boolean): HandlerResult {
    const visit = this.visits.get(d.mdtrt_id);
    if (!visit || visit.status !== 'open') return rejected(`就诊信息[${d.mdtrt_id}]不存在`);
    if (visit.psnNo !== d.psn_no) return rejected('人员编号与就诊信息不符');
    const p = this.checkPerson(d.psn_no, env, true);
    if (typeof p === 'string') return rejected(p);
    if (d.insutype !== p.insutype) return rejected(`险种类型[${d.insutype}]与参保信息不符`);
    const cert = this.certMatches(p, d.mdtrt_cert_type, d.mdtrt_cert_no);
    if (cert) return rejected(cert);
    const policy = this.fx.policies.get(p.insutype);
    if (!policy) return rejected('险种无待遇政策');
    const fees = visit.fees.filter((f) => f.state === 'unsettled' && (d.chrg_bchno === '' || f.chrgBchno === d.chrg_bchno));
    if (fees.length === 0) return rejected('无待结算的费用明细');
    const total = fees.reduce((s, f) => s + f.amountFen, 0);
    if (yuanToFen(d.medfee_sumamt) !== total) {
      return rejected(`医疗费总额[${fenToYuanString(yuanToFen(d.medfee_sumamt))}]与明细合计[${fenToYuanString(total)}]不符`);
    }
    const account = this.account(p.psn_no);
    const split = splitBill({
      lines: fees.map((f) => f.split),
      setting: settingOf(d.med_type),
      policy,
      ytd: account.ytd,
      medicalAidEligible: p.medicalAid,
      useAccount: d.acct_used_flag === '1',
      accountBalanceFen: account.balanceFen,
    });
    const setlTime = formatWireTime(this.now());
    const settlement: Settlement = {
      setlId: commit ? this.nextId('S') : '',
      mdtrtId: visit.mdtrtId, psnNo: p.psn_no, msgid: env.msgid, insutype: p.insutype, medType: d.med_type,
      setlTime, split, status: 'settled', cancelSetlId: null,
    };
    if (commit) {
      account.balanceFen = split.balanceAfterFen;
      account.ytd = addYearToDate(account.ytd, split.ytdDelta, 1);
      for (const f of fees) {
        f.state = 'settled';
        f.setlId = settlement.setlId;
      }
      this.settlements.set(settlement.setlId, settlement);
    }
    return { infcode: 0, output: this.settlementOutput(settlement, p, 1) };
  }

  private certMatches(p: SimPerson, type: string, no: string): string | null {
    if (type === '01') {
      const t = this.tokens.get(no);
      return t && t.psnNo === p.psn_no ? null : '电子凭证令牌无效或与人员不符';
    }
    if (type === '02') return no === p.certno ? null : '证件号码与人员不符';
    if (type === '03') return no === p.card_no ? null : '社保卡号与人员不符';
    return '就诊凭证类型不支持';
  }

  private settlementOutput(s: Settlement, p: SimPerson, sign: 1 | -1, setlId = s.setlId): { setlinfo: Record<string, unknown>; setldetail: Array<Record<string, unknown>> } {
    const y = (fen: number) => fenToYuan(sign * fen);
    const x = s.split;
    const setlinfo = {
      setl_id: setlId, mdtrt_id: s.mdtrtId, psn_no: s.psnNo, psn_name: p.psn_name, psn_cert_type: p.psn_cert_type,
      certno: p.certno, gend: p.gend, naty: p.naty, brdy: p.brdy, age: ageOn(p.brdy, this.now()),
      insutype: s.insutype, psn_type: p.psn_type, cvlserv_flag: p.cvlserv_flag, setl_time: s.setlTime,
      mdtrt_cert_type: '', med_type: s.medType,
      medfee_sumamt: y(x.medfeeSumamtFen), fulamt_ownpay_amt: y(x.fulamtOwnpayFen), overlmt_selfpay: y(x.overlmtSelfpayFen),
      preselfpay_amt: y(x.preselfpayFen), inscp_scp_amt: y(x.inscpScpFen), act_pay_dedc: y(x.deductibleFen),
      hifp_pay: y(x.hifpFen), pool_prop_selfpay: y(x.poolPropSelfpayFen), cvlserv_pay: y(x.cvlservFen), hifes_pay: y(x.hifesFen),
      hifmi_pay: y(x.hifmiFen), hifob_pay: y(x.hifobFen), maf_pay: y(x.mafFen), oth_pay: y(x.othFen),
      fund_pay_sumamt: y(x.fundPaySumamtFen), psn_part_amt: y(x.psnPartFen), acct_pay: y(x.acctPayFen),
      psn_cash_pay: y(x.psnCashPayFen), hosp_part_amt: 0, balc: fenToYuan(this.account(s.psnNo).balanceFen),
      acct_mulaid_pay: y(x.acctMulaidPayFen), medins_setl_id: s.msgid, clr_optins: p.insuplc_admdvs,
      clr_way: '1', clr_type: '11', refd_setl_flag: s.status === 'settled' ? '0' : '1',
    };
    const funds: Array<[string, string, number]> = [
      [`${s.insutype}100`, '基本医疗保险统筹基金支出', x.hifpFen],
      ['390200', '城乡居民大病医疗保险资金支出', x.hifmiFen],
      ['330100', '职工大额医疗费用补助基金支出', x.hifobFen],
      ['610100', '医疗救助基金支出', x.mafFen],
    ];
    const setldetail = funds
      .filter(([, , fen]) => fen !== 0)
      .map(([type, name, fen]) => ({ fund_pay_type: type, fund_pay_type_name: name, fund_payamt: y(fen), inscp_scp_amt: y(x.inscpScpFen), crt_payb_lmt_amt: null, setl_proc_info: '' }));
    return { setlinfo, setldetail };
  }

  /** Undo a committed settlement's effect on the person's money and year-to-date totals. */
  private undoSettlement(s: Settlement, status: 'cancelled' | 'reversed'): void {
    const account = this.account(s.psnNo);
    account.balanceFen += s.split.acctPayFen;
    account.ytd = addYearToDate(account.ytd, s.split.ytdDelta, -1);
    for (const f of this.visits.get(s.mdtrtId)?.fees ?? []) {
      if (f.setlId === s.setlId) {
        f.state = 'unsettled';
        f.setlId = null;
      }
    }
    s.status = status;
  }

  private cancelSettlement(d: { setl_id: string; mdtrt_id: string; psn_no: string }): HandlerResult {
    const s = this.settlements.get(d.setl_id);
    if (!s || s.mdtrtId !== d.mdtrt_id || s.psnNo !== d.psn_no) return rejected(`结算信息[${d.setl_id}]不存在`);
    if (s.status !== 'settled') return rejected(`结算信息[${d.setl_id}]已撤销`);
    const p = this.fx.people.find((x) => x.psn_no === s.psnNo);
    if (!p) return rejected('人员编号不存在');
    this.undoSettlement(s, 'cancelled');
    s.cancelSetlId = this.nextId('S');
    return { infcode: 0, output: this.settlementOutput(s, p, -1, s.cancelSetlId) };
  }

  private reverse(d: { psn_no: string; omsgid: string; oinfno: string }): HandlerResult {
    const effect = this.effects.get(d.omsgid);
    if (!effect) return rejected(`原交易[${d.omsgid}]不存在，无需冲正`);
    if (effect.infno !== d.oinfno) return rejected(`原交易编号[${d.oinfno}]与原交易不符`);
    if (effect.reversed) return rejected(`原交易[${d.omsgid}]已冲正`);
    if (!effect.committed) return rejected(`原交易[${d.omsgid}]未成功，无需冲正`);
    switch (d.oinfno) {
      case '2207': {
        const s = [...this.settlements.values()].find((x) => x.msgid === d.omsgid);
        if (!s || s.psnNo !== d.psn_no) return rejected('人员编号与原交易不符');
        if (s.status !== 'settled') return rejected(`原交易[${d.omsgid}]的结算已撤销`);
        this.undoSettlement(s, 'reversed');
        break;
      }
      case '2204': {
        const fees = [...this.visits.values()].flatMap((v) => v.fees).filter((f) => f.msgid === d.omsgid);
        if (fees.some((f) => f.state === 'settled')) return rejected('费用明细已结算，请先撤销结算');
        for (const f of fees) f.state = 'reversed';
        break;
      }
      case '2201': {
        const v = [...this.visits.values()].find((x) => x.msgid === d.omsgid);
        if (!v || v.psnNo !== d.psn_no) return rejected('人员编号与原交易不符');
        if (v.fees.some((f) => f.state === 'settled')) return rejected('就诊已结算，请先撤销结算');
        v.status = 'reversed';
        break;
      }
      default:
        return rejected(`交易[${d.oinfno}]不支持冲正`);
    }
    effect.reversed = true;
    return { infcode: 0, output: {} };
  }

  private querySettlement(d: { psn_no: string; setl_id: string; mdtrt_id: string }): HandlerResult {
    // With an empty setl_id the simulator answers the visit's latest settlement (a leniency: see README).
    const s = d.setl_id
      ? this.settlements.get(d.setl_id)
      : [...this.settlements.values()].filter((x) => x.mdtrtId === d.mdtrt_id).at(-1);
    if (!s || s.psnNo !== d.psn_no || (d.mdtrt_id && s.mdtrtId !== d.mdtrt_id)) return rejected('结算信息不存在');
    const p = this.fx.people.find((x) => x.psn_no === s.psnNo);
    if (!p) return rejected('人员编号不存在');
    return { infcode: 0, output: this.settlementOutput(s, p, 1) };
  }
}

/** Transactions whose success changes the books, and so can be reversed by 2601. */
const COMMITTING = new Set(['2201', '2204', '2207']);

interface PersonQuery { mdtrt_cert_type: string; mdtrt_cert_no: string; card_sn: string }
interface RegisterData { psn_no: string; insutype: string; ipt_otp_no: string }
interface FeeDetailData {
  feedetl_sn: string; mdtrt_id: string; psn_no: string; chrg_bchno: string; med_list_codg: string;
  det_item_fee_sumamt: number | string; pric: number | string; cnt: number | string;
}
interface SettleData {
  psn_no: string; mdtrt_cert_type: string; mdtrt_cert_no: string; med_type: string; medfee_sumamt: number | string;
  mdtrt_id: string; chrg_bchno: string; acct_used_flag: string; insutype: string;
}

function ageOn(brdy: string, at: Date): number {
  const [y = 0, m = 1, d = 1] = brdy.split('-').map(Number);
  let age = at.getFullYear() - y;
  if (at.getMonth() + 1 < m || (at.getMonth() + 1 === m && at.getDate() < d)) age--;
  return age;
}

export type { ItemClass };
