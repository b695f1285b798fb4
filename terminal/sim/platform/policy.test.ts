import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadFixtures } from './fixtures';
import { applyPermille, classifyLine, emptyYearToDate, policyAtLevel, splitBill, type InsutypePolicy, type YearToDate } from './policy';

// The policies come from fixtures/platform/policies.json itself, at a tertiary hospital (level 3),
// so these tests check the figures the simulator really uses; the first test pins the figures the
// arithmetic below is written with, so a changed fixture fails there with a clear diff.
const fx = loadFixtures(fileURLToPath(new URL('../../../fixtures', import.meta.url)));
function pool(insutype: string) {
  const p = fx.policies.get(insutype);
  if (!p) throw new Error(`fixtures have no policy for ${insutype}`);
  return p;
}
const employee: InsutypePolicy = policyAtLevel(pool('310'), 3);
const resident: InsutypePolicy = policyAtLevel(pool('390'), 3);

describe('the fixture policies at a tertiary hospital', () => {
  it('are the figures the arithmetic in these tests is written with', () => {
    assert.deepEqual(employee, {
      outpatient: { deductibleFen: 100_000, ratioPermille: 700, annualCapFen: 1_000_000 },
      inpatient: { deductibleFen: 80_000, ratioPermille: 850, annualCapFen: 40_000_000 },
      classBSelfpayPermille: 100,
      personalAccount: true,
      criticalIllness: { fund: 'hifob_pay', thresholdFen: 2_000_000, ratioPermille: 800 },
      medicalAid: { ratioPermille: 500, annualCapFen: 2_000_000 },
    });
    assert.deepEqual(resident, {
      outpatient: { deductibleFen: 30_000, ratioPermille: 500, annualCapFen: 200_000 },
      inpatient: { deductibleFen: 100_000, ratioPermille: 700, annualCapFen: 30_000_000 },
      classBSelfpayPermille: 150,
      personalAccount: false,
      criticalIllness: { fund: 'hifmi_pay', thresholdFen: 1_500_000, ratioPermille: 600 },
      medicalAid: { ratioPermille: 700, annualCapFen: 5_000_000 },
    });
  });
});

function ytd(patch: Partial<YearToDate>): YearToDate {
  return { ...emptyYearToDate(), ...patch };
}

describe('applyPermille', () => {
  it('rounds half up in integers', () => {
    // 333 * 150 / 1000 = 49.95 -> 50; 10 * 50 / 1000 = 0.5 -> 1; 10 * 49 / 1000 = 0.49 -> 0
    assert.equal(applyPermille(333, 150), 50);
    assert.equal(applyPermille(10, 50), 1);
    assert.equal(applyPermille(10, 49), 0);
  });
});

describe('classifyLine', () => {
  it('splits a class B line into pre-self-pay and in-scope', () => {
    // 120.00 yuan at 10%: pre-self-pay 12.00, in scope 108.00
    const l = classifyLine(12_000, '02', employee);
    assert.deepEqual([l.preselfpayFen, l.inscpFen, l.fulamtOwnpayFen], [1_200, 10_800, 0]);
  });
  it('makes a class C line fully self-paid', () => {
    const l = classifyLine(3_000, '03', employee);
    assert.deepEqual([l.fulamtOwnpayFen, l.inscpFen, l.selfpayPermille], [3_000, 0, 1000]);
  });
});

