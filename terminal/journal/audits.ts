// Face audits: one row per face verification, the trail of who was let through on a face. An
// event holds time, outcome, scores and models only; the journal refuses one that looks as if it
// carries an ID number, a name, pixels or an embedding, so the table cannot become a leak.
import type { JournalContext } from './context';

export interface FaceAuditRow {
  id: number;
  at: string;
  outcome: string;
  settlementId: string | null;
  event: Record<string, unknown>;
}

/** A face_audits row as SQLite returns it. */
interface FaceAuditRecord {
  id: number;
  at: string;
  outcome: string;
  settlement_id: string | null;
  event_json: string;
}

export function rowToFaceAudit(r: FaceAuditRecord): FaceAuditRow {
  return { id: r.id, at: r.at, outcome: r.outcome, settlementId: r.settlement_id, event: JSON.parse(r.event_json) as Record<string, unknown> };
}

export function faceAuditStore({ db }: JournalContext) {
  const sql = {
    insert: db.prepare('INSERT INTO face_audits (at, outcome, settlement_id, event_json) VALUES (?, ?, ?, ?)'),
    latest: db.prepare<[number], FaceAuditRecord>('SELECT * FROM face_audits ORDER BY id DESC LIMIT ?'),
  };

  return {
    /** What this module adds to the Journal. */
    journal: {
      /**
       * One face verification's audit event, as terminal/face produces it (no image, embedding, name
       * or ID number by construction); refused if it carries anything that looks like one.
       */
      recordFaceAudit(event: { at: string; outcome: string }, settlementId: string | null = null): number {
        const json = JSON.stringify(event);
        // An 18-character ID number or raw pixels in an audit row would be a leak the schema invites.
        if (/\d{17}[\dXx]/.test(json) || /"(data|image|embedding|name|idNo|certno)"/.test(json)) throw new Error('face audit event carries patient data');
        return Number(sql.insert.run(event.at, event.outcome, settlementId, json).lastInsertRowid);
      },

      faceAudits(limit = 100): FaceAuditRow[] {
        return sql.latest.all(limit).map(rowToFaceAudit);
      },
    },
  };
}
