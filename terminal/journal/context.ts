// What every journal module is built from: the open database, the sealer for patient data at rest,
// and the clock. openJournal makes one and hands it to each module, so no module opens or owns the
// database itself.
import type Database from 'better-sqlite3';
import type { Sealer } from './sealed';

export interface JournalContext {
  db: Database.Database;
  sealer: Sealer;
  now: () => Date;
  /** now() as stored: every timestamp in the journal is an ISO string. */
  nowIso: () => string;
  /**
   * Told at each insert into settlement_events or outbox, the two sequences the high-water mark
   * covers: the mark is read and raised after a journal call only when one of them may have moved.
   */
  sequenceMoved: () => void;
}
