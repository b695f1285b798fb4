// Every settling answer (2207 / 2304, and a 5203 that shows a lost one standing) is checked before
// it is believed (issue 11, "amounts nobody checked"): a gateway that garbles amounts, or a platform
// bug, must not print a wrong receipt or keep the patient's money. A failed check is typed; the step
// table sends the visit to staff with it, and refunds what the code charged but the answer does not
// say is owed.
import type { Split } from '../common/vocabulary';
import { splitFromSetlinfo } from './split';
import { yuanToFen } from '../common/money';

export type AmountCheck =
  /** A part (fund, account, cash, a named fund) or the total is below zero. */
  | 'negative-part'
  /** fund + account + cash is not the total to the fen, or an amount cannot be read. */
  | 'parts-do-not-add-up'
  /** The total is not the bill's, or not what was pre-settled. */
  | 'total-differs'
  /** The answer names another person (psn_no) than the visit's. */
  | 'person-differs'
  /** The cash part is not what the payment code was charged (一码付 6202). */
  | 'cash-differs-from-charged'
  /** Another visit already holds this setl_id. */
  | 'setl-id-seen';

export const amountChecks: readonly AmountCheck[] = ['negative-part', 'parts-do-not-add-up', 'total-differs', 'person-differs', 'cash-differs-from-charged', 'setl-id-seen'];

export interface AmountCheckFailure {
  check: AmountCheck;
  detail: string;
  /** The cash part the answer claims (fen), when it can be read: what may be owed at most. */
  answeredCashFen: number | null;
}

export interface SettlingExpectation {
  billTotalFen: number;
  /** The pre-settlement the patient confirmed (2206 / 2303), when there was one. */
  presettled: Split | null;
  psnNo: string;
  /** What the payment code was charged for this visit (fen); null when the cash is not paid by code. */
  chargedByCodeFen: number | null;
  /** True when another visit already holds this setl_id. */
  setlIdSeen: (setlId: string) => boolean;
}

const PARTS = ['medfee_sumamt', 'fund_pay_sumamt', 'acct_pay', 'psn_cash_pay', 'hifp_pay', 'hifmi_pay', 'maf_pay', 'acct_mulaid_pay'] as const;

function fenOrNull(v: unknown): number | null {
  if (v == null || v === '') return 0;
  try {
    return yuanToFen(v as number | string);
  } catch {
    return null;
  }
}

/** The split the answer says, or the first check it fails. */
export function checkSettlingAnswer(info: Record<string, unknown>, expect: SettlingExpectation): { ok: true; split: Split } | { ok: false; failure: AmountCheckFailure } {
  const cash = fenOrNull(info.psn_cash_pay);
  const fail = (check: AmountCheck, detail: string) => ({ ok: false as const, failure: { check, detail, answeredCashFen: cash } });
  for (const part of PARTS) {
    const fen = fenOrNull(info[part]);
    if (fen === null) return fail('parts-do-not-add-up', `${part} is not an amount (${String(info[part])})`);
    if (fen < 0) return fail('negative-part', `${part} is ${fen} fen`);
  }
  let split: Split;
  try {
    split = splitFromSetlinfo(info);
  } catch (err) {
    return fail('parts-do-not-add-up', (err as Error).message);
  }
  if (split.totalFen !== expect.billTotalFen) return fail('total-differs', `total ${split.totalFen} fen, the bill is ${expect.billTotalFen}`);
  if (expect.presettled && split.totalFen !== expect.presettled.totalFen) return fail('total-differs', `total ${split.totalFen} fen, pre-settled ${expect.presettled.totalFen}`);
  const psnNo = String(info.psn_no ?? '');
  if (psnNo !== expect.psnNo) return fail('person-differs', `the answer names ${psnNo ? 'another person' : 'no person'}`);
  if (expect.chargedByCodeFen !== null && split.cashFen !== expect.chargedByCodeFen) {
    return fail('cash-differs-from-charged', `cash part ${split.cashFen} fen, the payment code was charged ${expect.chargedByCodeFen}`);
  }
  const setlId = String(info.setl_id ?? '');
  if (setlId && expect.setlIdSeen(setlId)) return fail('setl-id-seen', `setl_id ${setlId} is already another visit's`);
  return { ok: true, split };
}

/** What to give back after a failed check: what the code charged beyond the answer's own cash part (all of it when that is below zero or unreadable... unreadable: nothing, staff decide). */
export function overchargeFen(chargedFen: number, failure: AmountCheckFailure): number {
  if (failure.answeredCashFen === null) return 0;
  const owed = Math.min(Math.max(failure.answeredCashFen, 0), chargedFen);
  return chargedFen - owed;
}
