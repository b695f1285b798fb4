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
}
