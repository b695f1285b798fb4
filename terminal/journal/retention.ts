// Bounded growth: a visit that is finished (closed, failed, cancelled or refunded, nothing left to
// send, no credit owed, no refund the HIS has yet to hear of) and older than the cut-off is exported and removed. The export is one JSON line per
// visit in <data>/archive/journal-<day of the visit>.jsonl: the visit, its events, calls, HIS
// notices, credit record, face audits and staff actions (refund notices to the HIS too), patient data still sealed under the journal key (base64).
// The archive file is synced (durable-file.ts) before the rows go; a crash between the two writes the visit's line
// again at the next purge (the same id twice), never loses it. Freed pages are reused, and handed
// back to the file system where the journal was made with incremental auto-vacuum.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalContext } from './context';
import { writeFileDurably } from './durable-file';

const FINISHED = `('closed','failed','cancelled','refunded')`;
const OPEN_CALL = `('pending','in-flight','unknown')`;

type Row = Record<string, unknown>;

/** Buffers (sealed values) as base64 strings, so the line is JSON and still sealed. */
const plain = (row: Row): Row => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? { sealed: v.toString('base64') } : v]));

/** A visit's row without its room (zero bytes held for growth, settlements.ts): nothing to archive. */
const withoutRoom = ({ room: _room, ...row }: Row): Row => row;

/** A call's msgid tick (migration 12) is the clock's, not the visit's record: not archived. */
const withoutTick = ({ clock: _clock, ...row }: Row): Row => row;

/** holdClockFloor: the msgid clock keeps the newest call's tick before calls are deleted (msgid-clock.ts). */
export function retentionStore(ctx: JournalContext, dataDir: string, holdClockFloor: () => void) {
  const { db } = ctx;
  const sql = {
    due: db.prepare<[string, number], { id: string; created_at: string }>(
      `SELECT id, created_at FROM settlements s
        WHERE state IN ${FINISHED} AND updated_at < ?
          AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.settlement_id = s.id AND o.status IN ${OPEN_CALL})
          AND NOT EXISTS (SELECT 1 FROM credit_debts c WHERE c.settlement_id = s.id AND c.repaid_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM his_notices h WHERE h.settlement_id = s.id AND h.status <> 'done')
          AND NOT EXISTS (SELECT 1 FROM refund_his_notices r WHERE r.settlement_id = s.id AND r.status <> 'done')
        ORDER BY created_at LIMIT ?`,
    ),
    settlement: db.prepare<[string], Row>('SELECT * FROM settlements WHERE id = ?'),
    events: db.prepare<[string], Row>('SELECT * FROM settlement_events WHERE settlement_id = ? ORDER BY id'),
    // The reply where it is kept now (outbox_replies) or was before migration 11: the line's shape is unchanged.
    calls: db.prepare<[string], Row>(
      `SELECT o.*, coalesce(r.sealed, o.sealed_response) AS sealed_response FROM outbox o LEFT JOIN outbox_replies r ON r.outbox_id = o.id
        WHERE o.settlement_id = ? ORDER BY o.id`,
    ),
    his: db.prepare<[string], Row>('SELECT * FROM his_notices WHERE settlement_id = ?'),
    credit: db.prepare<[string], Row>('SELECT * FROM credit_debts WHERE settlement_id = ?'),
    audits: db.prepare<[string], Row>('SELECT * FROM face_audits WHERE settlement_id = ? ORDER BY id'),
    staffActions: db.prepare<[string], Row>('SELECT * FROM staff_actions WHERE settlement_id = ? ORDER BY id'),
    refundHis: db.prepare<[string], Row>('SELECT * FROM refund_his_notices WHERE settlement_id = ?'),
    // A call's reply goes with it (outbox_replies: ON DELETE CASCADE).
    remove: ['staff_actions', 'refund_his_notices', 'face_audits', 'credit_debts', 'his_notices', 'outbox', 'settlement_events'].map((t) => db.prepare(`DELETE FROM ${t} WHERE settlement_id = ?`)),
    removeSettlement: db.prepare('DELETE FROM settlements WHERE id = ?'),
  };

  /** Exports and removes finished visits last changed before `beforeIso`, a batch at a time. */
  function archiveFinished(beforeIso: string, batch = 500): { visits: number; files: string[] } {
    const archiveDir = join(dataDir, 'archive');
    const files = new Set<string>();
    let visits = 0;
    for (;;) {
      const due = sql.due.all(beforeIso, batch);
      if (due.length === 0) break;
      const byDay = new Map<string, string[]>();
      for (const v of due) {
        const line = JSON.stringify({
          settlement: plain(withoutRoom(sql.settlement.get(v.id) as Row)),
          events: sql.events.all(v.id).map(plain),
          calls: sql.calls.all(v.id).map(withoutTick).map(plain),
          hisNotices: sql.his.all(v.id).map(plain),
          credit: sql.credit.all(v.id).map(plain),
          faceAudits: sql.audits.all(v.id).map(plain),
          staffActions: sql.staffActions.all(v.id).map(plain),
          refundHisNotices: sql.refundHis.all(v.id).map(plain),
        });
        const day = v.created_at.slice(0, 10);
        byDay.set(day, [...(byDay.get(day) ?? []), line]);
      }
      mkdirSync(archiveDir, { recursive: true });
      for (const [day, lines] of byDay) {
        const file = join(archiveDir, `journal-${day}.jsonl`);
        // The day's file is written whole (what it held, then this batch): an append cut short by a
        // crash would leave a torn last line that no JSON-lines reader takes.
        const held = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
        writeFileDurably(file, Buffer.concat([held, Buffer.from(lines.join('\n') + '\n', 'utf8')]), { mode: 0o600 });
        files.add(file);
      }
      db.transaction(() => {
        holdClockFloor();
        for (const v of due) {
          for (const stmt of sql.remove) stmt.run(v.id);
          sql.removeSettlement.run(v.id);
        }
      })();
      visits += due.length;
      if (due.length < batch) break;
    }
    if (visits > 0) compact();
    return { visits, files: [...files].sort() };
  }

  /** Gives freed pages back (incremental auto-vacuum) and empties the WAL, so the files shrink after a purge. */
  function compact(): void {
    if ((db.pragma('auto_vacuum', { simple: true }) as number) === 2) db.pragma('incremental_vacuum');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }

  return { journal: { archiveFinished } };
}
