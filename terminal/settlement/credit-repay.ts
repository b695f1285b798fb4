// A credit (信用就医) debt repaid at the kiosk by payment code (一码付), issue 16.
//
// Modelled as steps of the visit that owes the debt, not as a flow of its own: the repayment's calls
// are the self-pay calls (6201 upload, 6202 pay, 6301 query, 6401 revoke, built by self-pay.ts) under
// their own step names, so the outbox journals each before it is sent, a crash leaves a call in
// flight that recoverInFlight resolves by 6301, the replay worker drains it, and a stuck one is on
// the staff queue (needs-staff) like any other visit's. The visit leaves closed for repay-pending and
// comes back to closed whatever the centre says; only the write that records a confirmed payment of
// exactly the debt marks the debt repaid (TransitionRequest.creditRepaid). A declined code leaves it
// owed and revokes the order; a 6202 whose answer was lost is asked about (6301), never resent blind.
import { yuanToFen } from '../common/money';
import { ORDER_PAID, ORDER_UNPAID } from '../insurance/mobile-pay';
import type { NewCall, OutboxRow, TransitionRequest } from '../journal/journal';
import { cashPayCall, cashQueryCall, cashUploadCall, orderOf, revokeOrderCall, type SelfPayVisitContext } from './self-pay';
import type { Refusal, StepEnv, VisitEnv } from './steps';

/** What the visit's sealed context keeps about the repayment (the code is a credential: sealed, dropped at the end). */
export interface CreditRepayContext {
  /** The scanned payment code; null once the repayment ended. */
  payAuthNo: string | null;
  /** The debt as it stood when the patient asked to repay (fen): what the code is charged, exactly. */
  fen: number;
  requestedAt: string;
  /** How the last repayment ended, for the kiosk to say: repaid, declined (words from the centre), or to staff. */
  outcome: { kind: 'repaid' } | { kind: 'declined'; reason: string } | null;
}
export type CreditRepayVisitContext = SelfPayVisitContext & { creditRepay?: CreditRepayContext };

const repayOf = (env: Pick<VisitEnv, 'ctx'>): CreditRepayContext => {
  const r = (env.ctx as CreditRepayVisitContext).creditRepay;
  if (!r) throw new Error('repayment step without its repayment context');
  return r;
};

/**
 * The self-pay calls' payer and amount come from ctx.selfPay: a copy of the context whose selfPay is
 * the repayment's (the visit's own selfPay, credit at confirm, stays as it was for a later refund).
 */
const payingCtx = (ctx: SelfPayVisitContext, r: CreditRepayContext): SelfPayVisitContext => ({ ...ctx, selfPay: { method: 'pay-code', cashFen: r.fen, payAuthNo: r.payAuthNo } });

/**
 * 6201 for the debt: its own order number (batch-REPAY-attempt), so it can never be taken for the
 * visit's settlement order, a resend after a lost answer finds the same order, and another code makes
 * a new one.
 */
export function repayUploadCall(ctx: SelfPayVisitContext, r: CreditRepayContext, attempt: number): NewCall {
  const call = cashUploadCall(payingCtx(ctx, r), attempt);
  const input = call.input as Record<string, unknown> & { feedetailList: Array<Record<string, unknown>> };
  return {
    ...call,
    step: 'repay-upload',
    input: { ...input, medOrgOrd: `${ctx.chargeBatchNo}-REPAY-${attempt}`, feedetailList: input.feedetailList.map((l) => ({ ...l, feedetlSn: `${ctx.chargeBatchNo}-REPAY-${attempt}`, medListCodg: 'CREDITREPAY' })) },
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v));
/** The centre's amount for the order (fen), or null when it named none or an unreadable one. */
function orderFen(output: Record<string, unknown>): number | null {
  try {
    return output.ownPayAmt == null ? null : yuanToFen(output.ownPayAmt as number | string);
  } catch {
    return null;
  }
}

/** Back to closed with the repayment's outcome in the context; the code is dropped, it served its purpose. */
const ended = (env: VisitEnv, outcome: NonNullable<CreditRepayContext['outcome']>, extra: Omit<TransitionRequest, 'settlementId' | 'from' | 'to' | 'context'>): TransitionRequest =>
  env.to('closed', { ...extra, context: { ...env.ctx, creditRepay: { ...repayOf(env), payAuthNo: null, outcome } } });