describe('splitBill', () => {
  const outpatientLines = (p: InsutypePolicy) => [
    classifyLine(5_000, '01', p),
    classifyLine(12_000, '02', p),
    classifyLine(3_000, '03', p),
  ];

  it('employee, first visit of the year: all in-scope goes to the deductible, account pays', () => {
    // total 200.00; class C 30.00; class B pre-self-pay 12.00; in scope 50.00 + 108.00 = 158.00
    // deductible left 1000.00 >= 158.00 -> deductible 158.00, fund 0; account 2000.00 pays 200.00
    const s = splitBill({ lines: outpatientLines(employee), setting: 'outpatient', policy: employee, ytd: emptyYearToDate(), medicalAidEligible: false, useAccount: true, accountBalanceFen: 200_000 });
    assert.equal(s.medfeeSumamtFen, 20_000);
    assert.equal(s.fulamtOwnpayFen, 3_000);
    assert.equal(s.preselfpayFen, 1_200);
    assert.equal(s.inscpScpFen, 15_800);
    assert.equal(s.deductibleFen, 15_800);
    assert.equal(s.hifpFen, 0);
    assert.equal(s.acctPayFen, 20_000);
    assert.equal(s.psnCashPayFen, 0);
    assert.equal(s.balanceAfterFen, 180_000);
    assert.equal(s.ytdDelta.deductibleFen.outpatient, 15_800);
  });

  it('employee after the deductible: the fund pays 70% of in-scope, cash the rest', () => {
    // in scope 158.00, deductible already met; fund 158.00 * 70% = 110.60, co-pay 47.40
    // person: 30.00 + 12.00 + 47.40 = 89.40 cash (no account)
    const s = splitBill({ lines: outpatientLines(employee), setting: 'outpatient', policy: employee, ytd: ytd({ deductibleFen: { outpatient: 100_000, inpatient: 0 } }), medicalAidEligible: false, useAccount: false, accountBalanceFen: 200_000 });
    assert.equal(s.deductibleFen, 0);
    assert.equal(s.hifpFen, 11_060);
    assert.equal(s.poolPropSelfpayFen, 4_740);
    assert.equal(s.fundPaySumamtFen, 11_060);
    assert.equal(s.acctPayFen, 0);
    assert.equal(s.psnCashPayFen, 8_940);
    assert.equal(s.balanceAfterFen, 200_000);
  });

  it('the deductible left over from earlier visits is only the remainder', () => {
    // 900.00 of 1000.00 already paid -> 100.00 deductible now; above it 58.00 * 70% = 40.60
    const s = splitBill({ lines: outpatientLines(employee), setting: 'outpatient', policy: employee, ytd: ytd({ deductibleFen: { outpatient: 90_000, inpatient: 0 } }), medicalAidEligible: false, useAccount: false, accountBalanceFen: 0 });
    assert.equal(s.deductibleFen, 10_000);
    assert.equal(s.hifpFen, 4_060);
    assert.equal(s.psnCashPayFen, 20_000 - 4_060);
  });

  it('resident at the annual cap: the fund pays only what the cap leaves, no account', () => {
    // in scope 300.00, deductible met, fund share 50% = 150.00 but only 50.00 of cap is left
    const s = splitBill({ lines: [classifyLine(30_000, '01', resident)], setting: 'outpatient', policy: resident, ytd: ytd({ deductibleFen: { outpatient: 30_000, inpatient: 0 }, basicFundFen: { outpatient: 195_000, inpatient: 0 } }), medicalAidEligible: false, useAccount: true, accountBalanceFen: 100_000 });
    assert.equal(s.hifpFen, 5_000);
    assert.equal(s.poolPropSelfpayFen, 15_000);
    assert.equal(s.acctPayFen, 0, 'residents have no personal account');
    assert.equal(s.psnCashPayFen, 25_000);
    assert.equal(s.ytdDelta.criticalBaseFen, 25_000, 'deductible 0 + co-pay 150.00 + refused by cap 100.00');
  });

  it('resident inpatient with medical aid: basic fund, 大病 above its threshold, then 医疗救助', () => {
    // lines: A 40000.00; B 10000.00 (15% pre-self-pay = 1500.00); C 2000.00
    // total 52000.00; in scope 40000.00 + 8500.00 = 48500.00
    // deductible 1000.00; above 47500.00; fund 70% = 33250.00; co-pay 14250.00
    // 大病 base 1000.00 + 14250.00 = 15250.00; above threshold 15000.00 by 250.00; 60% = 150.00
    // aid: (15250.00 - 150.00) * 70% = 10570.00
    // funds 33250.00 + 150.00 + 10570.00 = 43970.00; cash 8030.00
    const lines = [classifyLine(4_000_000, '01', resident), classifyLine(1_000_000, '02', resident), classifyLine(200_000, '03', resident)];
    const s = splitBill({ lines, setting: 'inpatient', policy: resident, ytd: emptyYearToDate(), medicalAidEligible: true, useAccount: false, accountBalanceFen: 0 });
    assert.equal(s.medfeeSumamtFen, 5_200_000);
    assert.equal(s.inscpScpFen, 4_850_000);
    assert.equal(s.deductibleFen, 100_000);
    assert.equal(s.hifpFen, 3_325_000);
    assert.equal(s.hifmiFen, 15_000);
    assert.equal(s.hifobFen, 0);
    assert.equal(s.mafFen, 1_057_000);
    assert.equal(s.fundPaySumamtFen, 4_397_000);
    assert.equal(s.psnCashPayFen, 803_000);
  });

  it('大病 counts only the part of this bill above the yearly threshold', () => {
    // ytd base 14000.00; this bill adds deductible 0 + co-pay: in scope 4000.00 -> fund 2000.00, co-pay 2000.00
    // base goes 14000.00 -> 16000.00; above 15000.00 by 1000.00; 60% = 600.00
    const s = splitBill({ lines: [classifyLine(400_000, '01', resident)], setting: 'outpatient', policy: { ...resident, outpatient: { ...resident.outpatient, annualCapFen: 10_000_000 } }, ytd: ytd({ deductibleFen: { outpatient: 30_000, inpatient: 0 }, criticalBaseFen: 1_400_000 }), medicalAidEligible: false, useAccount: false, accountBalanceFen: 0 });
    assert.equal(s.hifpFen, 200_000);
    assert.equal(s.hifmiFen, 60_000);
    assert.equal(s.psnCashPayFen, 140_000);
  });

  it('keeps fund + account + cash = total for many random bills', () => {
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const classes = ['01', '02', '03'] as const;
    for (let i = 0; i < 500; i++) {
      const p = rnd(2) ? employee : resident;
      const lines = Array.from({ length: 1 + rnd(6) }, () => classifyLine(rnd(5_000_000), classes[rnd(3)] ?? '01', p));
      const s = splitBill({ lines, setting: rnd(2) ? 'inpatient' : 'outpatient', policy: p, ytd: ytd({ criticalBaseFen: rnd(3_000_000) }), medicalAidEligible: rnd(2) === 1, useAccount: true, accountBalanceFen: rnd(300_000) });
      assert.equal(s.fundPaySumamtFen + s.acctPayFen + s.psnCashPayFen, s.medfeeSumamtFen);
    }
  });
});
