// 电子哨兵 alerts: one row per suspicious use the rules found (terminal/staff/alerts.ts), and the
// signals some rules count (an identity mismatch). A row names the person only by an HMAC under the
// journal key (as person_cache does), never in the clear; its detail is counts and thresholds, and
// the journal refuses one that looks as if it carries an ID number or a name.
import type { JournalContext } from './context';

export interface AlertRow {
  id: number;
  at: string;
  rule: string;
  /** The first 16 hex digits of the person's HMAC: enough to see two alerts are one person, not who. */
  subject: string | null;
  settlementId: string | null;
  hold: boolean;
  detail: Record<string, string | number | boolean>;
}

interface AlertRecord {
  id: number;
  at: string;
  rule: string;
  subject_tag: string | null;
  settlement_id: string | null;
  hold: number;
  detail_json: string;
}

/** A visit as the rules read it: who (psn_no, the platform's number), what and when; no name. */
export interface VisitForRules {
  id: string;
  psnNo: string | null;
  service: string;
  state: string;
  deferred: boolean;
  createdAt: string;
}

const rowToAlert = (r: AlertRecord): AlertRow => ({
  id: r.id,
  at: r.at,
  rule: r.rule,
  subject: r.subject_tag ? r.subject_tag.slice(0, 16) : null,
  settlementId: r.settlement_id,
  hold: r.hold === 1,
  detail: JSON.parse(r.detail_json) as AlertRow['detail'],
});

export function alertStore({ db, sealer, nowIso }: JournalContext) {
  const sql = {
    insert: db.prepare('INSERT INTO alerts (at, rule, subject_tag, settlement_id, hold, detail_json, dedupe) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dedupe) DO NOTHING'),
    latest: db.prepare<[number], AlertRecord>('SELECT * FROM alerts ORDER BY id DESC LIMIT ?'),
    counts: db.prepare<[], { rule: string; n: number }>('SELECT rule, COUNT(*) AS n FROM alerts GROUP BY rule'),
    signal: db.prepare('INSERT INTO alert_signals (at, signal, subject_tag) VALUES (?, ?, ?)'),
    signalsSince: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM alert_signals WHERE signal = ? AND at >= ?'),
    signalsOfSince: db.prepare<[string, string, string], { n: number }>('SELECT COUNT(*) AS n FROM alert_signals WHERE signal = ? AND subject_tag = ? AND at >= ?'),
    visitsSince: db.prepare<[string], { id: string; psn_no: string | null; service: string; state: string; deferred: number; created_at: string }>(
      'SELECT id, psn_no, service, state, deferred, created_at FROM settlements WHERE created_at >= ? ORDER BY created_at',
    ),
  };
  const tagOf = (subject: string | null) => (subject ? sealer.tag(`alert-subject:${subject}`) : null);

  return {
    /** What this module adds to the Journal. */
    journal: {
      /**
       * Records an alert once per dedupe key; null when that key was recorded before. `subject` is the
       * person's number in the clear and is stored only as its HMAC.
       */
      recordAlert(a: { rule: string; subject: string | null; settlementId: string | null; hold: boolean; detail: AlertRow['detail']; dedupe: string }): AlertRow | null {
        const json = JSON.stringify(a.detail);
        if (/\d{17}[\dXx]/.test(json) || /"(name|idNo|certno|psnNo|psn_no)"/.test(json)) throw new Error('alert detail carries patient data');
        const dedupe = sealer.tag(`alert-dedupe:${a.dedupe}`);
        const info = sql.insert.run(nowIso(), a.rule, tagOf(a.subject), a.settlementId, a.hold ? 1 : 0, json, dedupe);
        if (info.changes === 0) return null;
        return rowToAlert(db.prepare<[number], AlertRecord>('SELECT * FROM alerts WHERE id = ?').get(Number(info.lastInsertRowid))!);
      },

      alerts(limit = 50): AlertRow[] {
        return sql.latest.all(limit).map(rowToAlert);
      },

      /** Alerts recorded so far, by rule (a counter: rows are never deleted). */
      alertCounts(): Record<string, number> {
        return Object.fromEntries(sql.counts.all().map((r) => [r.rule, r.n]));
      },

      /** One observation a rule counts (an identity mismatch), by the subject's HMAC when there is one. */
      recordAlertSignal(signal: string, subject: string | null): void {
        sql.signal.run(nowIso(), signal, tagOf(subject));
      },

      /** Observations of a signal since a time: of one subject, or of this terminal when subject is null. */
      alertSignalsSince(signal: string, sinceIso: string, subject: string | null): number {
        const tag = tagOf(subject);
        return (tag ? sql.signalsOfSince.get(signal, tag, sinceIso) : sql.signalsSince.get(signal, sinceIso))?.n ?? 0;
      },

      /** The visits opened here since a time, oldest first, for the rules to count. */
      visitsSince(sinceIso: string): VisitForRules[] {
        return sql.visitsSince.all(sinceIso).map((r) => ({ id: r.id, psnNo: r.psn_no, service: r.service, state: r.state, deferred: r.deferred === 1, createdAt: r.created_at }));
      },
    },
  };
}
