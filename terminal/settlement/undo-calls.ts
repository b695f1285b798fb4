// The calls that take back what an unpaid visit left on the platform: its fee lines (2205) and its
// registration (2202). A visit that was cancelled or failed after 2201 and 2204 went through would
// otherwise leave an open visit with unsettled lines on the platform's books, which the hospital's
// reconciliation and the patient's next visit both trip over.
import type { NewCall } from '../journal/journal';
import { isInpatient, type VisitContext } from './calls';

/** The undo calls are journaled and resent by their msgid like any read; they are never dead letters. */
export const UNDO_STEPS: ReadonlySet<string> = new Set(['undo-fees', 'undo-register']);

/**
 * 2205 with chrg_bchno "0000" (every unsettled fee line of the visit, INSURANCE-API.md), then 2202.
 * Only for an outpatient visit the platform registered (mdtrt_id known) and that has not settled:
 * the inpatient path (2302 / 2404) is not undone here.
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
