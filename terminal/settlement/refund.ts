// Refunds (退费) as staff work: a settled visit's settlement is cancelled on the platform (2208
// outpatient, 2305 discharge) by its original setl_id and mdtrt_id, journaled first through the
// outbox like every step; the cash part then goes back the way it was paid (6203 for a payment code;
// the cashier pays back cash, shown as owed to the patient; a credit debt is cancelled with the visit).
//
// A cancel whose answer was lost is never sent again blind: the platform is asked (5203 by setl_id)
// whether the settlement still stands. Cancelled (refd_setl_flag 1): the refund carries on. Standing
// after a lost answer: the cancel did not arrive, so it is sent again under a fresh msgid. Standing
// after a refusal: the refusal was the platform's answer, and the visit goes back to where it was.
// What each answer does is here; the step table (steps.ts) names these handlers for its refund steps.
import { fenToYuanString } from '../common/money';
import type { SettlementState } from '../common/settlement-states';
import type { NewCall, OutboxRow, TransitionRequest } from '../journal/journal';
import { isInpatient } from './calls';
import { cashRefundInput, orderOf, type SelfPayVisitContext } from './self-pay';
import { undoCallsFor } from './undo-calls';
import type { CreditRepayVisitContext } from './credit-repay';
import type { Refusal, StepEnv, VisitEnv } from './steps';

import { refundReasons, type RefundReason } from '../common/refund-reasons';

export { refundReasons, type RefundReason };

/** What the visit's sealed context keeps about the refund under way. */
export interface RefundContext {
  reason: RefundReason;
  /** The state the visit was in before: where a refused cancel leaves it. */
  from: 'settled' | 'closed';
  /** The settlement being cancelled (the original setl_id stays on the visit row). */
  setlId: string;
  requestedAt: string;
}
export type RefundVisitContext = SelfPayVisitContext & { refund?: RefundContext };

/** How the cash part goes back, as the slip and the staff screen say it. */
export interface CashRefund {
  method: 'pay-code' | 'cashier' | 'credit' | 'none';
  fen: number;
  /** Words for the slip: where the patient gets the money, or that the debt is cancelled. */
  text: string;
}

/** The refund under way; a call row carries its setl_id too (a journal whose context lost it still refunds the right one). */
const refundOf = (env: Pick<StepEnv, 'ctx' | 'row'>): RefundContext => {
  const r = (env.ctx as RefundVisitContext).refund;
  if (r) return r;
  const setlId = String(((env.row.input as { data?: { setl_id?: unknown } }).data?.setl_id as string | undefined) ?? '');
  return { reason: 'patient-request', from: 'closed', setlId, requestedAt: '' };
};

/** 2208 (outpatient) or 2305 (discharge): cancels the settlement by its setl_id and mdtrt_id. */
export function refundCancelCall(ctx: SelfPayVisitContext, mdtrtId: string, setlId: string): NewCall {
  const data = { setl_id: setlId, mdtrt_id: mdtrtId, psn_no: ctx.person.psnNo };
  return { step: 'refund-cancel', infno: isInpatient(ctx) ? '2305' : '2208', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: { data } };
}

/** 5203 by setl_id: does the settlement still stand (refd_setl_flag 0) or is it cancelled (1)? */
export function refundQueryCall(ctx: SelfPayVisitContext, mdtrtId: string, setlId: string): NewCall {
  return { step: 'refund-query', infno: '5203', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: { data: { psn_no: ctx.person.psnNo, setl_id: setlId, mdtrt_id: mdtrtId } } };
}

/** The cash part and how it was paid, from the visit's choice at confirm. */
export function cashRefundOf(ctx: SelfPayVisitContext, calls: OutboxRow[]): CashRefund {
  const fen = ctx.selfPay?.cashFen ?? 0;
  if (fen === 0) return { method: 'none', fen: 0, text: '无现金部分' };
  // A credit debt the patient repaid at the kiosk by code: the money is on the code, not owed any more.
  const repaid = repaidByCode(ctx, calls);
  if (ctx.selfPay?.method === 'credit' && repaid) return { method: 'pay-code', fen: repaid.fen, text: `原路退回还款所用付款码 ${fenToYuanString(repaid.fen)} 元` };
  const paidByCode = calls.some((c) => (c.step === 'cash-pay' || c.step === 'cash-query') && c.status === 'done');
  if (ctx.selfPay?.method === 'pay-code' && paidByCode) return { method: 'pay-code', fen, text: `原路退回付款码 ${fenToYuanString(fen)} 元` };
  if (ctx.selfPay?.method === 'credit') return { method: 'credit', fen, text: `信用就医待补缴 ${fenToYuanString(fen)} 元已取消` };
  return { method: 'cashier', fen, text: `请到收费窗口领取现金退款 ${fenToYuanString(fen)} 元` };
}

/** A credit debt repaid by code (credit-repay.ts): its paid 6202 and the amount, or null. */
function repaidByCode(ctx: SelfPayVisitContext, calls: OutboxRow[]): { pay: OutboxRow; fen: number } | null {
  const r = (ctx as CreditRepayVisitContext).creditRepay;
  if (r?.outcome?.kind !== 'repaid') return null;
  const pay = calls.filter((c) => c.step === 'repay-pay' && c.status === 'done').pop();
  return pay ? { pay, fen: r.fen } : null;
}

