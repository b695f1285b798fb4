// The simulator's policy maths: how one bill splits between the funds, the personal account and cash.
// Pure and in integer fen; ratios are per mille so no float ever touches money.
// A teaching model of the rules (deductible, co-insurance, cap, item classes, 大病, 医疗救助), not any
// one city's exact rulebook.

export type ItemClass = '01' | '02' | '03';
export type Setting = 'outpatient' | 'inpatient';

export interface FundPolicy {
  /** 起付线: the in-scope amount the person pays before the fund pays, once a year per setting (or per admission, below). */
  deductibleFen: number;
  /**
   * Some pools charge the inpatient 起付线 per admission rather than once a year: deductibleFen for
   * the year's first admission, laterFen for each one after it (e.g. Beijing's 1300 / 650).
   */
  perAdmission?: { laterFen: number };
  /** Share of the in-scope amount above the deductible that the basic fund pays. */
  ratioPermille: number;
  /** The basic fund's yearly ceiling for this setting. */
  annualCapFen: number;
}

export interface InsutypePolicy {
  outpatient: FundPolicy;
  inpatient: FundPolicy;
  /** 乙类先行自付比例: the part of a class B item the person pays before anything else. */
  classBSelfpayPermille: number;
  personalAccount: boolean;
  /** 大病保险 (residents, hifmi_pay) or 大额补助 (employees, hifob_pay): pays above a yearly threshold. */
  criticalIllness: CriticalIllnessPolicy | null;
  /** 医疗救助 for eligible people, on what remains of their in-scope burden. */
  medicalAid: { ratioPermille: number; annualCapFen: number } | null;
  /**
   * Which fund the pooled share (hifp_pay) comes out of: the basic medical fund, or for 就医一卡通
   * the maternity (生育, insutype 510) or work-injury (工伤, 410) fund. Those two do not count toward
   * the basic fund's year-to-date deductible, cap or 大病 burden. Basic when absent.
   */
  fund?: PooledFund;
}

export type PooledFund = 'basic' | 'maternity' | 'work-injury';

/**
 * 大病 pays ratioPermille on the yearly in-scope personal burden above thresholdFen; 分段 pools pay
 * more in higher segments: each tier's ratio applies from its fromFen (a yearly burden, not an
 * amount above the threshold) up to the next tier's. annualCapFen is the 大病 fund's yearly ceiling.
 */
export interface CriticalIllnessPolicy {
  fund: 'hifmi_pay' | 'hifob_pay';
  thresholdFen: number;
  ratioPermille: number;
  tiers?: Array<{ fromFen: number; ratioPermille: number }>;
  annualCapFen?: number;
}

/** 医院等级 of the treating hospital: 1 一级 (community), 2 二级, 3 三级 (tertiary). */
export type HospitalLevel = 1 | 2 | 3;
export const HOSPITAL_LEVELS: readonly HospitalLevel[] = [1, 2, 3];

export function isHospitalLevel(n: unknown): n is HospitalLevel {
  return n === 1 || n === 2 || n === 3;
}

/**
 * A setting's rules as a pool publishes them: the deductible and the fund's ratio depend on the
 * treating hospital's level (pools steer patients to lower levels with a lower 起付线 and a higher
 * ratio); the yearly cap does not, since it is one ceiling across all hospitals.
 */
export interface LevelledFundPolicy {
  deductibleFen: Record<HospitalLevel, number>;
  perAdmission?: { laterFen: Record<HospitalLevel, number> };
  ratioPermille: Record<HospitalLevel, number>;
  annualCapFen: number;
}

/** An insutype's policy before the hospital level is known: what the fixtures hold. */
export interface PoolPolicy extends Omit<InsutypePolicy, 'outpatient' | 'inpatient'> {
  outpatient: LevelledFundPolicy;
  inpatient: LevelledFundPolicy;
}

