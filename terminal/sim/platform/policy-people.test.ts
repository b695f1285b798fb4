// Hand-computed splits for every person of fixtures/platform/people.json, with the policy the
// simulator would pick for them (insured area's where the fixtures have one) at a given hospital
// level, and the hospital level (医院等级) itself: loader, per-level figures, simulator option.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlatformClient } from '../../insurance/client';
import { fenToYuan, yuanToFen } from '../../common/money';
import { formatMsgid } from '../../insurance/msgid';
import * as tx from '../../insurance/transactions-client';
import { simEnvelopeContext } from './context';
import { loadFixtures, policyFor, type SimPerson } from './fixtures';
import { classifyLine, emptyYearToDate, splitBill, type HospitalLevel, type InsutypePolicy, type ItemClass, type Setting, type Split, type YearToDate } from './policy';
import { startPlatformSimulator } from './server';

const fixturesDir = fileURLToPath(new URL('../../../fixtures', import.meta.url));
const fx = loadFixtures(fixturesDir);

function person(key: string): SimPerson {
  const p = fx.people.find((x) => x.key === key);
  if (!p) throw new Error(`no fixture person ${key}`);
  return p;
}
function policy(p: SimPerson, level: HospitalLevel): InsutypePolicy {
  const x = policyFor(fx, p, level);
  if (!x) throw new Error(`no policy for ${p.key}`);
  return x;
}

interface Bill {
  lines: Array<[number, ItemClass]>; setting: Setting; level: HospitalLevel; ytd?: Partial<YearToDate>; useAccount?: boolean;
  /** 就医一卡通: settle under another of the person's insutypes (510 生育, 410 工伤). */
  insutype?: string;
  /** 异地 without a filing: the insured area's cut of the ratio, per mille. */
  ratioCut?: number;
}

/** Splits a bill for a fixture person exactly as the simulator would (its policy, balance, aid flag). */
function split(key: string, bill: Bill): Split {
  const p = person(key);
  const pol = policyFor(fx, p, bill.level, bill.insutype);
  if (!pol) throw new Error(`no policy for ${p.key}`);
  return splitBill({
    lines: bill.lines.map(([fen, cls]) => classifyLine(fen, cls, pol)),
    setting: bill.setting,
    policy: pol,
    ytd: { ...emptyYearToDate(), ...bill.ytd },
    medicalAidEligible: p.medicalAid,
    useAccount: bill.useAccount ?? false,
    accountBalanceFen: p.balc,
    ratioCutPermille: bill.ratioCut ?? 0,
  });
}

/** The figures a patient and the funds care about, in fen. */
const figures = (s: Split) => ({
  total: s.medfeeSumamtFen, inscp: s.inscpScpFen, deductible: s.deductibleFen, hifp: s.hifpFen, hifmi: s.hifmiFen,
  hifob: s.hifobFen, maf: s.mafFen, acct: s.acctPayFen, cash: s.psnCashPayFen, balanceAfter: s.balanceAfterFen,
});

