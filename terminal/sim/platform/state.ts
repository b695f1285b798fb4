// The simulated platform's books and its transaction handlers. Everything a request changes is
// changed here, synchronously, so one request is one atomic step; the server adds HTTP, msgid
// idempotency and faults around it.
import { fenToYuan, fenToYuanString, yuanToFen } from '../../common/money';
import { formatCompactTime, formatWireTime } from '../../insurance/msgid';
import { transactionSchemas } from '../../insurance/transactions';
import { catalogueItem, policyFor, samePool, type SimFixtures, type SimPerson } from './fixtures';
import { familyIndex, withMutualAid } from './family';
import { addYearToDate, classifyLine, emptyYearToDate, MATERNITY_MED_TYPES, settingOf, splitBill, type HospitalLevel, type ItemClass, type LineSplit, type Split, type YearToDate } from './policy';

export interface HandlerResult {
  infcode: number;
  err_msg?: string;
  output?: unknown;
}

export interface CallEnvelope {
  infno: string;
  msgid: string;
  insuplc_admdvs: string;
  /** 就医地: where the patient is treated; the platform's own area when a caller leaves it out. */
  mdtrtarea_admvs?: string;
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
  /** reversed: undone by 2601; deleted: cancelled by 2205 / 2302 or with its visit. */
  state: 'unsettled' | 'settled' | 'reversed' | 'deleted';
  setlId: string | null;
}

export interface Visit {
  mdtrtId: string;
  psnNo: string;
  insutype: string;
  /** The msgid of the 2201 / 2401 that opened it. */
  msgid: string;
  kind: VisitKind;
  /** med_type from 2401, or from 2203 for an outpatient visit ('' until known). */
  medType: string;
  /** open: registered or admitted; discharged: 2402 done; cancelled: 2202 / 2404; reversed: 2601. */
  status: 'open' | 'discharged' | 'cancelled' | 'reversed';
  diagnoses: number;
  fees: FeeLine[];
  /** 就医地 (mdtrtarea_admvs) of the call that opened it; absent in files written before it was kept. */
  mdtrtarea?: string;
}

export type VisitKind = 'outpatient' | 'inpatient';

export interface Settlement {
  setlId: string;
  mdtrtId: string;
  psnNo: string;
  msgid: string;
  insutype: string;
  medType: string;
  setlTime: string;
  kind: VisitKind;
  /** clr_type: 11 outpatient, 21 inpatient; 3201 reconciles per clr_type. */
  clrType: string;
  clrOptins: string;
  /** 中途结算 (mid_setl_flag 1): does not close the stay, so the discharge may still be undone. */
  midSetl: boolean;
  split: Split;
  /** 家庭共济: the relative whose account paid split.acctMulaidPayFen (absent when none did). */
  mulaidPsnNo?: string | null;
  /** Why the split is not the ordinary one (异地 without a filing), shown to the patient as setlinfo.memo. */
  note?: string | null;
  status: 'settled' | 'cancelled' | 'reversed';
  cancelSetlId: string | null;
}

export interface Ledger {
  accounts: Array<{ psnNo: string; balanceFen: number; ytd: YearToDate }>;
  visits: Visit[];
  settlements: Settlement[];
  signIns: SignIn[];
  tokens: number;
  /** The calendar year the year-to-date totals belong to. */
  year: number;
  /** 医院等级 the simulated hospital's policy figures are taken at. */
  hospitalLevel: HospitalLevel;
}

export interface SignIn { signNo: string; opterNo: string; signedOut: boolean }

interface Effect { infno: string; committed: boolean; reversed: boolean }

/** Everything the simulator's books hold, as JSON: what a dataFile keeps across restarts. */
export interface StateSnapshot {
  version: 1;
  year: number;
  serial: number;
  accounts: Array<{ psnNo: string; balanceFen: number; ytd: YearToDate }>;
  visits: Visit[];
  settlements: Settlement[];
  signIns: SignIn[];
  effects: Array<[string, Effect]>;
  /**
   * Unexpired ecTokens (decoded 医保码) by token: kept so a token issued before a restart still
   * identifies its person for 1101/2201/2207. Absent in files written before it was kept.
   */
  tokens?: Array<[string, EcToken]>;
}

interface EcToken { psnNo: string; expiresAt: number }

const rejected = (err_msg: string): HandlerResult => ({ infcode: -1, err_msg });

export class PlatformState {
  private accounts = new Map<string, { balanceFen: number; ytd: YearToDate }>();
  private visits = new Map<string, Visit>();
  private settlements = new Map<string, Settlement>();
  private signIns: SignIn[] = [];
  private tokens = new Map<string, EcToken>();
  /** What each processed msgid did, so 2601 can undo it. */
  private effects = new Map<string, Effect>();
  private serial = 0;
  /** patient psn_no -> relatives whose personal account may pay for them (家庭共济). */
  private family: Map<string, string[]>;
  private year: number;
  private hospitalLevel: HospitalLevel;

