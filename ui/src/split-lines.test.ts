import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitLines } from './split-lines';

const split = {
  totalFen: 20000,
  fundFen: 12000,
  basicFundFen: 12000,
  criticalIllnessFen: 0,
  medicalAidFen: 0,
  otherFundFen: 0,
  personalAccountFen: 5000,
  familyAccountFen: 0,
  cashFen: 3000,
};

describe('splitLines', () => {
  it('lists the lines that paid something, in the national form\'s order', () => {
    assert.deepEqual(splitLines(split), ['basicFundFen', 'personalAccountFen', 'cashFen']);
    assert.ok(splitLines({ ...split, otherFundFen: 1 }).includes('otherFundFen'));
    // 职工大额医疗费用补助 (hifob_pay) by its own line, after 大病 and before 医疗救助.
    assert.deepEqual(splitLines({ ...split, largeAmountFundFen: 500 }), ['basicFundFen', 'largeAmountFundFen', 'personalAccountFen', 'cashFen']);
  });

  it('hides every zero line, so no row reads ¥0.00 (issue 14 item 5)', () => {
    assert.deepEqual(splitLines({ ...split, cashFen: 0, personalAccountFen: 8000 }), ['basicFundFen', 'personalAccountFen']);
    const fundsPaidNothing = { ...split, fundFen: 0, basicFundFen: 0, personalAccountFen: 0, cashFen: 20000 };
    assert.deepEqual(splitLines(fundsPaidNothing), ['cashFen']);
  });
});