// One case per fixture person; the last test checks none is missing.
const cases: Record<string, () => void> = {
  employee: () => {
    // 310 at a level-1 hospital, outpatient deductible (1000.00) already met, account used.
    // Bill 200.00: A 50.00, B 120.00 (10% first = 12.00, in scope 108.00), C 30.00.
    // in scope 50.00 + 108.00 = 158.00; fund 80% (level 1) = 126.40; person 200.00 - 126.40 = 73.60,
    // all from the account (2000.00 -> 1926.40), cash 0.
    const s = split('employee', { lines: [[5_000, '01'], [12_000, '02'], [3_000, '03']], setting: 'outpatient', level: 1, ytd: { deductibleFen: { outpatient: 100_000, inpatient: 0 } }, useAccount: true });
    assert.deepEqual(figures(s), { total: 20_000, inscp: 15_800, deductible: 0, hifp: 12_640, hifmi: 0, hifob: 0, maf: 0, acct: 7_360, cash: 0, balanceAfter: 192_640 });
  },
  resident: () => {
    // 390 outpatient 500.00, class A, first visit of the year: deductible 300.00, above it 200.00.
    // level 3: fund 50% = 100.00, cash 400.00. level 1: fund 60% = 120.00, cash 380.00.
    // No personal account: asking for it changes nothing.
    const l3 = split('resident', { lines: [[50_000, '01']], setting: 'outpatient', level: 3, useAccount: true });
    assert.deepEqual(figures(l3), { total: 50_000, inscp: 50_000, deductible: 30_000, hifp: 10_000, hifmi: 0, hifob: 0, maf: 0, acct: 0, cash: 40_000, balanceAfter: 0 });
    const l1 = split('resident', { lines: [[50_000, '01']], setting: 'outpatient', level: 1 });
    assert.deepEqual([l1.deductibleFen, l1.hifpFen, l1.psnCashPayFen], [30_000, 12_000, 38_000]);
    // Inpatient 10,000.00 class A, per level (deductible / ratio):
    // level 3: 1000.00 / 70%: 9000.00 * 0.70 = 6300.00 fund, cash 10000.00 - 6300.00 = 3700.00
    // level 2:  600.00 / 80%: 9400.00 * 0.80 = 7520.00 fund, cash 2480.00
    // level 1:  300.00 / 85%: 9700.00 * 0.85 = 8245.00 fund, cash 1755.00
    const inpatient = ([3, 2, 1] as const).map((level) => {
      const s = split('resident', { lines: [[1_000_000, '01']], setting: 'inpatient', level });
      return [s.deductibleFen, s.hifpFen, s.psnCashPayFen];
    });
    assert.deepEqual(inpatient, [[100_000, 630_000, 370_000], [60_000, 752_000, 248_000], [30_000, 824_500, 175_500]]);
  },
  'cross-region': () => {
    // 310 insured in 510100: the fixtures have no 510100/310 area policy, so the pool's 310 applies.
    assert.equal(fx.areaPolicies.get('510100')?.get('310'), undefined);
    // Outpatient 1200.00 class A, account used: deductible 1000.00; 200.00 * 70% = 140.00 fund;
    // person 1060.00: account 500.00 (all of it), cash 560.00.
    const s = split('cross-region', { lines: [[120_000, '01']], setting: 'outpatient', level: 3, useAccount: true });
    assert.deepEqual(figures(s), { total: 120_000, inscp: 120_000, deductible: 100_000, hifp: 14_000, hifmi: 0, hifob: 0, maf: 0, acct: 50_000, cash: 56_000, balanceAfter: 0 });
  },
  'medical-aid': () => {
    // 390 with 医疗救助, inpatient 5000.00 class A at level 3: deductible 1000.00; 4000.00 * 70% =
    // 2800.00 fund; burden 1000.00 + 1200.00 = 2200.00, under the 大病 threshold 15000.00 -> 0;
    // aid 70% of 2200.00 = 1540.00; cash 5000.00 - 2800.00 - 1540.00 = 660.00.
    const s = split('medical-aid', { lines: [[500_000, '01']], setting: 'inpatient', level: 3 });
    assert.deepEqual(figures(s), { total: 500_000, inscp: 500_000, deductible: 100_000, hifp: 280_000, hifmi: 0, hifob: 0, maf: 154_000, acct: 0, cash: 66_000, balanceAfter: 0 });
  },
  suspended: () => {
    // psn_insu_stas 2: the simulator refuses 2201-2207 (client.test.ts), so no bill ever splits.
    assert.equal(person('suspended').psn_insu_stas, '2');
  },
  'cross-province-inpatient': () => {
    // The discharge bill of INSURANCE-API.md under 510100's own 390 policy (same at every level):
    // class A 47,477.45; class B 3,200.00 with 10% first (320.00), in scope 2,880.00; class C 745.77.
    // total 47,477.45 + 3,200.00 + 745.77 = 51,423.22; in scope 47,477.45 + 2,880.00 = 50,357.45
    // deductible 1,000.00; above 49,357.45; 70% = 34,550.215 -> 34,550.22 (half up)
    // co-pay 49,357.45 - 34,550.22 = 14,807.23; yearly burden 1,000.00 + 14,807.23 = 15,807.23
    // 大病: above 7,873.00 by 7,934.23; 52% = 4,125.7996 -> 4,125.80
    // cash 51,423.22 - 34,550.22 - 4,125.80 = 12,747.20
    const bill: Bill = { lines: [[4_747_745, '01'], [320_000, '02'], [74_577, '03']], setting: 'inpatient', level: 3 };
    const s = split('cross-province-inpatient', bill);
    assert.deepEqual(figures(s), { total: 5_142_322, inscp: 5_035_745, deductible: 100_000, hifp: 3_455_022, hifmi: 412_580, hifob: 0, maf: 0, acct: 0, cash: 1_274_720, balanceAfter: 0 });
    assert.deepEqual(figures(split('cross-province-inpatient', { ...bill, level: 1 })), figures(s), 'the tuned area policy has no levels');
  },
  'employee-aid': () => {
    // 310 with an account (3000.00) and 医疗救助, inpatient 162,000.00 at level 3:
    // A 150,000.00; B 10,000.00 (10% first = 1,000.00); C 2,000.00; in scope 159,000.00
    // deductible 800.00; 85% of 158,200.00 = 134,470.00; co-pay 23,730.00; burden 24,530.00
    // 大额 (hifob) 80% of (24,530.00 - 20,000.00) = 3,624.00; aid 50% of (24,530.00 - 3,624.00) = 10,453.00
    // person 162,000.00 - 134,470.00 - 3,624.00 - 10,453.00 = 13,453.00: account 3,000.00, cash 10,453.00
    const s = split('employee-aid', { lines: [[15_000_000, '01'], [1_000_000, '02'], [200_000, '03']], setting: 'inpatient', level: 3, useAccount: true });
    assert.deepEqual(figures(s), { total: 16_200_000, inscp: 15_900_000, deductible: 80_000, hifp: 13_447_000, hifmi: 0, hifob: 362_400, maf: 1_045_300, acct: 300_000, cash: 1_045_300, balanceAfter: 0 });
  },
  elderly: () => {
    // 390, outpatient deductible (300.00) met: A 80.00 + B 40.00 (15% first = 6.00, in scope 34.00);
    // in scope 114.00; fund 50% = 57.00; cash 6.00 + 57.00 = 63.00.
    const s = split('elderly', { lines: [[8_000, '01'], [4_000, '02']], setting: 'outpatient', level: 3, ytd: { deductibleFen: { outpatient: 30_000, inpatient: 0 } } });
    assert.deepEqual(figures(s), { total: 12_000, inscp: 11_400, deductible: 0, hifp: 5_700, hifmi: 0, hifob: 0, maf: 0, acct: 0, cash: 6_300, balanceAfter: 0 });
  },
  'card-holder': () => {
    // 390 at a level-2 hospital (55%), 250.00 of the 300.00 deductible already paid this year:
    // 300.00 class A: deductible 50.00; 250.00 * 55% = 137.50 fund; cash 300.00 - 137.50 = 162.50.
    const s = split('card-holder', { lines: [[30_000, '01']], setting: 'outpatient', level: 2, ytd: { deductibleFen: { outpatient: 25_000, inpatient: 0 } } });
    assert.deepEqual(figures(s), { total: 30_000, inscp: 30_000, deductible: 5_000, hifp: 13_750, hifmi: 0, hifob: 0, maf: 0, acct: 0, cash: 16_250, balanceAfter: 0 });
  },
};

