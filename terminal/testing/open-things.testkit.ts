// The simulator ledger's "open things" check, for scenario tests to call after each scenario:
// nothing a visit started may be left open on the platform once the visit is over. An open
// registration, a fee line uploaded and never settled or taken back, an inpatient stay admitted or
// discharged and never settled or cancelled, a mobile-payment order uploaded and neither paid nor
// revoked: each is a hospital's reconciliation problem and a patient's next visit refused.
import assert from 'node:assert/strict';
import type { Ledger } from '../sim/platform/state';
import type { MobilePayLedger } from '../sim/platform/mobile-pay';
import { ORDER_UNPAID } from '../insurance/mobile-pay';

export interface OpenThing {
  kind: 'registration' | 'fee-line' | 'stay' | 'mobile-order';
  id: string;
  detail: string;
}

/**
 * What is left open on the platform's books. A visit with a standing settlement is done with (its
 * fee lines are settled); `except` names mdtrt_ids that are allowed to stay open (a stay the HIS
 * admitted and still owns, a mid-stay settlement's stay).
 */
export function openThings(ledger: Ledger, mobile?: MobilePayLedger, except: ReadonlySet<string> = new Set()): OpenThing[] {
  const found: OpenThing[] = [];
  const settledVisits = new Set(ledger.settlements.filter((s) => s.status === 'settled' && !s.midSetl).map((s) => s.mdtrtId));
  for (const v of ledger.visits) {
    if (except.has(v.mdtrtId)) continue;
    for (const f of v.fees) if (f.state === 'unsettled') found.push({ kind: 'fee-line', id: `${v.mdtrtId}/${f.feedetlSn}`, detail: `unsettled fee line of ${v.kind} visit ${v.mdtrtId}` });
    if (settledVisits.has(v.mdtrtId)) continue;
    if (v.status === 'open' && v.kind === 'outpatient') found.push({ kind: 'registration', id: v.mdtrtId, detail: 'outpatient registration neither settled nor cancelled' });
    if ((v.status === 'open' || v.status === 'discharged') && v.kind === 'inpatient') found.push({ kind: 'stay', id: v.mdtrtId, detail: `inpatient stay ${v.status}, neither settled nor cancelled` });
  }
  for (const o of mobile?.orders ?? []) {
    if (o.ordStas === ORDER_UNPAID) found.push({ kind: 'mobile-order', id: o.payOrdId, detail: `mobile order ${o.medOrgOrd} uploaded, neither paid nor revoked` });
  }
  return found;
}

/** Fails the test with the list when anything is left open. */
export function assertNothingOpen(sim: { ledger(): Ledger; mobilePayLedger?(): MobilePayLedger }, except?: ReadonlySet<string>): void {
  const open = openThings(sim.ledger(), sim.mobilePayLedger?.(), except);
  assert.deepEqual(open, [], `left open on the platform:\n${open.map((o) => `  ${o.kind} ${o.id}: ${o.detail}`).join('\n')}`);
}
