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
  it('shows every standard line in normal mode, other funds only when used', () => {
    assert.deepEqual(splitLines(split, false), [
      'basicFundFen',
      'criticalIllnessFen',
      'medicalAidFen',
      'personalAccountFen',
      'familyAccountFen',
      'cashFen',
    ]);
    assert.ok(splitLines({ ...split, otherFundFen: 1 }, false).includes('otherFundFen'));
  });

  it('hides zero lines in elderly mode', () => {
    assert.deepEqual(splitLines(split, true), ['basicFundFen', 'personalAccountFen', 'cashFen']);
    assert.deepEqual(splitLines({ ...split, cashFen: 0, personalAccountFen: 8000 }, true), ['basicFundFen', 'personalAccountFen']);
  });
});