Object.assign(cases, {
  maternity: () => {
    // 生育 (510, on the same card as her 310): a delivery stay at level 3 on the maternity fund.
    // A 5,000.00; B 1,000.00 (乙类先行自付 0% under 510: all in scope); C 200.00
    // in scope 6,000.00; no deductible; fund 100% = 6,000.00 (hifp_pay, fund_pay_type 510100); cash 200.00
    const s = split('maternity', { lines: [[500_000, '01'], [100_000, '02'], [20_000, '03']], setting: 'inpatient', level: 3, insutype: '510' });
    assert.deepEqual(figures(s), { total: 620_000, inscp: 600_000, deductible: 0, hifp: 600_000, hifmi: 0, hifob: 0, maf: 0, acct: 0, cash: 20_000, balanceAfter: 150_000 });
    assert.deepEqual(s.ytdDelta, emptyYearToDate(), 'the maternity fund uses nothing of the basic fund\'s year');
  },
  'work-injury': () => {
    // 工伤 (410): the work-injury fund pays the catalogue's A and B items in full (工伤保险条例 第三十条).
    // A 8,000.00 + B 2,000.00 = 10,000.00 fund (410100); C 500.00 cash; no account under 410.
    const s = split('work-injury', { lines: [[800_000, '01'], [200_000, '02'], [50_000, '03']], setting: 'inpatient', level: 3, insutype: '410', useAccount: true });
    assert.deepEqual(figures(s), { total: 1_050_000, inscp: 1_000_000, deductible: 0, hifp: 1_000_000, hifmi: 0, hifob: 0, maf: 0, acct: 0, cash: 50_000, balanceAfter: 80_000 });
  },
  'beijing-employee': () => {
    // 北京 职工 (110100/310, filed), level 3, first admission of the year: 起付线 1,300.00
    // A 20,000.00; B 5,000.00 (10% first = 500.00, in scope 4,500.00); C 1,000.00
    // total 26,000.00; in scope 24,500.00; above 1,300.00: 23,200.00; 85% = 19,720.00
    // person 26,000.00 - 19,720.00 = 6,280.00: account 3,000.00 (all of it), cash 3,280.00
    const bill: Bill = { lines: [[2_000_000, '01'], [500_000, '02'], [100_000, '03']], setting: 'inpatient', level: 3, useAccount: true };
    const first = split('beijing-employee', bill);
    assert.deepEqual(figures(first), { total: 2_600_000, inscp: 2_450_000, deductible: 130_000, hifp: 1_972_000, hifmi: 0, hifob: 0, maf: 0, acct: 300_000, cash: 328_000, balanceAfter: 0 });
    assert.equal(first.ytdDelta.admissions, 1);
    // The second admission pays the per-admission 起付线 again, at 650.00 (not what is left of a yearly one):
    // above 24,500.00 - 650.00 = 23,850.00; 85% = 20,272.50; person 5,727.50 (no account)
    const second = split('beijing-employee', { ...bill, useAccount: false, ytd: { ...first.ytdDelta } });
    assert.deepEqual(figures(second), { total: 2_600_000, inscp: 2_450_000, deductible: 65_000, hifp: 2_027_250, hifmi: 0, hifob: 0, maf: 0, acct: 0, cash: 572_750, balanceAfter: 300_000 });
    // At a level-1 hospital the ratio is 90%: 23,200.00 * 90% = 20,880.00.
    assert.equal(split('beijing-employee', { ...bill, level: 1 }).hifpFen, 2_088_000);
  },
  'beijing-resident': () => {
    // 北京 城乡居民 (110100/390), not filed, treated here (异地): 北京 settles unfiled stays 10 points lower.
    // A 150,000.00; B 10,000.00 (10% first = 1,000.00, in scope 9,000.00); C 2,000.00
    // total 162,000.00; in scope 159,000.00; deductible 1,300.00 (level 3); above 157,700.00
    // ratio 75% - 10 = 65%: fund 102,505.00; co-pay 55,195.00; burden 1,300.00 + 55,195.00 = 56,495.00
    // 大病 60% from 40,876.00: 56,495.00 - 40,876.00 = 15,619.00 * 60% = 9,371.40 (below the 100,000.00 tier)
    // cash 162,000.00 - 102,505.00 - 9,371.40 = 50,123.60
    const bill: Bill = { lines: [[15_000_000, '01'], [1_000_000, '02'], [200_000, '03']], setting: 'inpatient', level: 3, ratioCut: 100 };
    assert.deepEqual(figures(split('beijing-resident', bill)), { total: 16_200_000, inscp: 15_900_000, deductible: 130_000, hifp: 10_250_500, hifmi: 937_140, hifob: 0, maf: 0, acct: 0, cash: 5_012_360, balanceAfter: 0 });
    // Filed, the same bill: 75% = 118,275.00; burden 1,300.00 + 39,425.00 = 40,725.00, under 40,876.00: no 大病.
    assert.deepEqual(figures(split('beijing-resident', { ...bill, ratioCut: 0 })), { total: 16_200_000, inscp: 15_900_000, deductible: 130_000, hifp: 11_827_500, hifmi: 0, hifob: 0, maf: 0, acct: 0, cash: 4_372_500, balanceAfter: 0 });
    // 分段 and the cap: with 90,000.00 of burden already this year, the unfiled bill's 56,495.00 spans
    // 90,000.00-100,000.00 at 60% = 6,000.00 and 100,000.00-146,495.00 at 70% = 32,546.50: 38,546.50 ...
    const later = split('beijing-resident', { ...bill, ytd: { criticalBaseFen: 9_000_000 } });
    assert.equal(later.hifmiFen, 3_854_650);
    // ... unless the 大病 fund already paid 398,000.00 of its 400,000.00 yearly cap: 2,000.00 left.
    assert.equal(split('beijing-resident', { ...bill, ytd: { criticalBaseFen: 9_000_000, criticalFundFen: 39_800_000 } }).hifmiFen, 200_000);
  },
});

