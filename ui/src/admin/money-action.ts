// A staff refund (退费) or credit marked repaid, and what came of it as the staff screen says it:
// done, still under way (the platform's answer is being asked about), or refused and why.
import type { CommandResult } from '../../../terminal/api/schema';
import type { CreditRepaidReason, RefundReason } from '../../../terminal/common/refund-reasons';

export type MoneyAction =
  | { type: 'admin.refund'; settlementId: string; reason: RefundReason }
  | { type: 'admin.creditRepaid'; settlementId: string; reason: CreditRepaidReason };

export type MoneyOutcome = {
  type: MoneyAction['type'];
  settlementId: string;
  kind: 'done' | 'pending' | 'refused';
  /** While pending: the visit's state now. */
  state?: string;
  /** When refused: the core's or the platform's words, turned into the screen's by refusalText. */
  why?: string;
};

/** Null when there is nothing to say here (no answer, or a PIN refusal the PIN pad shows). */
export function outcomeOf(action: MoneyAction, result: CommandResult | null): MoneyOutcome | null {
  if (!result) return null;
  const base = { type: action.type, settlementId: action.settlementId };
  if (!result.ok) {
    if (result.error.code === 'admin-pin' || result.error.code === 'admin-locked') return null;
    return { ...base, kind: 'refused', why: result.error.message };
  }
  if (action.type === 'admin.creditRepaid') return { ...base, kind: 'done' };
  const visit = result.admin?.settled?.find((v) => v.settlementId === action.settlementId);
  if (!visit) return { ...base, kind: 'pending' };
  if (visit.state === 'refunded') return { ...base, kind: 'done' };
  // Back where it was: the platform refused the cancel, and the visit stays settled.
  if (visit.refundable) return { ...base, kind: 'refused', why: visit.lastError ?? '' };
  return { ...base, kind: 'pending', state: visit.state };
}