/** The flat policy one hospital applies: splitBill never needs to know about levels. */
export function policyAtLevel(p: PoolPolicy, level: HospitalLevel): InsutypePolicy {
  const at = (f: LevelledFundPolicy): FundPolicy => ({
    deductibleFen: f.deductibleFen[level],
    ...(f.perAdmission ? { perAdmission: { laterFen: f.perAdmission.laterFen[level] } } : {}),
    ratioPermille: f.ratioPermille[level],
    annualCapFen: f.annualCapFen,
  });
  return {
    outpatient: at(p.outpatient),
    inpatient: at(p.inpatient),
    classBSelfpayPermille: p.classBSelfpayPermille,
    personalAccount: p.personalAccount,
    criticalIllness: p.criticalIllness,
    medicalAid: p.medicalAid,
    ...(p.fund ? { fund: p.fund } : {}),
  };
}

/** What the person has already used this calendar year; the ledger keeps it. */
export interface YearToDate {
  deductibleFen: Record<Setting, number>;
  basicFundFen: Record<Setting, number>;
  /** Accumulated in-scope personal burden that counts toward the critical-illness threshold. */
  criticalBaseFen: number;
  medicalAidFen: number;
  /** What the 大病 fund paid this year, against its cap (absent in files written before it was kept). */
  criticalFundFen?: number;
  /** Admissions settled this year: a per-admission 起付线 is lower after the first (absent in older files). */
  admissions?: number;
}

export const emptyYearToDate = (): YearToDate => ({
  deductibleFen: { outpatient: 0, inpatient: 0 },
  basicFundFen: { outpatient: 0, inpatient: 0 },
  criticalBaseFen: 0,
  medicalAidFen: 0,
  criticalFundFen: 0,
  admissions: 0,
});

export interface LineSplit {
  amountFen: number;
  itemClass: ItemClass;
  selfpayPermille: number;
  fulamtOwnpayFen: number;
  preselfpayFen: number;
  overlmtFen: number;
  inscpFen: number;
}

/** a * permille / 1000 rounded half up, for a >= 0. */
export function applyPermille(amountFen: number, permille: number): number {
  if (amountFen < 0 || permille < 0) throw new Error('applyPermille takes non-negative values');
  return Math.floor((amountFen * permille + 500) / 1000);
}

export function classifyLine(amountFen: number, itemClass: ItemClass, policy: InsutypePolicy): LineSplit {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) throw new Error('fee line amount must be non-negative fen');
  const base = { amountFen, itemClass, overlmtFen: 0 };
  switch (itemClass) {
    case '01':
      return { ...base, selfpayPermille: 0, fulamtOwnpayFen: 0, preselfpayFen: 0, inscpFen: amountFen };
    case '02': {
      const pre = applyPermille(amountFen, policy.classBSelfpayPermille);
      return { ...base, selfpayPermille: policy.classBSelfpayPermille, fulamtOwnpayFen: 0, preselfpayFen: pre, inscpFen: amountFen - pre };
    }
    case '03':
      return { ...base, selfpayPermille: 1000, fulamtOwnpayFen: amountFen, preselfpayFen: 0, inscpFen: 0 };
  }
}

export interface SplitInput {
  lines: LineSplit[];
  setting: Setting;
  policy: InsutypePolicy;
  ytd: YearToDate;
  medicalAidEligible: boolean;
  useAccount: boolean;
  accountBalanceFen: number;
  /**
   * 异地就医 without a filing (未备案): the insured area lowers the fund's ratio by this many per mille
   * (e.g. 100 = ten percentage points). 0 or absent for everyone else.
   */
  ratioCutPermille?: number;
  /**
   * An inpatient settlement of a stay that already paid its per-admission 起付线 (a 中途结算 before):
   * no second deductible and not a new admission. Only matters for perAdmission policies.
   */
  admissionAlreadyCounted?: boolean;
}