describe('hand-computed splits per fixture person', () => {
  for (const [key, run] of Object.entries(cases)) it(key, run);
  it('covers every person in people.json', () => {
    assert.deepEqual(Object.keys(cases).sort(), fx.people.map((p) => p.key).sort());
  });
});

describe('hospital level (医院等级)', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the loader takes one figure for every level or a map of all three', () => {
    const resident = person('resident');
    const at = (level: HospitalLevel) => policy(resident, level).inpatient;
    assert.deepEqual([at(1), at(2), at(3)], [
      { deductibleFen: 30_000, ratioPermille: 850, annualCapFen: 30_000_000 },
      { deductibleFen: 60_000, ratioPermille: 800, annualCapFen: 30_000_000 },
      { deductibleFen: 100_000, ratioPermille: 700, annualCapFen: 30_000_000 },
    ]);
    // Outpatient deductible is one figure in the fixture: every level gets it.
    assert.deepEqual([1, 2, 3].map((l) => policy(resident, l as HospitalLevel).outpatient.deductibleFen), [30_000, 30_000, 30_000]);
  });

  it('the loader refuses a per-level map without all three levels', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-fixtures-'));
    dirs.push(dir);
    cpSync(join(fixturesDir, 'platform'), join(dir, 'platform'), { recursive: true });
    const file = join(dir, 'platform', 'policies.json');
    const policies = JSON.parse(readFileSync(file, 'utf8')) as { insutypes: Record<string, { inpatient: { deductible: unknown } }> };
    const inpatient = policies.insutypes['390']?.inpatient;
    assert.ok(inpatient);
    inpatient.deductible = { '1': '300.00', '3': '1000.00' };
    writeFileSync(file, JSON.stringify(policies));
    assert.throws(() => loadFixtures(dir), /deductible/);
  });

  it('the simulator settles at its hospital level, 3 by default, and refuses another level', async () => {
    const p = person('resident');
    let seq = 0;
    // One outpatient bill of 500.00 class A: level 3 pays 50% of 200.00 above the deductible, level 1 60%.
    async function fundPaid(level: HospitalLevel | undefined): Promise<[number, HospitalLevel]> {
      const sim = await startPlatformSimulator({ fixturesDir, ...(level ? { hospitalLevel: level } : {}) });
      try {
        const client = createPlatformClient({ baseUrl: sim.url, context: simEnvelopeContext, timeoutMs: 5_000 });
        const id = () => formatMsgid(simEnvelopeContext.fixmedins_code, new Date(2024, 0, 15, 9), ++seq);
        const area = { insuplcAdmdvs: p.insuplc_admdvs };
        const reg = await tx.registerOutpatient(client, id(), { data: { psn_no: p.psn_no, insutype: p.insutype, begntime: '', mdtrt_cert_type: '02', mdtrt_cert_no: p.certno, ipt_otp_no: 'LV', atddr_no: '', dr_name: '', dept_code: '', dept_name: '', caty: '' } }, area);
        assert.equal(reg.kind, 'ok');
        const mdtrtId = reg.kind === 'ok' ? reg.output.data.mdtrt_id : '';
        const up = await tx.uploadOutpatientFees(client, id(), { feedetail: [{ feedetl_sn: 'LV1', mdtrt_id: mdtrtId, psn_no: p.psn_no, chrg_bchno: 'B1', med_list_codg: 'XA01BAA001A001010100001', medins_list_codg: 'H', det_item_fee_sumamt: fenToYuan(50_000), cnt: 1, pric: fenToYuan(50_000), fee_ocur_time: '2024-01-15 09:00:00', bilg_dept_codg: '', bilg_dr_codg: '' }] }, area);
        assert.equal(up.kind, 'ok');
        const s = await tx.settleOutpatient(client, id(), { data: { psn_no: p.psn_no, mdtrt_cert_type: '02', mdtrt_cert_no: p.certno, med_type: '11', medfee_sumamt: fenToYuan(50_000), psn_setlway: '01', mdtrt_id: mdtrtId, chrg_bchno: 'B1', acct_used_flag: '0', insutype: p.insutype } }, area);
        if (s.kind !== 'ok') assert.fail(JSON.stringify(s));
        return [yuanToFen(s.output.setlinfo.hifp_pay), sim.ledger().hospitalLevel];
      } finally {
        await sim.close();
      }
    }
    assert.deepEqual(await fundPaid(undefined), [10_000, 3]);
    assert.deepEqual(await fundPaid(1), [12_000, 1]);
    await assert.rejects(startPlatformSimulator({ fixturesDir, hospitalLevel: 4 as HospitalLevel }), /hospitalLevel must be 1, 2 or 3/);
  });
});
