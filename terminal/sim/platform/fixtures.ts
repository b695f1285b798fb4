// Loads the simulator's people, policies and settings from fixtures/platform/ and turns their yuan
// and ratio text into integer fen and per-mille values once, at start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { yuanToFen } from '../../common/money';
import { policyAtLevel, type HospitalLevel, type InsutypePolicy, type ItemClass, type LevelledFundPolicy, type PoolPolicy } from './policy';

const Yuan = z.string().transform((v, ctx) => {
  try {
    return yuanToFen(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a yuan amount: ${v}` });
    return z.NEVER;
  }
});

/** "0.85" -> 850 per mille; at most 3 decimals, between 0 and 1. */
export function parseRatio(text: string): number {
  const m = /^(0|1)(?:\.(\d{1,3}))?$/.exec(text);
  if (!m) throw new Error(`not a ratio between 0 and 1: ${text}`);
  const permille = Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
  if (permille > 1000) throw new Error(`ratio above 1: ${text}`);
  return permille;
}
const Ratio = z.string().transform((v, ctx) => {
  try {
    return parseRatio(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

const Person = z.object({
  key: z.string(),
  psn_no: z.string(),
  certno: z.string().regex(/^\d{17}[\dX]$/),
  psn_cert_type: z.string(),
  psn_name: z.string(),
  gend: z.string(),
  naty: z.string(),
  brdy: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  card_no: z.string(),
  card_sn: z.string(),
  ec_index_no: z.string().regex(/^[A-Za-z0-9]+$/),
  insutype: z.string(),
  psn_type: z.string(),
  insuplc_admdvs: z.string().regex(/^\d{6}$/),
  psn_insu_stas: z.string(),
  balc: Yuan,
  cvlserv_flag: z.string(),
  emp_name: z.string(),
  medicalAid: z.boolean(),
  idetinfo: z.array(z.looseObject({ psn_idet_type: z.string(), begntime: z.string() })),
});
export type SimPerson = z.infer<typeof Person>;

/**
 * One value for every hospital level, or {"1": .., "2": .., "3": ..} with all three: a level left out
 * would silently take some other level's figure, so the loader refuses it instead.
 */
function perLevel(value: typeof Yuan | typeof Ratio) {
  return z
    .union([value, z.strictObject({ '1': value, '2': value, '3': value })])
    .transform((v): Record<HospitalLevel, number> => (typeof v === 'number' ? { 1: v, 2: v, 3: v } : { 1: v['1'], 2: v['2'], 3: v['3'] }));
}
const FundPolicy = z.object({ deductible: perLevel(Yuan), ratio: perLevel(Ratio), annualCap: Yuan }).transform((p): LevelledFundPolicy => ({
  deductibleFen: p.deductible,
  ratioPermille: p.ratio,
  annualCapFen: p.annualCap,
}));
const Policy = z.object({
  name: z.string(),
  outpatient: FundPolicy,
  inpatient: FundPolicy,
  classBSelfpayRatio: Ratio,
  personalAccount: z.boolean(),
  criticalIllness: z.object({ fund: z.enum(['hifmi_pay', 'hifob_pay']), threshold: Yuan, ratio: Ratio }).nullable(),
  medicalAid: z.object({ ratio: Ratio, annualCap: Yuan }).nullable(),
});
const CatalogueEntry = z.object({ name: z.string(), chrgitm_lv: z.enum(['01', '02', '03']), med_chrgitm_type: z.string() });

const Config = z.object({
  admdvs: z.string().regex(/^\d{6}$/),
  ecQrHmacKey: z.string().min(16),
  ecTokenValiditySeconds: z.number().int().positive(),
  signNoPrefix: z.string(),
});

export interface SimFixtures {
  config: z.infer<typeof Config>;
  people: SimPerson[];
  /** 家庭共济: each payer's personal account may pay the self-paid part of these relatives (psn_no). */
  familyBindings: Array<{ payer: string; relatives: string[] }>;
  policies: Map<string, PoolPolicy & { name: string }>;
  /** insuplc_admdvs -> insutype -> policy: the insured area's own rules for 异地 patients. */
  areaPolicies: Map<string, Map<string, PoolPolicy & { name: string }>>;
  catalogue: Map<string, { name: string; chrgitm_lv: ItemClass; med_chrgitm_type: string }>;
}

function readJson(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(join(dir, 'platform', file), 'utf8'));
}

export function loadFixtures(fixturesDir: string): SimFixtures {
  const config = Config.parse(readJson(fixturesDir, 'config.json'));
  const { people, familyBindings } = z
    .object({ people: z.array(Person), familyBindings: z.array(z.object({ payer: z.string(), relatives: z.array(z.string()) })).default([]) })
    .parse(readJson(fixturesDir, 'people.json'));
  const known = new Set(people.map((p) => p.psn_no));
  for (const b of familyBindings) {
    for (const psnNo of [b.payer, ...b.relatives]) if (!known.has(psnNo)) throw new Error(`familyBindings names psn_no ${psnNo}, who is not in people.json`);
  }
  const raw = z
    .object({
      insutypes: z.record(z.string(), Policy),
      areaPolicies: z.record(z.string().regex(/^\d{6}$/), z.record(z.string(), Policy)).default({}),
      catalogue: z.record(z.string(), CatalogueEntry),
    })
    .parse(readJson(fixturesDir, 'policies.json'));
  const toPolicies = (byInsutype: Record<string, z.infer<typeof Policy>>) => {
    const policies = new Map<string, PoolPolicy & { name: string }>();
    for (const [insutype, p] of Object.entries(byInsutype)) {
      policies.set(insutype, {
        name: p.name,
        outpatient: p.outpatient,
        inpatient: p.inpatient,
        classBSelfpayPermille: p.classBSelfpayRatio,
        personalAccount: p.personalAccount,
        criticalIllness: p.criticalIllness && { fund: p.criticalIllness.fund, thresholdFen: p.criticalIllness.threshold, ratioPermille: p.criticalIllness.ratio },
        medicalAid: p.medicalAid && { ratioPermille: p.medicalAid.ratio, annualCapFen: p.medicalAid.annualCap },
      });
    }
    return policies;
  };
  const policies = toPolicies(raw.insutypes);
  const areaPolicies = new Map(Object.entries(raw.areaPolicies).map(([area, byType]) => [area, toPolicies(byType)]));
  for (const p of people) {
    if (!policies.has(p.insutype)) throw new Error(`person ${p.key} has insutype ${p.insutype} without a policy`);
    if (!validCertno(p.certno)) throw new Error(`person ${p.key} has a certno with a bad GB11643 check digit`);
  }
  return { config, people, familyBindings, policies, areaPolicies, catalogue: new Map(Object.entries(raw.catalogue)) };
}

/**
 * The policy a person is paid by at a hospital of this level: the insured area's own where the
 * fixtures have one (异地就医: 就医地目录, 参保地政策), else the pool's for the insutype.
 */
export function policyFor(fx: SimFixtures, p: Pick<SimPerson, 'insuplc_admdvs' | 'insutype'>, level: HospitalLevel): InsutypePolicy | undefined {
  const pool = fx.areaPolicies.get(p.insuplc_admdvs)?.get(p.insutype) ?? fx.policies.get(p.insutype);
  return pool && policyAtLevel(pool, level);
}

/** GB 11643 check digit of an 18-character resident ID number. */
export function validCertno(certno: string): boolean {
  if (!/^\d{17}[\dX]$/.test(certno)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(certno[i]) * (weights[i] ?? 0);
  return '10X98765432'[sum % 11] === certno[17];
}
