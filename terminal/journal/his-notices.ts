// HIS notices: telling the hospital's HIS that a visit's bill is paid. A visit in 'settled' is
// itself the durable "to do"; his_notices only keeps the attempts, so retries back off across
// restarts and staff can see why the HIS has not heard.
import type { JournalContext } from './context';

/** What the journal keeps about telling the HIS that a visit's bill is paid. */
export interface HisNoticeRow {
  status: 'pending' | 'done' | 'conflict';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
}

/** One attempt to tell the HIS, as recorded. */
export interface HisNoticeAttempt {
  settlementId: string;
  status: HisNoticeRow['status'];
  error?: string | null;
  nextAttemptAt?: string | null;
}

/** A his_notices row as SQLite returns it. */
interface HisNoticeRecord {
  settlement_id: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  updated_at: string;
}

export function rowToHisNotice(row: HisNoticeRecord): HisNoticeRow {
  return { status: row.status as HisNoticeRow['status'], attempts: row.attempts, nextAttemptAt: row.next_attempt_at, lastError: row.last_error };
}

export function hisNoticeStore({ db, nowIso }: JournalContext) {
  const sql = {
    // A settled visit with no notice row yet has never been tried, so it is due at once.
    due: db.prepare<[{ due: string | null }], { id: string }>(
      `SELECT s.id FROM settlements s LEFT JOIN his_notices n ON n.settlement_id = s.id
       WHERE s.state = 'settled' AND (n.status IS NULL OR (n.status = 'pending' AND (@due IS NULL OR n.next_attempt_at IS NULL OR n.next_attempt_at <= @due)))
       ORDER BY s.updated_at`,
    ),
    get: db.prepare<[string], HisNoticeRecord>('SELECT * FROM his_notices WHERE settlement_id = ?'),
    upsert: db.prepare(
      `INSERT INTO his_notices (settlement_id, status, attempts, next_attempt_at, last_error, updated_at) VALUES (@id, @status, 1, @nextAttemptAt, @lastError, @at)
       ON CONFLICT(settlement_id) DO UPDATE SET status = excluded.status, attempts = attempts + 1, next_attempt_at = excluded.next_attempt_at,
         last_error = excluded.last_error, updated_at = excluded.updated_at`,
    ),
  };

  return {
    /** Records one attempt, inside the transaction that also closes the visit when the HIS heard. */
    recordAttempt(n: HisNoticeAttempt): void {
      sql.upsert.run({ id: n.settlementId, status: n.status, lastError: n.error ?? null, nextAttemptAt: n.nextAttemptAt ?? null, at: nowIso() });
    },

    /** What this module adds to the Journal. */
    journal: {
      /** Visits settled with the platform whose HIS notice is due (at `dueBy`; null: every one not refused). */
      hisNoticesDue(dueBy: string | null): string[] {
        return sql.due.all({ due: dueBy }).map((r) => r.id);
      },

      hisNotice(settlementId: string): HisNoticeRow | null {
        const row = sql.get.get(settlementId);
        return row ? rowToHisNotice(row) : null;
      },
    },
  };
}
