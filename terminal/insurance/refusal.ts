// Why the platform refused a call, from one table. No public catalogue of business error codes
// exists (INSURANCE-API.md: classify by err_msg, and keep the text), so the words are matched here
// and nowhere else: the settlement engine decides on the typed reason, never on the message.
// Real provinces word these differently; a new wording is one more row (and one more test).

export type RefusalReason =
  /** 2601 of a call that was reversed already. */
  | 'already-reversed'
  /** 2601 of a call that did not take effect (it was refused): nothing to take back. */
  | 'nothing-to-undo'
  /** What the call names does not exist (a 2601 whose original never arrived, an order, a settlement). */
  | 'not-found'
  /** 2402 of a stay the platform shows discharged already (a resend after a lost answer). */
  | 'already-discharged'
  /** The visit or the order is settled or paid already. */
  | 'already-settled'
  /** The payer declined: the code is invalid or expired, the account cannot pay. */
  | 'declined'
  /** Anything else: the platform's words are kept with the outcome. */
  | 'other';

export const refusalReasons: readonly RefusalReason[] = ['already-reversed', 'nothing-to-undo', 'not-found', 'already-discharged', 'already-settled', 'declined', 'other'];

/**
 * The table, first match wins. Every row matches whatever the non-zero infcode (the spec names only
 * -1, and the mobile-pay centre's codes are its own); `example` is a text the simulator or the spec
 * gives, which the row's test checks.
 */
export const refusalTable: readonly { reason: Exclude<RefusalReason, 'other'>; text: RegExp; example: string }[] = [
  { reason: 'already-reversed', text: /已冲正/, example: '原交易[H1234567890120240115093000001]已冲正' },
  // Before "nothing to undo": the platform says "does not exist, no reversal needed" of a call it never saw.
  { reason: 'not-found', text: /不存在|not found|no such/i, example: '原交易[H1234567890120240115093000001]不存在，无需冲正' },
  { reason: 'nothing-to-undo', text: /未成功|无需冲正/, example: '原交易[H1234567890120240115093000001]未成功，无需冲正' },
  { reason: 'already-discharged', text: /已出院/, example: '就诊信息[M1]已出院' },
  { reason: 'already-settled', text: /已结算|已支付/, example: '订单已支付，请勿重复支付' },
  { reason: 'declined', text: /余额不足|付款码无效|令牌无效/, example: '付款账户余额不足，支付失败' },
];

/** The typed reason of a refusal (infcode other than 0) with the platform's err_msg. */
export function refusalReasonOf(infcode: number, errMsg: string): RefusalReason {
  if (infcode === 0) throw new Error('infcode 0 is not a refusal');
  return refusalTable.find((row) => row.text.test(errMsg))?.reason ?? 'other';
}
