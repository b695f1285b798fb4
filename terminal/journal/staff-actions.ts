// Staff actions on settled visits: a refund, a credit debt marked repaid. Each is one audit row
// (when, what, which visit, the reason chosen from the list, and a detail without patient data),
// written in the same transaction as what it does. Also the HIS refund notice: whether the HIS has
// heard that a refunded visit's bill is payable again (a refunded visit is itself the "to do").
import type { JournalContext } from './context';

export interface StaffActionRow {
  id: number;
  at: string;
  action: string;
  settlementId: string | null;
  reason: string;
  detail: Record<string, unknown>;
}

export interface RefundHisNoticeRow {
  status: 'pending' | 'done' | 'conflict';
  attempts: number;
  lastError: string | null;
}

interface StaffActionRecord {
  id: number;
  at: string;
  action: string;
  settlement_id: string | null;
  reason: string;
  detail_json: string;
}

/** Outside the transaction the action needed: the debt was not there, or not owed. */
export class StaffActionRefused extends Error {}

export function staffActionStore({ db, nowIso }: JournalContext) {
  const sql = {
    insert: db.prepare('INSERT INTO staff_actions (at, action, settlement_id, reason, detail_json) VALUES (?, ?, ?, ?, ?)'),
    ofVisit: db.prepare<[string], StaffActionRecord>('SELECT * FROM staff_actions WHERE settlement_id = ? ORDER BY id'),
    latest: db.prepare<[number], StaffActionRecord>('SELECT * FROM staff_actions ORDER BY id DESC LIMIT ?'),
    repay: db.prepare('UPDATE credit_debts SET repaid_at = ?, repaid_note = ? WHERE settlement_id = ? AND repaid_at IS NULL'),
    noticeGet: db.prepare<[string], { status: string; attempts: number; last_error: string | null }>('SELECT status, attempts, last_error FROM refund_his_notices WHERE settlement_id = ?'),
    noticeSet: db.prepare(
      `INSERT INTO refund_his_notices (settlement_id, status, attempts, last_error, updated_at) VALUES (@id, @status, 1, @error, @at)
       ON CONFLICT(settlement_id) DO UPDATE SET status = @status, attempts = attempts + 1, last_error = @error, updated_at = @at`,
    ),
    noticesDue: db.prepare<[], { id: string }>(
      `SELECT s.id FROM settlements s LEFT JOIN refund_his_notices n ON n.settlement_id = s.id
       WHERE s.state = 'refunded' AND (n.status IS NULL OR n.status = 'pending') ORDER BY s.updated_at`,
    ),
  };
  const toRow = (r: StaffActionRecord): StaffActionRow => ({ id: r.id, at: r.at, action: r.action, settlementId: r.settlement_id, reason: r.reason, detail: JSON.parse(r.detail_json) as Record<string, unknown> });
  /** An audit row carries no ID number and no name: the reason is a code from the list, the detail ids and money. */
  const checked = (detail: Record<string, unknown>): string => {
    const json = JSON.stringify(detail);
    if (/(?<!\d)\d{17}[\dXx](?!\d)/.test(json) || /"(name|idNo|certno|psn_name)"/.test(json)) throw new Error('staff action detail carries patient data');
    return json;
  };
  const record = (action: string, settlementId: string | null, reason: string, detail: Record<string, unknown>): number =>
    Number(sql.insert.run(nowIso(), action, settlementId, reason, checked(detail)).lastInsertRowid);

  return {
    journal: {
      /** One staff action's audit row; `then` runs in the same transaction (the write the action is). */
      recordStaffAction: db.transaction(<T>(action: { action: string; settlementId: string | null; reason: string; detail?: Record<string, unknown> }, then?: () => T): T | undefined => {
        const result = then?.();
        record(action.action, action.settlementId, action.reason, action.detail ?? {});
        return result;
      }),
      staffActionsOf(settlementId: string): StaffActionRow[] {
        return sql.ofVisit.all(settlementId).map(toRow);
      },
      staffActions(limit = 100): StaffActionRow[] {
        return sql.latest.all(limit).map(toRow);
      },
      /** 信用就医: the debt repaid (by code at the kiosk, or as staff recorded it), with its audit row, in one write. */
      markCreditRepaid: db.transaction((settlementId: string, how: { by: 'kiosk-code' | 'staff'; reason: string; detail?: Record<string, unknown> }): void => {
        const changed = sql.repay.run(nowIso(), `${how.by}: ${how.reason}`, settlementId).changes;
        if (changed !== 1) throw new StaffActionRefused(`no outstanding credit debt for visit ${settlementId}`);
        record('credit-repaid', settlementId, how.reason, { by: how.by, ...(how.detail ?? {}) });
      }),
      refundHisNotice(settlementId: string): RefundHisNoticeRow | null {
        const r = sql.noticeGet.get(settlementId);
        return r ? { status: r.status as RefundHisNoticeRow['status'], attempts: r.attempts, lastError: r.last_error } : null;
      },
      recordRefundHisNotice(settlementId: string, status: RefundHisNoticeRow['status'], error: string | null = null): void {
        sql.noticeSet.run({ id: settlementId, status, error, at: nowIso() });
      },
      /** Refunded visits whose HIS has not heard yet (never tried, or not reachable last time). */
      refundHisNoticesDue(): string[] {
        return sql.noticesDue.all().map((r) => r.id);
      },
    },
  };
}
