// The settlement of one visit as a state machine written as data, so the admin screen can show it
// and a test can walk it. Each "-pending" state has exactly one platform call queued in the outbox.
export const settlementTransitions = {
  'register-pending': ['fees-pending', 'failed', 'cancelled', 'reversal-pending', 'needs-staff'],
  'fees-pending': ['presettle-pending', 'discharge-pending', 'failed', 'cancelled', 'reversal-pending', 'needs-staff'],
  // Inpatient only: the discharge (2402) comes between the fees and the pre-settlement.
  'discharge-pending': ['presettle-pending', 'failed', 'cancelled', 'needs-staff'],
  // An offline capture skips the confirm screen: the patient agreed to the bill when it was taken.
  // Itself: a relative's account the platform refuses is dropped and the visit pre-settled again.
  // Paying the cash part by code is pre-settled again first, and charged (cash-pending) only unchanged.
  'presettle-pending': ['awaiting-confirm', 'settle-pending', 'failed', 'cancelled', 'needs-staff', 'presettle-pending', 'cash-pending'],
  // The patient changing how to pay the self-paid part pre-settles again; paying it by code comes first.
  // (cash-pending: an older terminal charged the code straight from confirm.)
  'awaiting-confirm': ['settle-pending', 'cancelled', 'presettle-pending', 'cash-pending'],
  // 一码付: 6201 then 6202 for the cash part, before 2207. A declined code goes back to the patient.
  'cash-pending': ['cash-pending', 'cash-query-pending', 'settle-pending', 'awaiting-confirm', 'needs-staff'],
  // A 6202 whose answer never came: the centre is asked (6301) before the order is paid again.
  'cash-query-pending': ['cash-pending', 'settle-pending', 'awaiting-confirm', 'needs-staff'],
  // A settlement refused after the code was charged: the cash is refunded (6203) before the visit fails.
  'refund-pending': ['failed', 'needs-staff'],
  'settle-pending': ['settled', 'failed', 'query-pending', 'reversal-pending', 'needs-staff', 'refund-pending'],
  // A settlement whose answer never came: the platform is asked (5203) before anything is undone, so
  // a settlement that did go through is kept rather than reversed and paid again.
  // Also from an ended visit whose undo the platform refused as settled (2205/2202): the query decides,
  // and a visit the platform shows unsettled after all goes back to how it ended.
  // A lost settlement found standing whose amounts fail their check refunds what the code overcharged.
  'query-pending': ['settled', 'reversal-pending', 'needs-staff', 'refund-pending', 'failed', 'cancelled'],
  // A call whose answer never came is undone (2601 by its msgid), then the step is redone.
  'reversal-pending': ['register-pending', 'fees-pending', 'settle-pending', 'cancelled', 'needs-staff', 'refund-pending'],
  // A settled visit can be taken back by staff (refund): from settled (the HIS not told yet) or closed.
  settled: ['closed', 'refund-cancel-pending'],
  // A credit (信用就医) debt repaid at the kiosk by payment code (credit-repay.ts) runs on the visit
  // that owes it: 6201 + 6202 for the debt (repay-pending), a lost 6202 asked about by 6301
  // (repay-query-pending); paid or not, the visit goes back to closed (the debt repaid in that write).
  closed: ['refund-cancel-pending', 'repay-pending'],
  'repay-pending': ['repay-pending', 'repay-query-pending', 'closed', 'needs-staff'],
  'repay-query-pending': ['repay-pending', 'closed', 'needs-staff'],
  // Refund (staff): 2208 / 2305 by the original setl_id. Refused: the settlement stands, the visit goes
  // back where it was; lost: asked about (5203) before anything is sent again; done: the cash part
  // goes back the way it was paid (6203 for a code), and the visit ends refunded.
  'refund-cancel-pending': ['refund-query-pending', 'refund-cash-pending', 'refunded', 'needs-staff'],
  'refund-query-pending': ['refund-cancel-pending', 'refund-cash-pending', 'refunded', 'settled', 'closed', 'needs-staff'],
  'refund-cash-pending': ['refunded', 'needs-staff'],
  refunded: [],
  // Ended unpaid, unless the platform's own refusal of the undo (2205/2202 "already settled") says a
  // settlement stands: then the visit is asked about (5203), never left failed with the money taken.
  failed: ['query-pending'],
  cancelled: ['query-pending'],
  // Dead letters: staff retry the step that stalled, or cancel with a reason.
  'needs-staff': ['register-pending', 'fees-pending', 'discharge-pending', 'presettle-pending', 'settle-pending', 'query-pending', 'reversal-pending', 'cancelled', 'cash-pending', 'cash-query-pending', 'refund-pending', 'refund-cancel-pending', 'refund-query-pending', 'refund-cash-pending', 'repay-pending', 'repay-query-pending'],
} as const satisfies Record<string, readonly string[]>;

export type SettlementState = keyof typeof settlementTransitions;

export const settlementStates = Object.keys(settlementTransitions) as SettlementState[];

/** States with work left for the platform: the replay worker's concern, and the admin queue. */
export const openStates: readonly SettlementState[] = ['register-pending', 'fees-pending', 'discharge-pending', 'presettle-pending', 'settle-pending', 'query-pending', 'reversal-pending', 'needs-staff', 'cash-pending', 'cash-query-pending', 'refund-pending', 'refund-cancel-pending', 'refund-query-pending', 'refund-cash-pending', 'repay-pending', 'repay-query-pending'];

/**
 * States a visit ends in ('closed' is left only by a staff refund). Only the platform's evidence that
 * an ended visit settled after all (its undo refused as settled) leaves failed or cancelled, to
 * query-pending.
 */
export const finalStates: readonly SettlementState[] = ['closed', 'failed', 'cancelled', 'refunded'];

export function canTransition(from: SettlementState, to: SettlementState): boolean {
  return (settlementTransitions[from] as readonly string[]).includes(to);
}

/** The states from which `to` may be entered: what the journal checks inside the write. */
export function predecessorsOf(to: SettlementState): SettlementState[] {
  return settlementStates.filter((s) => canTransition(s, to));
}

export function isSettlementState(s: string): s is SettlementState {
  return s in settlementTransitions;
}