export interface Split {
  medfeeSumamtFen: number;
  fulamtOwnpayFen: number;
  overlmtSelfpayFen: number;
  preselfpayFen: number;
  inscpScpFen: number;
  deductibleFen: number;
  poolPropSelfpayFen: number;
  hifpFen: number;
  hifmiFen: number;
  hifobFen: number;
  cvlservFen: number;
  hifesFen: number;
  mafFen: number;
  othFen: number;
  fundPaySumamtFen: number;
  psnPartFen: number;
  acctPayFen: number;
  psnCashPayFen: number;
  acctMulaidPayFen: number;
  balanceAfterFen: number;
  /** What committing this split adds to the year-to-date totals (subtracted again on cancel). */
  ytdDelta: YearToDate;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

export function splitBill(input: SplitInput): Split {
  const { lines, setting, policy, ytd } = input;
  const fund = policy[setting];
  const medfee = sum(lines.map((l) => l.amountFen));
  const fulamt = sum(lines.map((l) => l.fulamtOwnpayFen));
  const overlmt = sum(lines.map((l) => l.overlmtFen));
  const preselfpay = sum(lines.map((l) => l.preselfpayFen));
  const inscp = sum(lines.map((l) => l.inscpFen));

  const admissions = ytd.admissions ?? 0;
  const newAdmission = setting === 'inpatient' && !input.admissionAlreadyCounted;
  const deductibleLeft = fund.perAdmission && setting === 'inpatient'
    ? (input.admissionAlreadyCounted ? 0 : admissions === 0 ? fund.deductibleFen : fund.perAdmission.laterFen)
    : Math.max(0, fund.deductibleFen - ytd.deductibleFen[setting]);
  const deductible = Math.min(inscp, deductibleLeft);
  const aboveDeductible = inscp - deductible;
  const ratio = Math.max(0, fund.ratioPermille - (input.ratioCutPermille ?? 0));
  const fundShare = applyPermille(aboveDeductible, ratio);
  const capLeft = Math.max(0, fund.annualCapFen - ytd.basicFundFen[setting]);
  const hifp = Math.min(fundShare, capLeft);
  const poolPropSelfpay = aboveDeductible - fundShare;
  // What the cap refused falls back on the person and counts toward 大病 like any in-scope burden.
  const overCap = fundShare - hifp;

  const criticalBase = deductible + poolPropSelfpay + overCap;
  let critical = 0;
  if (policy.criticalIllness) {
    const ci = policy.criticalIllness;
    critical = criticalShare(ci, ytd.criticalBaseFen, ytd.criticalBaseFen + criticalBase);
    if (ci.annualCapFen !== undefined) critical = Math.min(critical, Math.max(0, ci.annualCapFen - (ytd.criticalFundFen ?? 0)));
  }

  let maf = 0;
  if (input.medicalAidEligible && policy.medicalAid) {
    const burden = criticalBase - critical;
    const aidLeft = Math.max(0, policy.medicalAid.annualCapFen - ytd.medicalAidFen);
    maf = Math.min(applyPermille(burden, policy.medicalAid.ratioPermille), aidLeft);
  }

  const hifmi = policy.criticalIllness?.fund === 'hifmi_pay' ? critical : 0;
  const hifob = policy.criticalIllness?.fund === 'hifob_pay' ? critical : 0;
  const fundSum = hifp + hifmi + hifob + maf;
  const psnPart = medfee - fundSum;
  // The account may pay the whole personal part here; some cities limit it to the in-scope part.
  const acctPay = input.useAccount && policy.personalAccount ? Math.max(0, Math.min(input.accountBalanceFen, psnPart)) : 0;
  const cash = psnPart - acctPay;

  const split: Split = {
    medfeeSumamtFen: medfee,
    fulamtOwnpayFen: fulamt,
    overlmtSelfpayFen: overlmt,
    preselfpayFen: preselfpay,
    inscpScpFen: inscp,
    deductibleFen: deductible,
    poolPropSelfpayFen: poolPropSelfpay,
    hifpFen: hifp,
    hifmiFen: hifmi,
    hifobFen: hifob,
    cvlservFen: 0,
    hifesFen: 0,
    mafFen: maf,
    othFen: 0,
    fundPaySumamtFen: fundSum,
    psnPartFen: psnPart,
    acctPayFen: acctPay,
    psnCashPayFen: cash,
    acctMulaidPayFen: 0,
    balanceAfterFen: input.accountBalanceFen - acctPay,
    // The maternity and work-injury funds keep no year-to-date of the basic fund's: their bills do
    // not use up its deductible, cap or 大病 burden.
    ytdDelta: (policy.fund ?? 'basic') !== 'basic' ? emptyYearToDate() : {
      deductibleFen: { outpatient: 0, inpatient: 0, [setting]: deductible },
      basicFundFen: { outpatient: 0, inpatient: 0, [setting]: hifp },
      criticalBaseFen: criticalBase,
      medicalAidFen: maf,
      criticalFundFen: critical,
      admissions: newAdmission ? 1 : 0,
    },
  };
  assertSplit(split);
  return split;
}

/**
 * What 大病 pays for the yearly burden moving from `from` to `to`: each segment's overlap with that
 * range at its own ratio, each rounded on its own (one segment gives exactly the old single-ratio sum).
 */
export function criticalShare(ci: CriticalIllnessPolicy, from: number, to: number): number {
  const segments = [{ fromFen: ci.thresholdFen, ratioPermille: ci.ratioPermille }, ...(ci.tiers ?? [])].sort((a, b) => a.fromFen - b.fromFen);
  let paid = 0;
  segments.forEach((seg, i) => {
    const end = segments[i + 1]?.fromFen ?? Number.POSITIVE_INFINITY;
    const overlap = Math.max(0, Math.min(to, end) - Math.max(from, seg.fromFen));
    if (overlap > 0) paid += applyPermille(overlap, seg.ratioPermille);
  });
  return paid;
}

/** The invariants every answer must keep; a violation is a bug in this module, so it throws. */
export function assertSplit(s: Split): void {
  const funds = s.hifpFen + s.hifmiFen + s.hifobFen + s.cvlservFen + s.hifesFen + s.mafFen + s.othFen;
  if (funds !== s.fundPaySumamtFen) throw new Error('fund_pay_sumamt is not the sum of the funds');
  if (s.fundPaySumamtFen + s.acctPayFen + s.psnCashPayFen !== s.medfeeSumamtFen) {
    throw new Error('fund + account + cash does not equal the total');
  }
  if (s.fulamtOwnpayFen + s.overlmtSelfpayFen + s.preselfpayFen + s.inscpScpFen !== s.medfeeSumamtFen) {
    throw new Error('the scope parts do not add up to the total');
  }
  for (const [k, v] of Object.entries(s)) {
    if (typeof v === 'number' && (!Number.isSafeInteger(v) || v < 0)) throw new Error(`${k} is not non-negative fen`);
  }
}

export function addYearToDate(a: YearToDate, b: YearToDate, sign: 1 | -1): YearToDate {
  return {
    deductibleFen: {
      outpatient: a.deductibleFen.outpatient + sign * b.deductibleFen.outpatient,
      inpatient: a.deductibleFen.inpatient + sign * b.deductibleFen.inpatient,
    },
    basicFundFen: {
      outpatient: a.basicFundFen.outpatient + sign * b.basicFundFen.outpatient,
      inpatient: a.basicFundFen.inpatient + sign * b.basicFundFen.inpatient,
    },
    criticalBaseFen: a.criticalBaseFen + sign * b.criticalBaseFen,
    medicalAidFen: a.medicalAidFen + sign * b.medicalAidFen,
    criticalFundFen: (a.criticalFundFen ?? 0) + sign * (b.criticalFundFen ?? 0),
    admissions: (a.admissions ?? 0) + sign * (b.admissions ?? 0),
  };
}

export function settingOf(medType: string): Setting {
  return medType.startsWith('2') || medType === '52' ? 'inpatient' : 'outpatient';
}

/** med_type of 生育 (maternity): 51 outpatient, 52 inpatient, 53 family-planning operations. */
export const MATERNITY_MED_TYPES: ReadonlySet<string> = new Set(['51', '52', '53']);
