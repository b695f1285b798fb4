// 电子哨兵: suspicious-use rules over this terminal's own journal and what the platform answered.
// Each rule has its threshold in the config (`alerts`); what one finds is an alert row in the
// journal (the person as an HMAC, never in the clear) that the staff screen lists and a metric
// counts, and a rule set to `hold` stops the visit before the patient confirms: the patient is sent
// to staff and nothing is settled here.
//
//   rapid-repeat       the same person settling several times within a short window, across services
//   identity-mismatch  a card whose name or number is not the platform's person, or a face that does
//                      not match the card (counted per person, or per terminal when no one is known)
//   negotiated-drug    a 谈判药 line (the HIS marks it) above a quantity
//   family-payer       one family account (家庭共济) paying for many people within a window
//   offline-cluster    offline captures piling up on this terminal within a window
import type { Journal, AlertRow } from '../journal/journal';
import type { VisitContext } from '../settlement/calls';
import type { TerminalConfig } from '../config/config';

export type AlertsConfig = TerminalConfig['alerts'];
export type AlertRule = 'rapid-repeat' | 'identity-mismatch' | 'negotiated-drug' | 'family-payer' | 'offline-cluster';
export const alertRules: readonly AlertRule[] = ['rapid-repeat', 'identity-mismatch', 'negotiated-drug', 'family-payer', 'offline-cluster'];

/** Visits that count as a use: everything but what never went through. */
const NOT_A_USE = new Set(['failed', 'cancelled']);

export interface AlertWatch {
  /** The rules on a visit about to be confirmed; hold: a rule that holds fired, staff must see the patient first. */
  beforeConfirm(settlementId: string): { hold: boolean; rules: AlertRule[] };
  /** A credential refused as someone else's (card) or a face that did not match its card. */
  identityMismatch(kind: 'card' | 'face', subject: string | null): void;
  /** An offline capture was taken: the terminal-wide count in the window is checked. */
  offlineCaptured(settlementId: string): void;
  /** The newest alerts, for the staff screen. */
  recent(limit?: number): AlertRow[];
  /** Alerts so far by rule, every rule present (zero when none): the metric. */
  alertCounts(): Record<AlertRule, number>;
}

export function createAlertWatch(opts: { journal: Journal; config: AlertsConfig; now?: () => Date; onAlert?: (alert: AlertRow) => void }): AlertWatch {
  const { journal, config } = opts;
  const now = opts.now ?? (() => new Date());
  const since = (ms: number) => new Date(now().getTime() - ms).toISOString();
  /** A window's bucket, so a rule over a window alerts once per window and subject, not on every visit. */
  const bucket = (ms: number) => Math.floor(now().getTime() / ms);

  function record(rule: AlertRule, a: { subject: string | null; settlementId: string | null; hold: boolean; detail: AlertRow['detail']; dedupe: string }): boolean {
    const row = journal.recordAlert({ rule, ...a, dedupe: `${rule}:${a.dedupe}` });
    if (row) opts.onAlert?.(row);
    return true;
  }

  function rapidRepeat(id: string, ctx: VisitContext): boolean {
    const c = config.rapidRepeat;
    const windowMs = c.windowMinutes * 60_000;
    const visits = journal.visitsSince(since(windowMs)).filter((v) => v.psnNo === ctx.person.psnNo && v.id !== id && !NOT_A_USE.has(v.state));
    const count = visits.length + 1;
    if (count < c.maxVisits) return false;
    const services = new Set([...visits.map((v) => v.service)]).size;
    return record('rapid-repeat', { subject: ctx.person.psnNo, settlementId: id, hold: c.hold, detail: { visits: count, services, windowMinutes: c.windowMinutes, threshold: c.maxVisits }, dedupe: id });
  }

  function negotiatedDrug(id: string, ctx: VisitContext): boolean {
    const c = config.negotiatedDrug;
    const over = ctx.bill.items.filter((i) => i.negotiated && Number(i.quantity) > c.maxQuantity);
    if (over.length === 0) return false;
    const quantity = Math.max(...over.map((i) => Number(i.quantity)));
    return record('negotiated-drug', { subject: ctx.person.psnNo, settlementId: id, hold: c.hold, detail: { lines: over.length, quantity, threshold: c.maxQuantity }, dedupe: id });
  }

  function familyPayer(id: string, ctx: VisitContext): boolean {
    const c = config.familyPayer;
    const payer = ctx.familyPayerPsnNo;
    if (!payer) return false;
    const windowMs = c.windowHours * 3_600_000;
    const people = new Set<string>([ctx.person.psnNo]);
    for (const v of journal.visitsSince(since(windowMs))) {
      if (v.id === id || !v.psnNo || NOT_A_USE.has(v.state)) continue;
      if (journal.settlementContext<VisitContext>(v.id)?.familyPayerPsnNo === payer) people.add(v.psnNo);
    }
    if (people.size < c.maxPeople) return false;
    return record('family-payer', { subject: payer, settlementId: id, hold: c.hold, detail: { people: people.size, windowHours: c.windowHours, threshold: c.maxPeople }, dedupe: id });
  }

  return {
    beforeConfirm(settlementId) {
      if (!config.enabled) return { hold: false, rules: [] };
      const ctx = journal.settlementContext<VisitContext>(settlementId);
      if (!ctx) return { hold: false, rules: [] };
      const fired: AlertRule[] = [];
      if (rapidRepeat(settlementId, ctx)) fired.push('rapid-repeat');
      if (negotiatedDrug(settlementId, ctx)) fired.push('negotiated-drug');
      if (familyPayer(settlementId, ctx)) fired.push('family-payer');
      const holds: Record<AlertRule, boolean> = {
        'rapid-repeat': config.rapidRepeat.hold,
        'negotiated-drug': config.negotiatedDrug.hold,
        'family-payer': config.familyPayer.hold,
        'identity-mismatch': false,
        'offline-cluster': false,
      };
      return { hold: fired.some((r) => holds[r]), rules: fired };
    },

    identityMismatch(kind, subject) {
      if (!config.enabled) return;
      const c = config.identityMismatch;
      journal.recordAlertSignal(`identity-mismatch:${kind}`, subject);
      const windowMs = c.windowMinutes * 60_000;
      const count = journal.alertSignalsSince(`identity-mismatch:${kind}`, since(windowMs), subject);
      if (count < c.minCount) return;
      record('identity-mismatch', { subject, settlementId: null, hold: false, detail: { kind, count, windowMinutes: c.windowMinutes, threshold: c.minCount }, dedupe: `${kind}:${subject ?? '-'}:${bucket(windowMs)}:${Math.floor(count / c.minCount)}` });
    },

    offlineCaptured(settlementId) {
      if (!config.enabled) return;
      const c = config.offlineCluster;
      const windowMs = c.windowMinutes * 60_000;
      const count = journal.visitsSince(since(windowMs)).filter((v) => v.deferred).length;
      if (count < c.maxCaptures) return;
      record('offline-cluster', { subject: null, settlementId, hold: false, detail: { captures: count, windowMinutes: c.windowMinutes, threshold: c.maxCaptures }, dedupe: `${bucket(windowMs)}` });
    },

    recent: (limit = 50) => journal.alerts(limit),

    alertCounts() {
      const counts = journal.alertCounts();
      return Object.fromEntries(alertRules.map((r) => [r, counts[r] ?? 0])) as Record<AlertRule, number>;
    },
  };
}
