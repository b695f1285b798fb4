// What a non-zero answer from the platform means, from one typed table. The spec documents one
// failure code, -1: "the platform did not do it", with err_msg saying why. Only that is a refusal.
// Any other non-zero infcode (2 "交易处理中，请稍后查询", a gateway's own codes) is not documented as
// "nothing happened": on a committing call it may have been committed, so it is an unknown outcome,
// resolved by query (5203 / 6301) before anything else, never acted on as a refusal.
//
// No public catalogue of business error codes exists (INSURANCE-API.md: classify by err_msg, and
// keep the text), so the words are matched here and nowhere else: the settlement engine decides on
// the typed verdict, never on the message. Real provinces word these differently; a new wording is
// one more row (and one more test, refusal.test.ts walks every row's example).

export type RefusalReason =
  /** 2601 of a call that was reversed already. */
  | 'already-reversed'
  /** 2601 of a call that did not take effect (it was refused): nothing to take back. */
  | 'nothing-to-undo'
  /** What the call names does not exist (a 2601 whose original never arrived, an order, a settlement). */
  | 'not-found'
  /** 2402 of a stay the platform shows discharged already (a resend after a lost answer). */
  | 'already-discharged'
  /**
   * The visit or the order is settled or paid already: a second payment's refusal, and an undo's
   * (2205 "无可撤销的未结算费用明细", 2202 "就诊已结算，请先撤销结算") that proves a settlement stands.
   */
  | 'already-settled'
  /** The payer declined: the code is invalid or expired, the account cannot pay. */
  | 'declined'
  /** Any other documented failure (-1): the platform's words are kept with the outcome. */
  | 'other';

export const refusalReasons: readonly RefusalReason[] = ['already-reversed', 'nothing-to-undo', 'not-found', 'already-discharged', 'already-settled', 'declined', 'other'];

/** Why a non-zero answer is not a refusal: the platform may have done it. */
export type UndocumentedAnswer =
  /** The platform says it is still working on it ("交易处理中，请稍后查询"). */
  | 'in-progress'
  /** An infcode the spec does not document as failure. */
  | 'undocumented-infcode';

/** What a non-zero answer means: a refusal (nothing happened, and why), or an unknown outcome. */
export type AnswerVerdict = { kind: 'refused'; reason: RefusalReason } | { kind: 'unknown'; why: UndocumentedAnswer };

/** -1: the spec's "failure" (the mobile-payment centre uses it too); any: every other non-zero code. */
export type InfcodeClass = 'documented-failure' | 'undocumented';
export const DOCUMENTED_FAILURE = -1;

export interface AnswerRow {
  infcode: InfcodeClass;
  /** Matched against err_msg; absent: any text. */
  text?: RegExp;
  verdict: AnswerVerdict;
  /** A text the simulator or the spec gives, which the row's test checks. */
  example: { infcode: number; errMsg: string };
}

const refused = (reason: RefusalReason): AnswerVerdict => ({ kind: 'refused', reason });

/** The table, first match wins. */
export const answerTable: readonly AnswerRow[] = [
  // ---- -1, documented: nothing happened; the text says why ----
  { infcode: 'documented-failure', text: /已冲正/, verdict: refused('already-reversed'), example: { infcode: -1, errMsg: '原交易[H1234567890120240115093000001]已冲正' } },
  // Before "nothing to undo": the platform says "does not exist, no reversal needed" of a call it never saw.
  { infcode: 'documented-failure', text: /不存在|not found|no such/i, verdict: refused('not-found'), example: { infcode: -1, errMsg: '原交易[H1234567890120240115093000001]不存在，无需冲正' } },
  { infcode: 'documented-failure', text: /未成功|无需冲正/, verdict: refused('nothing-to-undo'), example: { infcode: -1, errMsg: '原交易[H1234567890120240115093000001]未成功，无需冲正' } },
  { infcode: 'documented-failure', text: /已出院/, verdict: refused('already-discharged'), example: { infcode: -1, errMsg: '就诊信息[M1]已出院' } },
  // 2205 of a visit whose lines are all settled: the undo's refusal is evidence that a settlement stands.
  { infcode: 'documented-failure', text: /无可撤销的未结算费用明细/, verdict: refused('already-settled'), example: { infcode: -1, errMsg: '收费批次号[0000]无可撤销的未结算费用明细' } },
  // 2202 of a settled visit, 2207 of a settled one, 6202 of a paid order.
  { infcode: 'documented-failure', text: /已结算|已支付/, verdict: refused('already-settled'), example: { infcode: -1, errMsg: '就诊已结算，请先撤销结算' } },
  { infcode: 'documented-failure', text: /余额不足|付款码无效|令牌无效/, verdict: refused('declined'), example: { infcode: -1, errMsg: '付款账户余额不足，支付失败' } },
  { infcode: 'documented-failure', verdict: refused('other'), example: { infcode: -1, errMsg: '共济人员[P2]与参保人无共济绑定关系' } },
  // ---- any other non-zero code: not documented as "nothing happened" ----
  { infcode: 'undocumented', text: /处理中|稍后查询/, verdict: { kind: 'unknown', why: 'in-progress' }, example: { infcode: 2, errMsg: '交易处理中，请稍后查询' } },
  // Even a refusal's words under an undocumented code: the code, not the words, says whether it happened.
  { infcode: 'undocumented', verdict: { kind: 'unknown', why: 'undocumented-infcode' }, example: { infcode: 1, errMsg: '订单已支付，请勿重复支付' } },
];

export const infcodeClassOf = (infcode: number): InfcodeClass => (infcode === DOCUMENTED_FAILURE ? 'documented-failure' : 'undocumented');

/** What a non-zero infcode with this err_msg means (infcode 0 is an answer, not a verdict). */
export function classifyAnswer(infcode: number, errMsg: string): AnswerVerdict {
  if (infcode === 0) throw new Error('infcode 0 is not a refusal');
  const cls = infcodeClassOf(infcode);
  const row = answerTable.find((r) => r.infcode === cls && (!r.text || r.text.test(errMsg)));
  // The table ends with a catch-all row per class; this is only for the type checker.
  return row?.verdict ?? { kind: 'unknown', why: 'undocumented-infcode' };
}

/**
 * The typed reason of a documented refusal (-1) with the platform's err_msg. Throws for an infcode
 * that is not a refusal: the caller must have classified it (classifyAnswer) first.
 */
export function refusalReasonOf(infcode: number, errMsg: string): RefusalReason {
  const v = classifyAnswer(infcode, errMsg);
  if (v.kind !== 'refused') throw new Error(`infcode ${infcode} is not a documented refusal`);
  return v.reason;
}
