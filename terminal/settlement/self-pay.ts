// The self-paid part (psn_cash_pay after the funds and the accounts) paid in the same step as the
// settlement, where the hospital allows it (issue 5): the personal account on or off, a bound
// relative's account (家庭共济, which changes the pre-settlement), and then how the cash that is left
// is paid: at the cashier as before, on credit (信用就医, a debt in the journal), or by payment code
// (一码付: 6201 fee upload and 6202 pay order before 2207).
//
// The pay-code steps are outbox calls like any other, so they survive a crash and replay the same
// way, with one rule of their own: a 6202 whose answer never came is asked about (6301) before
// anything else, and paid again only when the order shows unpaid; a 2207 refused after the code was
// charged is refunded (6203). What each answer does is in steps.ts; the calls are built here.
import type { CashMethod, Split } from '../common/vocabulary';

export type { CashMethod };
import { fenToYuan } from '../common/money';
import { formatWireTime } from '../insurance/msgid';
import type { NewCall, OutboxRow, TransitionRequest } from '../journal/journal';
import type { VisitContext } from './calls';
import type { VisitEnv } from './steps';

/** How the cash that is left after funds and accounts gets paid. */

/** What the patient chose, kept in the visit's sealed context (the payment code is a credential). */
export interface SelfPayContext {
  method: CashMethod;
  /** The cash part the patient agreed to at confirm (fen). */
  cashFen: number;
  /** A scanned payment code; absent when the 医保码's own token pays (一码付). */
  payAuthNo?: string | null;
  /**
   * Set at confirm, cleared by the pre-settlement it asks for: the code is charged only once a fresh
   * 2206 shows the cash part the patient confirmed (another visit of the same person settled
   * meanwhile, here or at another kiosk, moves the year-to-date and so the split 2207 will make).
   */
  presettleBeforeCharge?: boolean;
}
export type SelfPayVisitContext = VisitContext & { selfPay?: SelfPayContext };

/** Which ways this terminal offers, resolved from the config (see selfPay in config.ts). */
export interface SelfPayOptions {
  /** The patient may turn the personal account off or on. */
  personalAccount: boolean;
  familyAccount: boolean;
  credit: { enabled: boolean; limitPerPatientFen: number; limitPerTerminalFen: number };
  payCode: boolean;
}

/**
 * The one tap a patient gets by default: with nothing left in cash, nothing to choose; with a 医保码
 * (its token can pay, 一码付) and pay code allowed, pay the rest with it; otherwise as before, at the
 * cashier. Credit and a relative's account are never the default: they are debts and someone else's money.
 */
export function defaultCashMethod(opts: SelfPayOptions, ctx: VisitContext, split: Split | null): CashMethod {
  if (!split || split.cashFen === 0) return 'cashier';
  return opts.payCode && ctx.person.certType === '01' ? 'pay-code' : 'cashier';
}

/** Who pays on the mobile-payment wire: the scanned code, or the e-voucher token the patient identified with. */
function payer(ctx: SelfPayVisitContext): { payAuthNo?: string; ecToken?: string } {
  if (ctx.selfPay?.payAuthNo) return { payAuthNo: ctx.selfPay.payAuthNo };
  return ctx.person.certType === '01' ? { ecToken: ctx.person.certNo } : {};
}

/** A 6203 giving back `fen` of the cash an order took, to whoever paid it. */
export function cashRefundInput(ctx: SelfPayVisitContext, order: { payOrdId: string }, appRefdSn: string, fen: number, at: Date): Record<string, unknown> {
  return {
    payOrdId: order.payOrdId,
    appRefdSn,
    appRefdTime: formatWireTime(at),
    totlRefdAmt: fenToYuan(fen),
    psnAcctRefdAmt: 0,
    fundRefdAmt: 0,
    cashRefdAmt: fenToYuan(fen),
    refdType: 'CASH',
    ...payer(ctx),
  };
}

/** Whether the payment code can pay at all: a scanned code, or a 医保码's token. */
export const canPayByCode = (ctx: VisitContext, payAuthNo: string | null | undefined): boolean => Boolean(payAuthNo) || ctx.person.certType === '01';

/**
 * 6201 for the cash part alone: one line for the self-paid amount (the funds are settled by 2207).
 * The order number is the visit's batch and the attempt, so an upload resent after a lost answer
 * finds the same order, and a new attempt (another code) makes a new one.
 */
