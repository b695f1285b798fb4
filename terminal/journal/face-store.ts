// The face store: the reference faces patients chose to pay with (刷脸), one embedding a person and
// never an image. Each is sealed under the journal key and found by an HMAC of the ID number, so a
// copied database reveals neither the face nor whose it is.
import type { JournalContext } from './context';
import type { Sealer } from './sealed';

export interface EnrolledFace {
  embedding: Float32Array;
  enrolledAt: string;
}

/** A face_enrolments row as read back (the key is only ever matched, never read). */
interface FaceEnrolmentRecord {
  sealed: Buffer;
  enrolled_at: string;
}

export function rowToEnrolledFace(row: FaceEnrolmentRecord, sealer: Sealer): EnrolledFace {
  return { embedding: Float32Array.from(JSON.parse(sealer.open(row.sealed)) as number[]), enrolledAt: row.enrolled_at };
}

export function faceStore({ db, sealer, nowIso }: JournalContext) {
  const sql = {
    upsert: db.prepare('INSERT INTO face_enrolments (key, sealed, enrolled_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET sealed = excluded.sealed, enrolled_at = excluded.enrolled_at'),
    get: db.prepare<[string], FaceEnrolmentRecord>('SELECT sealed, enrolled_at FROM face_enrolments WHERE key = ?'),
    delete: db.prepare('DELETE FROM face_enrolments WHERE key = ?'),
  };

  return {
    /** What this module adds to the Journal. */
    journal: {
      /** A face reference the patient consented to (an embedding: no image), sealed under the journal key. */
      enrolFace(idNo: string, embedding: Float32Array): void {
        const sealed = sealer.seal(JSON.stringify(Array.from(embedding)));
        sql.upsert.run(sealer.tag(idNo), sealed, nowIso());
      },

      enrolledFace(idNo: string): EnrolledFace | null {
        const row = sql.get.get(sealer.tag(idNo));
        return row ? rowToEnrolledFace(row, sealer) : null;
      },

      /** Consent withdrawn: the reference is gone, not flagged. */
      forgetFace(idNo: string): boolean {
        return sql.delete.run(sealer.tag(idNo)).changes > 0;
      },
    },
  };
}
