import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitFromSetlinfo, UnbalancedSplitError } from './split';

describe('split from setlinfo', () => {
  it('splits the cross-province discharge bill of INSURANCE-API.md to the fen', () => {
    // 51,423.22 = basic fund 34,550.22 + critical illness 4,125.80 + cash 12,747.20
    const split = splitFromSetlinfo({
      medfee_sumamt: 51423.22,
      fund_pay_sumamt: '38676.02',
      hifp_pay: 34550.22,
      hifmi_pay: 4125.8,
      maf_pay: 0,
      acct_pay: 0,
      psn_cash_pay: 12747.2,
    });
    assert.equal(split.totalFen, 5_142_322);
    assert.equal(split.basicFundFen, 3_455_022);
    assert.equal(split.criticalIllnessFen, 412_580);
    assert.equal(split.cashFen, 1_274_720);
    assert.equal(split.otherFundFen, 0);
  });

  it('refuses parts that do not add up', () => {
    assert.throws(() => splitFromSetlinfo({ medfee_sumamt: 100, fund_pay_sumamt: 50, acct_pay: 0, psn_cash_pay: 49.99 }), UnbalancedSplitError);
  });

  it('keeps the family account apart from the personal account', () => {
    const split = splitFromSetlinfo({ medfee_sumamt: 100, fund_pay_sumamt: 60, hifp_pay: 60, acct_pay: 30, acct_mulaid_pay: 10, psn_cash_pay: 10 });
    assert.equal(split.personalAccountFen, 2000);
    assert.equal(split.familyAccountFen, 1000);
  });
});
