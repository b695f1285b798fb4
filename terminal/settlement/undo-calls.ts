// The calls that take back what an unpaid (or refunded) visit left on the platform. Outpatient: its
// fee lines (2205) and its registration (2202). Inpatient: the discharge (2405), the fee lines (2302)
// and the admission (2404), each only if this terminal made it: a stay the HIS admitted (its bill
// carries the mdtrt_id) is the HIS's, and only the discharge the terminal sent is taken back. A visit
// that was cancelled or failed after its calls went through would otherwise leave an open visit with
// unsettled lines on the platform's books, which the hospital's reconciliation and the patient's
// next visit both trip over.
import type { NewCall, OutboxRow } from '../journal/journal';
import { isInpatient, type VisitContext } from './calls';
import { openOrderRevokes } from './self-pay';

/** The undo calls are journaled and resent by their msgid like any read; they are never dead letters. */
export const UNDO_STEPS: ReadonlySet<string> = new Set(['undo-fees', 'undo-register', 'undo-discharge', 'undo-ipt-fees', 'undo-admit', 'revoke-order']);

/**
 * 2205 with chrg_bchno "0000" (every unsettled fee line of the visit, INSURANCE-API.md), then 2202.
 * Only for an outpatient visit the platform registered (mdtrt_id known) and that has not settled.
 */
export function undoCalls(ctx: VisitContext, mdtrtId: string | null, feesSent: boolean): NewCall[] {
  if (!mdtrtId || isInpatient(ctx)) return [];
  const calls: NewCall[] = [];
  if (feesSent) {
    calls.push({ step: 'undo-fees', infno: '2205', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: { data: { mdtrt_id: mdtrtId, chrg_bchno: '0000', psn_no: ctx.person.psnNo } } });
  }
  calls.push({ step: 'undo-register', infno: '2202', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: { data: { psn_no: ctx.person.psnNo, mdtrt_id: mdtrtId, ipt_otp_no: ctx.bill.billId } } });
  return calls;
}

/**
 * A call that may have taken effect: done, or sent without an answer. A refused one did not, nor the
 * one in flight when the visit ends: the visit ends on that call's answer (a refusal; a lost answer
 * is reversed or asked about instead), computed before the answer is written.
 */
const mayHaveTakenEffect = (c: OutboxRow): boolean => (c.status === 'rejected' || c.status === 'in-flight' ? false : c.status !== 'pending' || c.attempts > 0);
/** A discharge resent after a lost answer and refused as "already discharged" did discharge. */
const discharged = (c: OutboxRow): boolean => c.step === 'discharge' && (mayHaveTakenEffect(c) || (c.status === 'rejected' && /已出院/.test(c.lastError ?? '')));

/**
 * 2405 if the terminal discharged the stay, then (a stay the kiosk admitted only) 2302 for every
 * unsettled line ("0000") if it uploaded any, and 2404. In that order: the platform cancels an
 * admission only once it is not discharged and has no fee lines.
 */
export function inpatientUndoCalls(ctx: VisitContext, mdtrtId: string | null, calls: OutboxRow[]): NewCall[] {
  if (!mdtrtId || !isInpatient(ctx)) return [];
  const ref = { mdtrt_id: mdtrtId, psn_no: ctx.person.psnNo };
  const out: NewCall[] = [];
  if (calls.some(discharged)) out.push({ step: 'undo-discharge', infno: '2405', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: { data: ref } });
  if (ctx.bill.mdtrtId) return out;
  if (calls.some((c) => c.step === 'upload-fees' && mayHaveTakenEffect(c))) {
    out.push({ step: 'undo-ipt-fees', infno: '2302', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: { data: [{ feedetl_sn: '0000', ...ref }] } });
  }
  out.push({ step: 'undo-admit', infno: '2404', insuplcAdmdvs: ctx.person.insuplcAdmdvs, input: { data: ref } });
  return out;
}

/** What a visit that ends unpaid (or refunded) takes back, from its own calls: first any mobile order left open (6401). */
export function undoCallsFor(ctx: VisitContext, mdtrtId: string | null, calls: OutboxRow[]): NewCall[] {
  const orders = openOrderRevokes(calls);
  if (isInpatient(ctx)) return [...orders, ...inpatientUndoCalls(ctx, mdtrtId, calls)];
  return [...orders, ...undoCalls(ctx, mdtrtId, calls.some((c) => c.step === 'upload-fees' || c.step === 'fee-upload'))];
}