  constructor(private fx: SimFixtures, private now: () => Date, opts: { snapshot?: StateSnapshot; hospitalLevel?: HospitalLevel } = {}) {
    this.year = now().getFullYear();
    // Tertiary by default: the fixtures' figures without levels are a 三级 hospital's.
    this.hospitalLevel = opts.hospitalLevel ?? 3;
    this.family = familyIndex(fx.familyBindings);
    for (const p of fx.people) this.accounts.set(p.psn_no, { balanceFen: p.balc, ytd: emptyYearToDate() });
    if (opts.snapshot) this.restore(opts.snapshot);
    this.rollYear();
  }

  ledger(): Ledger {
    return structuredClone({
      accounts: [...this.accounts].map(([psnNo, a]) => ({ psnNo, ...a })),
      visits: [...this.visits.values()],
      settlements: [...this.settlements.values()],
      signIns: this.signIns,
      tokens: this.tokens.size,
      year: this.year,
      hospitalLevel: this.hospitalLevel,
    });
  }

  snapshot(): StateSnapshot {
    return structuredClone({
      version: 1 as const,
      year: this.year,
      serial: this.serial,
      accounts: [...this.accounts].map(([psnNo, a]) => ({ psnNo, ...a })),
      visits: [...this.visits.values()],
      settlements: [...this.settlements.values()],
      signIns: this.signIns,
      effects: [...this.effects],
      tokens: this.liveTokens(),
    });
  }

  private restore(snap: StateSnapshot): void {
    this.year = snap.year;
    this.serial = snap.serial;
    // People dropped from the fixtures since the file was written are dropped with them.
    for (const a of snap.accounts) if (this.accounts.has(a.psnNo)) this.accounts.set(a.psnNo, { balanceFen: a.balanceFen, ytd: a.ytd });
    this.visits = new Map(snap.visits.map((v) => [v.mdtrtId, v]));
    this.settlements = new Map(snap.settlements.map((x) => [x.setlId, x]));
    this.signIns = snap.signIns;
    this.effects = new Map(snap.effects);
    const at = this.now().getTime();
    this.tokens = new Map((snap.tokens ?? []).filter(([, t]) => t.expiresAt > at));
  }

  /** Expired tokens are refused anyway, so they are dropped rather than kept in the file forever. */
  private liveTokens(): Array<[string, EcToken]> {
    const at = this.now().getTime();
    return [...this.tokens].filter(([, t]) => t.expiresAt > at);
  }

  /** The deductible, the caps and the 大病 threshold count per calendar year: a new year starts at zero. */
  private rollYear(): void {
    const year = this.now().getFullYear();
    if (year === this.year) return;
    for (const a of this.accounts.values()) a.ytd = emptyYearToDate();
    this.year = year;
  }

  personByKey(key: string): SimPerson | undefined {
    return this.fx.people.find((p) => p.key === key);
  }

  personByEcIndex(ecIndexNo: string): SimPerson | undefined {
    return this.fx.people.find((p) => p.ec_index_no === ecIndexNo);
  }

  /** The person an unexpired e-voucher token stands for (the mobile-payment centre pays by it). */
  psnNoOfEcToken(token: string): string | null {
    const t = this.tokens.get(token);
    return t && t.expiresAt > this.now().getTime() ? t.psnNo : null;
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
    this.rollYear();
    const schema = transactionSchemas[env.infno];
    if (!schema) return rejected(`交易编号[${env.infno}]不存在`);
    const input = schema.input.safeParse(env.input, { reportInput: true });
    if (!input.success) return rejected(describeInputIssues(input.error.issues));
    const result = this.dispatch(env);
    this.effects.set(env.msgid, { infno: env.infno, committed: result.infcode === 0 && COMMITTING.has(env.infno), reversed: false });
    return result;
  }

