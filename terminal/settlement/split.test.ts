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

  it('a 510 or 410 settlement\'s pooled share is the maternity or work-injury fund, never the basic fund', () => {
    const maternity = splitFromSetlinfo({ insutype: '510', medfee_sumamt: 6200, fund_pay_sumamt: 6000, hifp_pay: 6000, acct_pay: 0, psn_cash_pay: 200 });
    assert.deepEqual([maternity.basicFundFen, maternity.maternityFundFen, maternity.workInjuryFundFen, maternity.otherFundFen], [0, 600_000, undefined, 0]);
    const injury = splitFromSetlinfo({ insutype: '410', medfee_sumamt: 10500, fund_pay_sumamt: 10000, hifp_pay: 10000, acct_pay: 0, psn_cash_pay: 500 });
    assert.deepEqual([injury.basicFundFen, injury.workInjuryFundFen, injury.maternityFundFen], [0, 1_000_000, undefined]);
    assert.equal(splitFromSetlinfo({ insutype: '310', medfee_sumamt: 100, fund_pay_sumamt: 60, hifp_pay: 60, acct_pay: 0, psn_cash_pay: 40 }).basicFundFen, 6000);
  });

  it('the platform\'s reason (memo) rides on the split as policyNote; an empty one is left out', () => {
    const base = { medfee_sumamt: 100, fund_pay_sumamt: 60, hifp_pay: 60, acct_pay: 0, psn_cash_pay: 40 };
    assert.equal(splitFromSetlinfo({ ...base, memo: '异地就医未备案: 按参保地(北京市)规定，统筹基金支付比例降低10个百分点' }).policyNote, '异地就医未备案: 按参保地(北京市)规定，统筹基金支付比例降低10个百分点');
    assert.equal('policyNote' in splitFromSetlinfo({ ...base, memo: '' }), false);
  });
});
