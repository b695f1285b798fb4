// Turns the platform's settlement info (2206/2207 setlinfo, yuan on the wire) into the fen split the
// terminal shows, and refuses an answer whose parts do not add up to its total: money on one bill
// (一单式) must balance to the fen before a patient is asked to confirm it.
import type { Split } from '../common/vocabulary';
import { yuanToFen } from '../common/money';

export class UnbalancedSplitError extends Error {
  constructor(detail: string) {
    super(`platform settlement does not balance: ${detail}`);
    this.name = 'UnbalancedSplitError';
  }
}

type SetlInfo = Record<string, unknown>;

const fen = (info: SetlInfo, field: string): number => (info[field] == null || info[field] === '' ? 0 : yuanToFen(info[field]));

export function splitFromSetlinfo(info: SetlInfo): Split {
  const totalFen = fen(info, 'medfee_sumamt');
  const fundFen = fen(info, 'fund_pay_sumamt');
  const accountFen = fen(info, 'acct_pay');
  const cashFen = fen(info, 'psn_cash_pay');
  const basicFundFen = fen(info, 'hifp_pay');
  const criticalIllnessFen = fen(info, 'hifmi_pay');
  const medicalAidFen = fen(info, 'maf_pay');
  // 职工大额医疗费用补助: named, not folded into "other funds".
  const largeAmountFundFen = fen(info, 'hifob_pay');
  // acct_mulaid_pay (家庭共济) is taken to be the part of acct_pay drawn from a relative's account.
  const familyAccountFen = fen(info, 'acct_mulaid_pay');
  if (fundFen + accountFen + cashFen !== totalFen) {
    throw new UnbalancedSplitError(`fund ${fundFen} + account ${accountFen} + cash ${cashFen} != total ${totalFen} (fen)`);
  }
  // hifp_pay is the pooled share of whichever insutype settled (basic, 生育 or 工伤).
  const otherFundFen = fundFen - basicFundFen - criticalIllnessFen - largeAmountFundFen - medicalAidFen;
  if (otherFundFen < 0) throw new UnbalancedSplitError(`named funds exceed fund_pay_sumamt ${fundFen}`);
  if (familyAccountFen > accountFen) throw new UnbalancedSplitError(`acct_mulaid_pay exceeds acct_pay`);
  // 就医一卡通: a visit settled under 510 (生育) or 410 (工伤) has its pooled share (hifp_pay) paid by
  // that fund, not the basic medical fund: the receipt names it on its own line.
  const pooled = String(info.insutype ?? '');
  const note = typeof info.memo === 'string' && info.memo !== '' ? info.memo : null;
  return {
    totalFen,
    fundFen,
    basicFundFen: pooled === '510' || pooled === '410' ? 0 : basicFundFen,
    ...(pooled === '510' ? { maternityFundFen: basicFundFen } : {}),
    ...(pooled === '410' ? { workInjuryFundFen: basicFundFen } : {}),
    ...(note ? { policyNote: note } : {}),
    criticalIllnessFen,
    largeAmountFundFen,
    medicalAidFen,
    otherFundFen,
    personalAccountFen: accountFen - familyAccountFen,
    familyAccountFen,
    cashFen,
    // The account balance the platform returns with the settlement (balc), for the receipt.
    balanceAfterFen: info.balc == null || info.balc === '' ? null : fen(info, 'balc'),
  };
}