/** 6203 for the whole cash part paid by code, keyed by its own refund serial so a resend finds the same refund. */
function cashRefundCall(env: Pick<VisitEnv, 'ctx' | 'calls' | 'now'>): NewCall | null {
  // A repaid credit debt is refunded to the order that repaid it, for what it repaid.
  const repaid = env.ctx.selfPay?.method === 'credit' ? repaidByCode(env.ctx, env.calls()) : null;
  const pay = repaid?.pay ?? env.calls().filter((c) => c.step === 'cash-pay').pop();
  if (!pay) return null;
  const order = orderOf(pay);
  const fen = repaid?.fen ?? env.ctx.selfPay?.cashFen ?? 0;
  return {
    step: 'refund-cash',
    infno: '6203',
    input: cashRefundInput(env.ctx, order, `${order.medOrgOrd}-REFD`, fen, env.now()),
  };
}

/** The settlement is cancelled on the platform: the cash part goes back the way it was paid. */
function afterCancelled(env: StepEnv, note: string, extra: Pick<TransitionRequest, 'resolvesOutboxId'> = {}): TransitionRequest {
  const cash = cashRefundOf(env.ctx, env.calls());
  if (cash.method === 'pay-code') {
    const call = cashRefundCall(env);
    if (call) return env.to('refund-cash-pending', { note: `${note}; refunding the cash part paid by code (6203)`, call, ...extra });
  }
  return env.to('refunded', { note: `${note}; ${cash.text}`, calls: takeBack(env), ...extra });
}

/**
 * A refunded visit leaves its fee lines unsettled on the platform: what the terminal opened for it
 * (registration and lines; a stay the kiosk admitted) is taken back as for a visit that ended unpaid.
 */
const takeBack = (env: VisitEnv): NewCall[] => undoCallsFor(env.ctx, env.mdtrtId(), env.calls());

/** The cancel call whose outcome a 5203 is about. */
const lastCancel = (env: VisitEnv): OutboxRow | undefined => env.calls().filter((c) => c.step === 'refund-cancel').pop();

const cancelNo = (output: Record<string, unknown>): string => String((output.setlinfo as Record<string, unknown> | undefined)?.setl_id ?? '');

export const refundCancelled = (env: StepEnv, output: Record<string, unknown>): TransitionRequest =>
  afterCancelled(env, `${env.row.infno} cancelled settlement ${refundOf(env).setlId}${cancelNo(output) ? ` (cancel ${cancelNo(output)})` : ''}`);

/** A refusal may mean "cancelled already" in words the terminal does not know: the platform is asked. */
export const refundCancelRefused = (env: StepEnv, r: Refusal): TransitionRequest =>
  env.to('refund-query-pending', { note: `${env.row.infno} refused (${r.errMsg}); asking the platform whether the settlement stands`, call: refundQueryCall(env.ctx, env.mdtrtId(), refundOf(env).setlId) });

/** No answer: asked about (5203), never sent again blind. */
export const refundCancelLost = (env: StepEnv): TransitionRequest =>
  env.to('refund-query-pending', { note: `${env.row.infno} outcome unknown; asking the platform (5203) before anything is sent again`, call: refundQueryCall(env.ctx, env.mdtrtId(), refundOf(env).setlId) });

export function refundQueried(env: StepEnv, output: Record<string, unknown>): TransitionRequest {
  const info = output.setlinfo as Record<string, unknown> | undefined;
  const refund = refundOf(env);
  const cancel = lastCancel(env);
  if (info && String(info.refd_setl_flag ?? '0') === '1') {
    return afterCancelled(env, `5203 shows settlement ${refund.setlId} cancelled`, cancel && cancel.status === 'superseded' ? { resolvesOutboxId: cancel.id } : {});
  }
  // Standing. After a refusal, the platform said no: the visit is as it was.
  if (cancel && cancel.status === 'rejected') {
    return env.to(refund.from, { note: `refund refused by the platform (${cancel.lastError ?? 'refused'}); settlement ${refund.setlId} stands` });
  }
  // After a lost answer the cancel never took: sent again (a fresh msgid), the query having said so.
  return env.to('refund-cancel-pending', { note: `5203 shows settlement ${refund.setlId} standing; cancelling it again`, call: refundCancelCall(env.ctx, env.mdtrtId(), refund.setlId) });
}

export const refundQueryRefused = (env: StepEnv, r: Refusal): TransitionRequest => env.to('needs-staff', { note: `refund: 5203 refused (${r.errMsg}); staff to check settlement ${refundOf(env).setlId} with the platform` });

export const refundCashDone = (env: StepEnv): TransitionRequest => env.to('refunded', { note: `cash part refunded to the payment code (6203)`, calls: takeBack(env) });
export const refundCashRefused = (env: StepEnv, r: Refusal): TransitionRequest => env.to('needs-staff', { note: `refund of the cash paid by code refused: ${r.errMsg}; the settlement is cancelled, staff to pay the cash back` });

/** The states a refund may start from. */
export const refundableStates: readonly SettlementState[] = ['settled', 'closed'];