  private dispatch(env: CallEnvelope): HandlerResult {
    // Inputs are schema-checked above; the casts only name the shape.
    const input = env.input as Record<string, Record<string, unknown> & Array<Record<string, unknown>>>;
    switch (env.infno) {
      case '9001': return this.signIn(input.signIn as unknown as { opter_no: string });
      case '9002': return this.signOut(input.signOut as unknown as { sign_no: string; opter_no: string });
      case '1101': return this.personInfo(input.data as unknown as PersonQuery);
      case '2201': return this.register(env, input.data as unknown as RegisterData);
      case '2202': return this.cancelRegistration(input.data as unknown as VisitRef);
      case '2203': return this.visitInfo(input.mdtrtinfo as unknown as { mdtrt_id: string; psn_no: string; med_type: string }, (input.diseinfo as unknown as unknown[]).length);
      case '2204': return this.uploadFees(env, input.feedetail as unknown as FeeDetailData[], 'outpatient');
      case '2205': return this.deleteOutpatientFees(input.data as unknown as VisitRef & { chrg_bchno: string });
      case '2206': return this.settle(env, input.data as unknown as SettleData, false, 'outpatient');
      case '2207': return this.settle(env, input.data as unknown as SettleData, true, 'outpatient');
      case '2208': return this.cancelSettlement(input.data as unknown as SettlementRef, 'outpatient');
      case '2301': return this.uploadFees(env, input.feedetail as unknown as FeeDetailData[], 'inpatient');
      case '2302': return this.deleteInpatientFees(input.data as unknown as Array<VisitRef & { feedetl_sn: string }>);
      case '2303': return this.settle(env, input.data as unknown as SettleData, false, 'inpatient');
      case '2304': return this.settle(env, input.data as unknown as SettleData, true, 'inpatient');
      case '2305': return this.cancelSettlement(input.data as unknown as SettlementRef, 'inpatient');
      case '2401': return this.admit(env, input.mdtrtinfo as unknown as AdmissionData, (input.diseinfo as unknown as unknown[]).length);
      case '2402': return this.discharge(input.dscginfo as unknown as VisitRef & { insutype: string });
      case '2404': return this.cancelAdmission(input.data as unknown as VisitRef);
      case '2405': return this.cancelDischarge(input.data as unknown as VisitRef);
      case '2601': return this.reverse(input.data as unknown as { psn_no: string; omsgid: string; oinfno: string });
      case '3201': return this.reconcile(input.data as unknown as ReconcileData);
      case '3202': return this.reconcileDetails(input.data as unknown as ReconcileData, input.detail as unknown as DetailRow[]);
      case '5203': return this.querySettlement(input.data as unknown as { psn_no: string; setl_id: string; mdtrt_id: string });
      default: return rejected(`交易编号[${env.infno}]模拟器未实现`);
    }
  }

  private signIn(data: { opter_no: string }): HandlerResult {
    const signNo = `${this.fx.config.signNoPrefix}${formatCompactTime(this.now())}${String(++this.serial).padStart(8, '0')}`;
    this.signIns.push({ signNo, opterNo: data.opter_no, signedOut: false });
    return { infcode: 0, output: { signinoutb: { sign_time: formatWireTime(this.now()), sign_no: signNo } } };
  }