const declined = (env: StepEnv, reason: string, revoke: boolean): TransitionRequest =>
  ended(env, { kind: 'declined', reason }, { note: `credit repayment by code not paid (${reason}); the debt stays owed${revoke ? '; order revoked (6401)' : ''}`, ...(revoke ? { calls: [revokeOrderCall(orderOf(env.row))] } : {}) });

/**
 * An order the centre shows paid: believed only for exactly the debt. Then the debt is repaid in this
 * same write; otherwise money moved that does not match, and staff look (nothing marked repaid).
 */
function paid(env: StepEnv, output: Record<string, unknown>, how: string, extra: Pick<TransitionRequest, 'resolvesOutboxId'> = {}): TransitionRequest {
  const r = repayOf(env);
  const fen = orderFen(output);
  if (fen !== r.fen) {
    return env.to('needs-staff', { ...extra, note: `credit repayment: the centre shows order ${str(output.payOrdId)} paid for ${fen ?? 'no readable amount'} fen, not the debt's ${r.fen} fen; not marked repaid, staff to check with the centre` });
  }
  const note = `${how}: credit debt of ${r.fen} fen repaid by payment code (order ${str(output.payOrdId)})`;
  return { ...ended(env, { kind: 'repaid' }, { ...extra, note }), creditRepaid: { note: `kiosk-code: order ${str(output.payOrdId)}` } };
}

export const repayUploaded = (env: StepEnv, output: Record<string, unknown>): TransitionRequest => {
  const r = repayOf(env);
  const fen = orderFen(output);
  const order = { payOrdId: str(output.payOrdId), payToken: str(output.payToken), medOrgOrd: str((env.row.input as Record<string, unknown>).medOrgOrd) };
  // An order for another amount is not paid: revoked, and the patient told it did not go through.
  if (fen !== r.fen) return ended(env, { kind: 'declined', reason: 'order amount' }, { note: `credit repayment: 6201 order ${order.payOrdId} is for ${fen ?? '?'} fen, not the debt's ${r.fen} fen; revoked, nothing charged`, calls: [revokeOrderCall(order)] });
  return env.to('repay-pending', { note: `6201 order ${order.payOrdId} for the credit debt`, call: { ...cashPayCall(payingCtx(env.ctx, r), order), step: 'repay-pay' } });
};

export const repayPaid = (env: StepEnv, output: Record<string, unknown>): TransitionRequest =>
  str(output.ordStas) === ORDER_PAID ? paid(env, output, '6202') : declined(env, `ordStas ${str(output.ordStas)}`, true);

/** Refused by the centre: nothing charged. A refused 6202's order is revoked; a refused 6201 made none. */
export const repayRefused = (env: StepEnv, r: Refusal): TransitionRequest => declined(env, r.errMsg, env.row.step === 'repay-pay');

/** A 6202 whose answer never came is asked about (6301) before anything else. */
export const repayAskTheCentre = (env: StepEnv): TransitionRequest =>
  env.to('repay-query-pending', { note: 'credit repayment: 6202 outcome unknown; asking the centre (6301) before anything else', call: { ...cashQueryCall(orderOf(env.row)), step: 'repay-query' } });

/** The 6202 whose answer was lost and that a 6301 is about. */
const lostPay = (env: VisitEnv): OutboxRow | undefined => env.calls().filter((c) => c.step === 'repay-pay' && c.status === 'superseded').pop();

export function repayQueried(env: StepEnv, output: Record<string, unknown>): TransitionRequest {
  const lost = lostPay(env);
  const stas = str(output.ordStas);
  if (stas === ORDER_PAID) return paid(env, output, '6301 shows the lost 6202 paid', lost ? { resolvesOutboxId: lost.id } : {});
  // Only an order that exists and is still unpaid is paid again: the query said the lost one did not go through.
  if (stas === ORDER_UNPAID && lost) return env.to('repay-pending', { note: '6301 shows the repayment order unpaid; paying it again', call: { ...cashPayCall(payingCtx(env.ctx, repayOf(env)), orderOf(lost)), step: 'repay-pay' } });
  return declined(env, `6301 shows the order in state ${stas}`, true);
}

/** No such order: the lost payment cannot have been made. */
export const repayNoOrder = (env: StepEnv, r: Refusal): TransitionRequest => declined(env, `6301 found no order: ${r.errMsg}`, false);