export function cashUploadCall(ctx: SelfPayVisitContext, attempt: number): NewCall {
  const fen = ctx.selfPay?.cashFen ?? 0;
  return {
    step: 'cash-upload',
    infno: '6201',
    input: {
      medOrgOrd: `${ctx.chargeBatchNo}-${attempt}`,
      psnNo: ctx.person.psnNo,
      insutype: ctx.person.insutype,
      medType: ctx.bill.medType,
      chrgBchno: ctx.chargeBatchNo,
      feeSumamt: fenToYuan(fen),
      ...payer(ctx),
      feedetailList: [{ feedetlSn: `${ctx.chargeBatchNo}-SELF`, medListCodg: 'SELFPAY', detItemFeeSumamt: fenToYuan(fen), cnt: 1, pric: fenToYuan(fen) }],
    },
  };
}

export function cashPayCall(ctx: SelfPayVisitContext, order: { payOrdId: string; payToken: string; medOrgOrd: string }): NewCall {
  return { step: 'cash-pay', infno: '6202', input: { payOrdId: order.payOrdId, payToken: order.payToken, orgBizSer: order.medOrgOrd, ...payer(ctx) } };
}

export function cashQueryCall(order: { payOrdId: string; payToken: string }): NewCall {
  return { step: 'cash-query', infno: '6301', input: { payOrdId: order.payOrdId, payToken: order.payToken } };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v));
/** The order a 6202 (or 6301, 6401) row is about. */
export const orderOf = (row: OutboxRow) => {
  const i = row.input as Record<string, unknown>;
  return { payOrdId: str(i.payOrdId), payToken: str(i.payToken), medOrgOrd: str(i.orgBizSer) };
};

/**
 * 6401 for an uploaded order that will not be paid (the code declined or refused, or the visit ended
 * before it was paid): without it the order stays open on the centre's books. The centre refuses to
 * revoke a paid order, so a revoke can never take money that moved.
 */
export function revokeOrderCall(order: { payOrdId: string; payToken: string }): NewCall {
  return { step: 'revoke-order', infno: '6401', input: { payOrdId: order.payOrdId, payToken: order.payToken } };
}

/**
 * The visit's uploaded orders that were neither paid nor revoked, revoked as the visit ends. An order
 * whose 6202 or 6301 answered is paid (refunded by 6203 if need be) or was revoked on that answer.
 */
export function openOrderRevokes(calls: OutboxRow[]): NewCall[] {
  const answered = new Set<string>();
  const revoked = new Set<string>();
  const orders = new Map<string, { payOrdId: string; payToken: string }>();
  for (const c of calls) {
    const order = orderOf(c);
    if (c.step === 'revoke-order') revoked.add(order.payOrdId);
    if ((c.step === 'cash-pay' || c.step === 'cash-query') && c.status === 'done') answered.add(order.payOrdId);
    if (c.step === 'cash-pay' && order.payOrdId) orders.set(order.payOrdId, order);
  }
  return [...orders.values()].filter((o) => !answered.has(o.payOrdId) && !revoked.has(o.payOrdId)).map(revokeOrderCall);
}

/** What the payment code was charged for this visit (fen), or null when the cash was not paid by code. */
export function chargedByCodeFen(env: Pick<VisitEnv, 'ctx' | 'calls'>): number | null {
  // The visit's own choice first: the calls are read (each input opened from its seal) only for a
  // visit that chose the code, not at every settlement's answer.
  if (env.ctx.selfPay?.method !== 'pay-code') return null;
  const paid = env.calls().some((c) => (c.step === 'cash-pay' || c.step === 'cash-query') && c.status === 'done');
  return paid ? env.ctx.selfPay.cashFen : null;
}

/**
 * A visit that will not settle after the code was charged (the settlement refused, or staff
 * cancelled it): the cash goes back (6203) before the visit ends. Null when nothing was charged by
 * code. `why` opens the journal note.
 */
export function refundAfterRefusedSettle(env: Pick<VisitEnv, 'ctx' | 'calls' | 'now' | 'to'>, why: string, refundFen?: number): TransitionRequest | null {
  const charged = chargedByCodeFen(env);
  if (charged === null) return null;
  const pay = env.calls().filter((c) => c.step === 'cash-pay').pop();
  if (!pay) return null;
  const order = orderOf(pay);
  const fen = refundFen ?? charged;
  return env.to('refund-pending', {
    note: `${why}; refunding the cash part paid by code`,
    call: {
      step: 'cash-refund',
      infno: '6203',
      input: cashRefundInput(env.ctx, order, `${order.medOrgOrd}-R`, fen, env.now()),
    },
  });
}
