// Loads the simulator's people, policies and settings from fixtures/platform/ and turns their yuan
// and ratio text into integer fen and per-mille values once, at start.
import { existsSync, readFileSync } from 'node:fs';
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
  /**
   * 就医一卡通: further insutypes the same card settles, e.g. 510 生育 and 410 工伤 for an employee.
   * 1101 lists them after the main insutype; a visit is registered under one of them.
   */
  coverages: z.array(z.string()).default([]),
  /** 异地就医备案 with the insured area: only read for people insured outside the treatment area. */
  filing: z.enum(['filed', 'not-filed']).default('not-filed'),
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
const FundPolicy = z
  .object({ deductible: perLevel(Yuan), laterAdmissionDeductible: perLevel(Yuan).optional(), ratio: perLevel(Ratio), annualCap: Yuan })
  .transform((p): LevelledFundPolicy => ({
    deductibleFen: p.deductible,
    ...(p.laterAdmissionDeductible ? { perAdmission: { laterFen: p.laterAdmissionDeductible } } : {}),
    ratioPermille: p.ratio,
    annualCapFen: p.annualCap,
  }));
const Policy = z.object({
  name: z.string(),
  outpatient: FundPolicy,
  inpatient: FundPolicy,
  classBSelfpayRatio: Ratio,
  personalAccount: z.boolean(),
  criticalIllness: z
    .object({
      fund: z.enum(['hifmi_pay', 'hifob_pay']),
      threshold: Yuan,
      ratio: Ratio,
      tiers: z.array(z.object({ from: Yuan, ratio: Ratio })).optional(),
      annualCap: Yuan.optional(),
    })
    .nullable(),
  medicalAid: z.object({ ratio: Ratio, annualCap: Yuan }).nullable(),
  fund: z.enum(['basic', 'maternity', 'work-injury']).optional(),
  /** Where the figures come from: shown nowhere, kept so the fixture says it (see README). */
  source: z.string().optional(),
});
const CatalogueEntry = z.object({ name: z.string(), chrgitm_lv: z.enum(['01', '02', '03']), med_chrgitm_type: z.string() });
type CatalogueItem = { name: string; chrgitm_lv: ItemClass; med_chrgitm_type: string };

/**
 * An insured area's rule for its people treated elsewhere (异地就医) without a filing (未备案), for
 * inpatient stays: settled with the fund's ratio cut by ratioCut, or refused (pay in full, claim at home).
 */
const UnfiledRule = z.discriminatedUnion('action', [
  z.object({ action: z.literal('settle'), ratioCut: Ratio }),
  z.object({ action: z.literal('refuse') }),
]);
const Area = z.object({
  name: z.string().min(1),
  unfiledInpatient: UnfiledRule.optional(),
  /** 就医地目录: this area's own item classes, used for bills treated here (mdtrtarea_admvs), whoever pays. */
  catalogue: z.record(z.string(), CatalogueEntry).default({}),
});
export type UnfiledRule = z.infer<typeof UnfiledRule>;

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
  catalogue: Map<string, CatalogueItem>;
  /** admdvs -> the area's name, its rule for unfiled 异地 inpatients, and its own catalogue entries. */
  areas: Map<string, { name: string; unfiledInpatient?: UnfiledRule; catalogue: Map<string, CatalogueItem> }>;
}

function readJson(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(join(dir, 'platform', file), 'utf8'));
}

function readOptionalJson(dir: string, file: string, fallback: unknown): unknown {
  return existsSync(join(dir, 'platform', file)) ? readJson(dir, file) : fallback;
}

// Each schema here checks one file once: zod's compiled fast path (code generated and compiled per
// object schema at its first parse) costs more at start than it could save on a single pass.
const once = { jitless: true } as const;

export function loadFixtures(fixturesDir: string): SimFixtures {
  const config = Config.parse(readJson(fixturesDir, 'config.json'), once);
  const { people, familyBindings } = z
    .object({ people: z.array(Person), familyBindings: z.array(z.object({ payer: z.string(), relatives: z.array(z.string()) })).default([]) })
    .parse(readJson(fixturesDir, 'people.json'), once);
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
    .parse(readJson(fixturesDir, 'policies.json'), once);
  const toPolicies = (byInsutype: Record<string, z.infer<typeof Policy>>) => {
    const policies = new Map<string, PoolPolicy & { name: string }>();
    for (const [insutype, p] of Object.entries(byInsutype)) {
      policies.set(insutype, {
        name: p.name,
        outpatient: p.outpatient,
        inpatient: p.inpatient,
        classBSelfpayPermille: p.classBSelfpayRatio,
        personalAccount: p.personalAccount,
        criticalIllness: p.criticalIllness && {
          fund: p.criticalIllness.fund,
          thresholdFen: p.criticalIllness.threshold,
          ratioPermille: p.criticalIllness.ratio,
          ...(p.criticalIllness.tiers ? { tiers: p.criticalIllness.tiers.map((t) => ({ fromFen: t.from, ratioPermille: t.ratio })) } : {}),
          ...(p.criticalIllness.annualCap !== undefined ? { annualCapFen: p.criticalIllness.annualCap } : {}),
        },
        medicalAid: p.medicalAid && { ratioPermille: p.medicalAid.ratio, annualCapFen: p.medicalAid.annualCap },
        ...(p.fund ? { fund: p.fund } : {}),
      });
    }
    return policies;
  };
  const policies = toPolicies(raw.insutypes);
  const areaPolicies = new Map(Object.entries(raw.areaPolicies).map(([area, byType]) => [area, toPolicies(byType)]));
  for (const p of people) {
    if (!policies.has(p.insutype)) throw new Error(`person ${p.key} has insutype ${p.insutype} without a policy`);
    for (const c of p.coverages) if (!policies.has(c)) throw new Error(`person ${p.key} has coverage ${c} without a policy`);
    if (!validCertno(p.certno)) throw new Error(`person ${p.key} has a certno with a bad GB11643 check digit`);
  }
  const rawAreas = z.object({ areas: z.record(z.string().regex(/^\d{6}$/), Area) }).parse(readOptionalJson(fixturesDir, 'areas.json', { areas: {} }), once).areas;
  const areas = new Map(Object.entries(rawAreas).map(([code, a]) => [code, { name: a.name, ...(a.unfiledInpatient ? { unfiledInpatient: a.unfiledInpatient } : {}), catalogue: new Map(Object.entries(a.catalogue)) }]));
  return { config, people, familyBindings, policies, areaPolicies, catalogue: new Map(Object.entries(raw.catalogue)), areas };
}

/** 城市统筹: two area codes are one pool when they share the city (the first four digits). */
export function samePool(a: string, b: string): boolean {
  return a.slice(0, 4) === b.slice(0, 4);
}

/** 就医地目录: the class of an item as the treatment area lists it (its own entries first, then the platform's). */
export function catalogueItem(fx: SimFixtures, treatmentArea: string, code: string): CatalogueItem | undefined {
  return fx.areas.get(treatmentArea)?.catalogue.get(code) ?? fx.catalogue.get(code);
}

/**
 * The policy a person is paid by at a hospital of this level: the insured area's own where the
 * fixtures have one (异地就医: 就医地目录, 参保地政策), else the pool's for the insutype.
 */
export function policyFor(fx: SimFixtures, p: Pick<SimPerson, 'insuplc_admdvs' | 'insutype'>, level: HospitalLevel, insutype = p.insutype): InsutypePolicy | undefined {
  const pool = fx.areaPolicies.get(p.insuplc_admdvs)?.get(insutype) ?? fx.policies.get(insutype);
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