  private signOut(data: { sign_no: string }): HandlerResult {
    const s = this.signIns.find((x) => x.signNo === data.sign_no);
    if (!s) return rejected(`签到编号[${data.sign_no}]不存在`);
    if (s.signedOut) return rejected(`签到编号[${data.sign_no}]已签退`);
    s.signedOut = true;
    return { infcode: 0, output: { signoutoutb: { sign_time: formatWireTime(this.now()) } } };
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
        // 就医一卡通: the main insutype first, then every further one the same card settles (生育, 工伤).
        insuinfo: [p.insutype, ...p.coverages].map((insutype) => ({
          balc: fenToYuan(account.balanceFen),
          insutype,
          psn_type: p.psn_type,
          psn_insu_stas: p.psn_insu_stas,
          psn_insu_date: '2010-01-01',
          paus_insu_date: p.psn_insu_stas === '1' ? null : '2023-06-30',
          cvlserv_flag: p.cvlserv_flag,
          insuplc_admdvs: p.insuplc_admdvs,
          emp_name: p.emp_name,
        })),
        idetinfo: p.idetinfo,
        // 家庭共济: who may pay this person's self-paid part from their own account (simulator's node name).
        acct_mulaid_psns: (this.family.get(p.psn_no) ?? []).map((payer) => ({ psn_no: payer, psn_name: this.fx.people.find((x) => x.psn_no === payer)?.psn_name ?? '' })),
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

  /** 就医地 of a call: the envelope's mdtrtarea_admvs, else this platform's own area. */
  private treatmentArea(env: CallEnvelope): string {
    return env.mdtrtarea_admvs || this.fx.config.admdvs;
  }

  /** The insutypes a person's card settles: the main one and any 就医一卡通 coverage (生育, 工伤). */
  private covers(p: SimPerson, insutype: string): boolean {
    return insutype === p.insutype || p.coverages.includes(insutype);
  }

  private register(env: CallEnvelope, d: RegisterData): HandlerResult {
    const p = this.checkPerson(d.psn_no, env, true);
    if (typeof p === 'string') return rejected(p);
    if (!this.covers(p, d.insutype)) return rejected(`险种类型[${d.insutype}]与参保信息不符`);
    const mdtrtId = this.nextId('');
    this.visits.set(mdtrtId, { mdtrtId, psnNo: p.psn_no, insutype: d.insutype, msgid: env.msgid, kind: 'outpatient', medType: '', status: 'open', diagnoses: 0, fees: [], mdtrtarea: this.treatmentArea(env) });
    return { infcode: 0, output: { data: { mdtrt_id: mdtrtId, psn_no: p.psn_no, ipt_otp_no: d.ipt_otp_no, exp_content: '' } } };
  }

  /** The visit named by a request, checked against its person, kind and the states it may be in. */
  private visitFor(mdtrtId: string, psnNo: string, kind: VisitKind, states: Visit['status'][]): Visit | string {
    const v = this.visits.get(mdtrtId);
    if (!v || v.kind !== kind || v.status === 'reversed' || v.status === 'cancelled') return `就诊信息[${mdtrtId}]不存在`;
    if (v.psnNo !== psnNo) return '人员编号与就诊信息不符';
    if (!states.includes(v.status)) return v.status === 'discharged' ? `就诊信息[${mdtrtId}]已出院` : `就诊信息[${mdtrtId}]未出院`;
    return v;
  }

  private cancelRegistration(d: VisitRef): HandlerResult {
    const v = this.visitFor(d.mdtrt_id, d.psn_no, 'outpatient', ['open']);
    if (typeof v === 'string') return rejected(v);
    if (v.fees.some((f) => f.state === 'settled')) return rejected('就诊已结算，请先撤销结算');
    for (const f of v.fees) if (f.state === 'unsettled') f.state = 'deleted';
    v.status = 'cancelled';
    return { infcode: 0, output: {} };
  }

  private visitInfo(d: { mdtrt_id: string; psn_no: string; med_type: string }, diagnoses: number): HandlerResult {
    const v = this.visitFor(d.mdtrt_id, d.psn_no, 'outpatient', ['open']);
    if (typeof v === 'string') return rejected(v);
    if (diagnoses === 0) return rejected('诊断信息[diseinfo]不能为空');
    v.medType = d.med_type;
    v.diagnoses = diagnoses;
    return { infcode: 0, output: {} };
  }

  private deleteOutpatientFees(d: VisitRef & { chrg_bchno: string }): HandlerResult {
    const v = this.visitFor(d.mdtrt_id, d.psn_no, 'outpatient', ['open']);
    if (typeof v === 'string') return rejected(v);
    // "0000" is the spec's "every unsettled line of this visit".
    const lines = v.fees.filter((f) => f.state === 'unsettled' && (d.chrg_bchno === '0000' || f.chrgBchno === d.chrg_bchno));
    if (lines.length === 0) return rejected(`收费批次号[${d.chrg_bchno}]无可撤销的未结算费用明细`);
    for (const f of lines) f.state = 'deleted';
    return { infcode: 0, output: {} };
  }

  private deleteInpatientFees(rows: Array<VisitRef & { feedetl_sn: string }>): HandlerResult {
    const doomed = new Set<FeeLine>();
    for (const r of rows) {
      const v = this.visitFor(r.mdtrt_id, r.psn_no, 'inpatient', ['open', 'discharged']);
      if (typeof v === 'string') return rejected(v);
      if (r.feedetl_sn === '0000') {
        for (const f of v.fees) if (f.state === 'unsettled') doomed.add(f);
        continue;
      }
      const line = v.fees.find((f) => f.feedetlSn === r.feedetl_sn && (f.state === 'unsettled' || f.state === 'settled'));
      if (!line) return rejected(`费用明细流水号[${r.feedetl_sn}]不存在`);
      if (line.state === 'settled') return rejected(`费用明细流水号[${r.feedetl_sn}]已结算，不能撤销`);
      doomed.add(line);
    }
    // Every row checked before any line goes: a refused request leaves the visit as it was.
    if (doomed.size === 0) return rejected('无可撤销的未结算费用明细');
    for (const f of doomed) f.state = 'deleted';
    return { infcode: 0, output: {} };
  }

  private admit(env: CallEnvelope, d: AdmissionData, diagnoses: number): HandlerResult {
    const p = this.checkPerson(d.psn_no, env, true);
    if (typeof p === 'string') return rejected(p);
    if (!this.covers(p, d.insutype)) return rejected(`险种类型[${d.insutype}]与参保信息不符`);
    const cert = this.certMatches(p, d.mdtrt_cert_type, d.mdtrt_cert_no);
    if (cert) return rejected(cert);
    if (settingOf(d.med_type) !== 'inpatient') return rejected(`医疗类别[${d.med_type}]不是住院类别`);
    if (this.fundOf(d.insutype) === 'maternity' && !MATERNITY_MED_TYPES.has(d.med_type)) return rejected(`医疗类别[${d.med_type}]不是生育类别，生育保险不予支付`);
    if (diagnoses === 0) return rejected('入院诊断信息[diseinfo]不能为空');
    const inHospital = [...this.visits.values()].some((v) => v.psnNo === p.psn_no && v.kind === 'inpatient' && v.status === 'open');
    if (inHospital) return rejected('参保人存在未出院的住院登记，不能重复入院');
    const mdtrtId = this.nextId('');
    this.visits.set(mdtrtId, { mdtrtId, psnNo: p.psn_no, insutype: d.insutype, msgid: env.msgid, kind: 'inpatient', medType: d.med_type, status: 'open', diagnoses, fees: [], mdtrtarea: this.treatmentArea(env) });
    return { infcode: 0, output: { result: { mdtrt_id: mdtrtId, psn_no: p.psn_no, ipt_no: d.ipt_no } } };
  }

  private discharge(d: VisitRef & { insutype: string }): HandlerResult {
    const v = this.visitFor(d.mdtrt_id, d.psn_no, 'inpatient', ['open']);
    if (typeof v === 'string') return rejected(v);
    if (d.insutype !== v.insutype) return rejected(`险种类型[${d.insutype}]与入院登记不符`);
    v.status = 'discharged';
    return { infcode: 0, output: {} };
  }

  private cancelAdmission(d: VisitRef): HandlerResult {
    const v = this.visitFor(d.mdtrt_id, d.psn_no, 'inpatient', ['open']);
    if (typeof v === 'string') return rejected(v);
    if (v.fees.some((f) => f.state === 'unsettled' || f.state === 'settled')) return rejected('存在费用明细，请先撤销费用明细(2302)');
    v.status = 'cancelled';
    return { infcode: 0, output: {} };
  }

  private cancelDischarge(d: VisitRef): HandlerResult {
    const v = this.visitFor(d.mdtrt_id, d.psn_no, 'inpatient', ['discharged']);
    if (typeof v === 'string') return rejected(v);
    const settled = [...this.settlements.values()].some((s) => s.mdtrtId === v.mdtrtId && s.status === 'settled' && !s.midSetl);
    if (settled) return rejected('已办理结算，请先撤销结算(2305)');
    v.status = 'open';
    return { infcode: 0, output: {} };
  }

  private uploadFees(env: CallEnvelope, lines: FeeDetailData[], kind: VisitKind): HandlerResult {
    const staged: Array<{ visit: Visit; line: FeeLine }> = [];
    for (const l of lines) {
      const visit = this.visitFor(l.mdtrt_id, l.psn_no, kind, ['open']);
      if (typeof visit === 'string') return rejected(visit);
      const p = this.checkPerson(l.psn_no, env, true);
      if (typeof p === 'string') return rejected(p);
      // 就医地目录: the treatment area's catalogue classes the item, whichever area pays for it.
      const item = catalogueItem(this.fx, visit.mdtrtarea ?? this.treatmentArea(env), l.med_list_codg);
      if (!item) return rejected(`医保目录编码[${l.med_list_codg}]不存在`);
      const amountFen = yuanToFen(l.det_item_fee_sumamt);
      if (amountFen < 0) return rejected(`费用明细[${l.feedetl_sn}]金额不能为负`);
      const clash = visit.fees.some((f) => f.feedetlSn === l.feedetl_sn && (f.state === 'unsettled' || f.state === 'settled')) ||
        staged.some((s) => s.visit === visit && s.line.feedetlSn === l.feedetl_sn);
      if (clash) return rejected(`费用明细流水号[${l.feedetl_sn}]重复`);
      const policy = this.policyOf(p, visit.insutype);
      if (!policy) return rejected('险种无待遇政策');
      staged.push({
        visit,
        line: {
          feedetlSn: l.feedetl_sn, chrgBchno: l.chrg_bchno ?? '', msgid: env.msgid, amountFen, priceFen: yuanToFen(l.pric),
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

  private settle(env: CallEnvelope, d: SettleData, commit: boolean, kind: VisitKind): HandlerResult {
    // An inpatient bill settles at discharge; mid_setl_flag 1 (中途结算) settles what is there so far.
    const states: Visit['status'][] = kind === 'outpatient' || d.mid_setl_flag === '1' ? ['open', 'discharged'] : ['discharged'];
    const visit = this.visitFor(d.mdtrt_id, d.psn_no, kind, states);
    if (typeof visit === 'string') return rejected(visit === `就诊信息[${d.mdtrt_id}]未出院` ? '未办理出院登记，不能进行出院结算' : visit);
    const p = this.checkPerson(d.psn_no, env, true);
    if (typeof p === 'string') return rejected(p);
    if (d.insutype !== visit.insutype) return rejected(`险种类型[${d.insutype}]与参保信息不符`);
    const cert = this.certMatches(p, d.mdtrt_cert_type, d.mdtrt_cert_no);
    if (cert) return rejected(cert);
    const policy = this.policyOf(p, visit.insutype);
    if (!policy) return rejected('险种无待遇政策');
    const medType = kind === 'inpatient' ? visit.medType : d.med_type ?? '';
    if (policy.fund === 'maternity' && !MATERNITY_MED_TYPES.has(medType)) return rejected(`医疗类别[${medType}]不是生育类别，生育保险不予支付`);
    const crossRegion = this.crossRegionTerms(p, visit, kind, policy.fund ?? 'basic');
    if (crossRegion.refused) return rejected(crossRegion.refused);
    const fees = visit.fees.filter((f) => f.state === 'unsettled' && (!d.chrg_bchno || f.chrgBchno === d.chrg_bchno));
    if (fees.length === 0) return rejected('无待结算的费用明细');
    const total = fees.reduce((s, f) => s + f.amountFen, 0);
    if (yuanToFen(d.medfee_sumamt) !== total) {
      return rejected(`医疗费总额[${fenToYuanString(yuanToFen(d.medfee_sumamt))}]与明细合计[${fenToYuanString(total)}]不符`);
    }
    const account = this.account(p.psn_no);
    const mulaidPsnNo = d.acct_mulaid_psn_no || null;
    if (mulaidPsnNo && !(this.family.get(p.psn_no) ?? []).includes(mulaidPsnNo)) return rejected(`共济人员[${mulaidPsnNo}]与参保人无共济绑定关系`);
    const ownSplit = splitBill({
      lines: fees.map((f) => f.split),
      setting: kind === 'inpatient' ? 'inpatient' : settingOf(medType),
      policy,
      ytd: account.ytd,
      medicalAidEligible: p.medicalAid,
      useAccount: d.acct_used_flag === '1',
      accountBalanceFen: account.balanceFen,
      ratioCutPermille: crossRegion.ratioCutPermille,
      // A per-admission 起付线 is paid once per stay: a 中途结算 before this one already paid it.
      admissionAlreadyCounted: kind === 'inpatient' && [...this.settlements.values()].some((s) => s.mdtrtId === visit.mdtrtId && s.status === 'settled'),
    });
    const split = mulaidPsnNo ? withMutualAid(ownSplit, this.account(mulaidPsnNo).balanceFen) : ownSplit;
    const setlTime = formatWireTime(this.now());
    const settlement: Settlement = {
      setlId: commit ? this.nextId('S') : '',
      mdtrtId: visit.mdtrtId, psnNo: p.psn_no, msgid: env.msgid, insutype: visit.insutype, medType,
      setlTime, kind, clrType: kind === 'inpatient' ? '21' : '11', clrOptins: p.insuplc_admdvs, midSetl: d.mid_setl_flag === '1', split, mulaidPsnNo, note: crossRegion.note, status: 'settled', cancelSetlId: null,
    };
    if (commit) {
      account.balanceFen = split.balanceAfterFen;
      if (mulaidPsnNo) this.account(mulaidPsnNo).balanceFen -= split.acctMulaidPayFen;
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
      clr_way: '1', clr_type: s.clrType, refd_setl_flag: s.status === 'settled' ? '0' : '1',
      // The simulator's words for a split that is not the ordinary one (异地 without a filing); '' otherwise.
      memo: s.note ?? '',
    };
    const pooledName = { basic: '基本医疗保险统筹基金支出', maternity: '生育保险基金支出', 'work-injury': '工伤保险基金支出' }[this.fundOf(s.insutype)];
    const funds: Array<[string, string, number]> = [
      [`${s.insutype}100`, pooledName, x.hifpFen],
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
    // The relative's part goes back to the relative's account, the rest to the patient's.
    account.balanceFen += s.split.acctPayFen - s.split.acctMulaidPayFen;
    if (s.mulaidPsnNo) this.account(s.mulaidPsnNo).balanceFen += s.split.acctMulaidPayFen;
    account.ytd = addYearToDate(account.ytd, s.split.ytdDelta, -1);
    for (const f of this.visits.get(s.mdtrtId)?.fees ?? []) {
      if (f.setlId === s.setlId) {
        f.state = 'unsettled';
        f.setlId = null;
      }
    }
    s.status = status;
  }

  private cancelSettlement(d: SettlementRef, kind: VisitKind): HandlerResult {
    const s = this.settlements.get(d.setl_id);
    if (!s || s.kind !== kind || s.mdtrtId !== d.mdtrt_id || s.psnNo !== d.psn_no) return rejected(`结算信息[${d.setl_id}]不存在`);
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
      case '2207':
      case '2304': {
        const s = [...this.settlements.values()].find((x) => x.msgid === d.omsgid);
        if (!s || s.psnNo !== d.psn_no) return rejected('人员编号与原交易不符');
        if (s.status !== 'settled') return rejected(`原交易[${d.omsgid}]的结算已撤销`);
        this.undoSettlement(s, 'reversed');
        break;
      }
      case '2204':
      case '2301': {
        const fees = [...this.visits.values()].flatMap((v) => v.fees).filter((f) => f.msgid === d.omsgid);
        if (fees.some((f) => f.state === 'settled')) return rejected('费用明细已结算，请先撤销结算');
        for (const f of fees) f.state = 'reversed';
        break;
      }
      case '2201':
      case '2401': {
        const v = [...this.visits.values()].find((x) => x.msgid === d.omsgid);
        if (!v || v.psnNo !== d.psn_no) return rejected('人员编号与原交易不符');
        if (v.fees.some((f) => f.state === 'settled')) return rejected('就诊已结算，请先撤销结算');
        for (const f of v.fees) if (f.state === 'unsettled') f.state = 'deleted';
        v.status = 'reversed';
        break;
      }
      default:
        return rejected(`交易[${d.oinfno}]不支持冲正`);
    }
    effect.reversed = true;
    return { infcode: 0, output: {} };
  }

  /**
   * 3201: the terminal's totals for one insutype and clr_type over a date range against the books.
   * refd_setl_flag 1 compares the cancelled settlements (refunds); otherwise those still in force.
   * A 2601 reversal erases a settlement, so it is in neither.
   */
  private reconcile(d: ReconcileData): HandlerResult {
    const refunds = d.refd_setl_flag === '1';
    if (d.stmt_begndate > d.stmt_enddate) return rejected('对账开始日期[stmt_begndate]不能晚于结束日期[stmt_enddate]');
    const rows = [...this.settlements.values()].filter((s) =>
      s.insutype === d.insutype && s.clrType === d.clr_type && (d.setl_optins === '' || s.clrOptins === d.setl_optins) &&
      s.setlTime.slice(0, 10) >= d.stmt_begndate && s.setlTime.slice(0, 10) <= d.stmt_enddate &&
      s.status === (refunds ? 'cancelled' : 'settled'));
    const books = {
      medfee_sumamt: rows.reduce((a, s) => a + s.split.medfeeSumamtFen, 0),
      fund_pay_sumamt: rows.reduce((a, s) => a + s.split.fundPaySumamtFen, 0),
      acct_pay: rows.reduce((a, s) => a + s.split.acctPayFen, 0),
    };
    const names = { medfee_sumamt: '医疗费总额', fund_pay_sumamt: '基金支付总额', acct_pay: '个人账户支付金额' } as const;
    const differences: string[] = [];
    for (const key of ['medfee_sumamt', 'fund_pay_sumamt', 'acct_pay'] as const) {
      const theirs = yuanToFen(d[key]);
      if (theirs !== books[key]) differences.push(`${names[key]}[${key}]不符: 机构${fenToYuanString(theirs)} 中心${fenToYuanString(books[key])}`);
    }
    if (Number(d.fixmedins_setl_cnt) !== rows.length) differences.push(`结算笔数[fixmedins_setl_cnt]不符: 机构${d.fixmedins_setl_cnt} 中心${rows.length}`);
    return {
      infcode: 0,
      output: {
        stmtinfo: {
          setl_optins: d.setl_optins,
          stmt_rslt: differences.length === 0 ? '0' : '1',
          stmt_rslt_dscr: differences.length === 0 ? `对账平: ${rows.length}笔` : `对账不平: ${differences.join('; ')}`,
        },
      },
    };
  }

  /**
   * 3202: the terminal's rows (inline: a leniency for the 9101 file, see README) against the books
   * for the same range, insutype, clr_type and clearing area. Every row that differs, and every
   * settlement of the platform's the terminal did not list, comes back named with a memo.
   */
  private reconcileDetails(d: ReconcileData, rows: DetailRow[]): HandlerResult {
    const refunds = d.refd_setl_flag === '1';
    const books = [...this.settlements.values()].filter((s) =>
      (!d.insutype || s.insutype === d.insutype) && (!d.clr_type || s.clrType === d.clr_type) && (d.setl_optins === '' || s.clrOptins === d.setl_optins) &&
      s.setlTime.slice(0, 10) >= d.stmt_begndate && s.setlTime.slice(0, 10) <= d.stmt_enddate && s.status === (refunds ? 'cancelled' : 'settled'));
    const details: Array<{ setl_id: string; mdtrt_id: string; psn_no: string; stmt_rslt: '0' | '1'; memo: string }> = [];
    const listed = new Set<string>();
    for (const r of rows) {
      listed.add(r.setl_id);
      const s = books.find((x) => x.setlId === r.setl_id);
      if (!s) {
        details.push({ setl_id: r.setl_id, mdtrt_id: r.mdtrt_id, psn_no: r.psn_no, stmt_rslt: '1', memo: refunds ? '中心无此退费记录' : '中心无此结算记录或已撤销' });
        continue;
      }
      const diffs: string[] = [];
      if (yuanToFen(r.medfee_sumamt) !== s.split.medfeeSumamtFen) diffs.push('医疗费总额不符');
      if (yuanToFen(r.fund_pay_sumamt) !== s.split.fundPaySumamtFen) diffs.push('基金支付不符');
      if (yuanToFen(r.acct_pay) !== s.split.acctPayFen) diffs.push('个人账户支付不符');
      if (diffs.length) details.push({ setl_id: r.setl_id, mdtrt_id: r.mdtrt_id, psn_no: r.psn_no, stmt_rslt: '1', memo: diffs.join(';') });
    }
    for (const s of books) if (!listed.has(s.setlId)) details.push({ setl_id: s.setlId, mdtrt_id: s.mdtrtId, psn_no: s.psnNo, stmt_rslt: '1', memo: '机构无此结算记录' });
    return {
      infcode: 0,
      output: {
        stmtinfo: { stmt_rslt: details.length === 0 ? '0' : '1', stmt_rslt_dscr: details.length === 0 ? `明细对账平: ${rows.length}笔` : `明细对账不平: ${details.length}笔` },
        details,
      },
    };
  }

  /** Cross-region (异地) patients are paid by their insured area's policy, at this hospital's level. */
  private policyOf(p: SimPerson, insutype: string) {
    return policyFor(this.fx, p, this.hospitalLevel, insutype);
  }

  private fundOf(insutype: string) {
    return this.fx.policies.get(insutype)?.fund ?? 'basic';
  }

  /**
   * 异地就医 (insured in another pool than the visit's treatment area): an inpatient stay without a
   * filing (备案) with the insured area is settled at the lower ratio that area sets, or refused where
   * it says so (or sets nothing: direct settlement needs a filing). Outpatient bills and the
   * maternity / work-injury funds are not checked here.
   */
  private crossRegionTerms(p: SimPerson, visit: Visit, kind: VisitKind, fund: string): { refused?: string; ratioCutPermille: number; note: string | null } {
    const treatedIn = visit.mdtrtarea ?? this.fx.config.admdvs;
    if (samePool(p.insuplc_admdvs, treatedIn) || kind !== 'inpatient' || fund !== 'basic' || p.filing === 'filed') return { ratioCutPermille: 0, note: null };
    const area = this.fx.areas.get(p.insuplc_admdvs);
    const areaName = area?.name ?? p.insuplc_admdvs;
    const rule = area?.unfiledInpatient ?? { action: 'refuse' as const };
    if (rule.action === 'refuse') return { refused: `异地就医未备案: 参保地(${areaName})规定未备案不予直接结算，请先办理异地就医备案`, ratioCutPermille: 0, note: null };
    const points = rule.ratioCut / 10;
    return { ratioCutPermille: rule.ratioCut, note: `异地就医未备案: 按参保地(${areaName})规定，统筹基金支付比例降低${points}个百分点` };
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
const COMMITTING = new Set(['2201', '2204', '2207', '2301', '2304', '2401']);

interface PersonQuery { mdtrt_cert_type: string; mdtrt_cert_no: string; card_sn: string }
interface RegisterData { psn_no: string; insutype: string; ipt_otp_no: string }
interface VisitRef { mdtrt_id: string; psn_no: string }
interface SettlementRef { setl_id: string; mdtrt_id: string; psn_no: string }
interface AdmissionData {
  psn_no: string; insutype: string; mdtrt_cert_type: string; mdtrt_cert_no: string; med_type: string; ipt_no: string;
}
interface ReconcileData {
  insutype?: string; clr_type?: string; setl_optins: string; stmt_begndate: string; stmt_enddate: string;
  medfee_sumamt: number | string; fund_pay_sumamt: number | string; acct_pay: number | string;
  fixmedins_setl_cnt: number | string; refd_setl_flag?: string | null;
}
interface DetailRow { setl_id: string; mdtrt_id: string; psn_no: string; medfee_sumamt: number | string; fund_pay_sumamt: number | string; acct_pay: number | string }
interface FeeDetailData {
  feedetl_sn: string; mdtrt_id: string; psn_no: string; chrg_bchno?: string; med_list_codg: string;
  det_item_fee_sumamt: number | string; pric: number | string; cnt: number | string;
}
/** 2206/2207 and 2303/2304: the inpatient pair has mid_setl_flag instead of med_type and chrg_bchno. */
interface SettleData {
  psn_no: string; mdtrt_cert_type: string; mdtrt_cert_no: string; med_type?: string; medfee_sumamt: number | string;
  mdtrt_id: string; chrg_bchno?: string; acct_used_flag: string; insutype: string; mid_setl_flag?: string;
  acct_mulaid_psn_no?: string | null;
}

/** A refused input names the field: 入参[data.psn_no]不能为空 rather than a schema dump. */
function describeInputIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code: string; input?: unknown }>): string {
  const parts = issues.slice(0, 5).map((i) => {
    const field = i.path.map(String).join('.') || '(input)';
    const missing = i.input === undefined;
    const empty = i.code === 'too_small' && i.input === '';
    return missing || empty ? `入参[${field}]不能为空` : `入参[${field}]格式错误: ${i.message}`;
  });
  return `入参校验失败: ${parts.join('; ')}`.slice(0, 400);
}

function ageOn(brdy: string, at: Date): number {
  const [y = 0, m = 1, d = 1] = brdy.split('-').map(Number);
  let age = at.getFullYear() - y;
  if (at.getMonth() + 1 < m || (at.getMonth() + 1 === m && at.getDate() < d)) age--;
  return age;
}

export type { ItemClass };
