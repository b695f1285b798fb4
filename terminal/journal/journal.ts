// The settlement journal: the only code that writes SQL. A settlement's state change and the
// platform call it implies are written in one transaction, with the call's msgid fixed there, before
// anything leaves the terminal; an online call and an offline replay then read the same row.
//
// This file opens the database, runs the migrations and puts the Journal together from one module
// per table group, each owning its SQL and its row converters:
//   settlements.ts   visits, their states and event trail; the checked transition
//   outbox.ts        platform calls queued with the change that implies them
//   msgid-clock.ts   the msgid each call is given when queued
//   meta.ts          the journal's own counters and settings
//   his-notices.ts   attempts to tell the HIS a bill is paid
//   credit.ts        credit (信用就医) debts
//   face-store.ts    enrolled faces;  person-cache.ts  persons for offline identification
//   audits.ts        face verification audit events
//   retention.ts     finished visits past retention exported to <data>/archive/ and removed
//   backup.ts        online backups, and the restore command's work
//   storage.ts       the files, and the checks that refuse a missing or wrong key, a damaged
//                    database, or one that went back in time, before anything is written
//   page-check.ts    a large journal's page walk (quick_check) after the start, in a worker thread
//   alerts.ts        电子哨兵 suspicious-use alerts (the person as an HMAC)
//   staff-actions.ts staff actions on settled visits (refund, credit repaid) and refund HIS notices
// The writes that cross two of them (an outcome and the transition it causes) are composed here.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { migrations } from './migrations';
import { createKeyFile, createSealer, keyFingerprint, readKeyFile, type Sealer } from './sealed';
import { SEQUENCE_SQL, behind, highWaterKeeper, inspectJournal, journalFiles, JournalRefused, KEY_CHECK_PLAIN, keyMatches, readHighWater, readSequence, restoreHint, writeHighWater, type JournalFiles } from './storage';
import type { JournalContext } from './context';
import { metaStore } from './meta';
import { backupDatabase } from './backup';
import { retentionStore } from './retention';
import { msgidClock, type MsgidClockOptions } from './msgid-clock';
import { outboxStore, type CallOutcome } from './outbox';
import { settlementStore, type Queued, type TransitionRequest } from './settlements';
import { hisNoticeStore, type HisNoticeAttempt } from './his-notices';
import { creditStore } from './credit';
import { faceStore } from './face-store';
import { personCache } from './person-cache';
import { faceAuditStore } from './audits';
import { staffActionStore } from './staff-actions';
import { personalValuesIn, redactPersonalData } from '../common/redact';
import { alertStore } from './alerts';
import { groupCommit } from './group-commit';

// The types callers have always imported from here.
export type { OutboxStatus, NewCall, OutboxRow } from './outbox';
export type { SettlementRow, SettlementPatch, TransitionRequest } from './settlements';
export { StaleTransitionError } from './settlements';
export { JournalRefused } from './storage';
export type { HisNoticeRow } from './his-notices';
export type { AlertRow, VisitForRules } from './alerts';
export { StaffActionRefused, type StaffActionRow } from './staff-actions';

export interface JournalOptions extends MsgidClockOptions {
  /** Folder for the database and its key file. */
  dataDir: string;
  now?: () => Date;
  /**
   * Whether the open walks every page (SQLite's quick_check) before the first write; true unless
   * the caller runs that walk after the start and holds payments until it passes (start-terminal,
   * on a journal large enough for the walk to hold the start up: page-check.ts).
   */
  checkPages?: boolean;
}

export type Journal = ReturnType<typeof openJournal>;

export function openJournal(options: JournalOptions) {
  mkdirSync(options.dataDir, { recursive: true });
  const now = options.now ?? (() => new Date());
  const files = journalFiles(options.dataDir);
  // Everything that can refuse the start is decided before the first write (the page walk too,
  // unless the caller holds payments until its own walk after the start passes).
  const found = inspectJournal(files, { walkPages: options.checkPages ?? true });
  const mark = readHighWater(files);
  let key = readKeyFile(files.key);
  refuseUnsafeStart(files, found, mark, key);

  const db = new Database(files.db);
  let keeper: ReturnType<typeof highWaterKeeper>;
  let sealer: Sealer;
  try {
    // A new journal hands pages freed by the retention purge back to the file system (retention.ts).
    if (!found.hasJournal) db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    // FULL: a settlement step the patient was told about must survive a power cut.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    // A journal without sealed rows or a key check (a new one) is the only one that gets a new key.
    key ??= createKeyFile(files.key);
    sealer = createSealer(key);
    if (!found.keyCheck) {
      metaStore(db).set('key_check', sealer.seal(KEY_CHECK_PLAIN).toString('base64'));
      metaStore(db).set('key_fingerprint', keyFingerprint(key));
    }
    const sequence = readSequence(db);
    if (!mark) writeHighWater(files, sequence, now().toISOString());
    keeper = highWaterKeeper(files, mark ?? sequence, () => now().toISOString());
  } catch (err) {
    db.close();
    throw err;
  }
  const fingerprint = keyFingerprint(key);
  const sequenceSql = db.prepare<[], { name: string; seq: number }>(SEQUENCE_SQL);
  const highWater = keeper;
  // Whether an event or a call was inserted since the mark was last read: every journal call raises
  // the mark after it returns, most of them reads, and reading sqlite_sequence after each was ~3 % of
  // a replay's CPU. True at open: the mark is read once before anything is known.
  let sequenceMayHaveMoved = true;
  /** After a write commits (WAL synced), the mark follows it; a crash in between leaves it low, which is safe. */
  const raiseMark = (): void => {
    if (db.inTransaction || !db.open || !sequenceMayHaveMoved) return;
    // Cleared before the read: an insert after it (none can come between, the read is synchronous) sets it again.
    sequenceMayHaveMoved = false;
    const seq = { settlementEvents: 0, outbox: 0 };
    for (const row of sequenceSql.all()) {
      if (row.name === 'settlement_events') seq.settlementEvents = row.seq;
      else seq.outbox = row.seq;
    }
    highWater.raise(seq);
  };

  const ctx: JournalContext = {
    db,
    sealer,
    now,
    nowIso: () => now().toISOString(),
    sequenceMoved: () => {
      sequenceMayHaveMoved = true;
    },
  };
  const meta = metaStore(db);
  const clock = msgidClock(meta, options);
  const outbox = outboxStore(ctx, clock);
  const credit = creditStore(db, ctx.nowIso);
  const settlements = settlementStore(ctx, { meta, outbox, credit });
  const hisNotices = hisNoticeStore(ctx);

  /** The names and numbers one call's input and its visit's person carry, for redaction. */
  function personalValuesOfCall(outboxId: number): string[] {
    const row = outbox.journal.outboxRow(outboxId);
    if (!row) return [];
    const values = personalValuesIn(row.input);
    if (row.settlementId) personalValuesIn(settlements.journal.settlementContext<unknown>(row.settlementId), values);
    return values;
  }

  /** Records a call's outcome and, in the same transaction, the settlement transition it causes. */
  const recordOutcome = db.transaction((outcome: CallOutcome & { then?: TransitionRequest; armNext?: (step: string) => boolean }): Queued & { armed: number | null } => {
    // The platform's error text is stored unsealed and shown to staff: no name, ID number or phone in it.
    if (outcome.error) outcome = { ...outcome, error: redactPersonalData(outcome.error, personalValuesOfCall(outcome.outboxId)) };
    outbox.recordOutcome(outcome);
    const queued = outcome.then ? settlements.applyTransition(outcome.then) : { outboxId: null, msgid: null };
    // One commit for the answer, the step it leads to and the next call's in-flight mark.
    const armed = outcome.then && outcome.armNext ? outbox.armNext(outcome.then.settlementId, outcome.armNext) : null;
    return { ...queued, armed };
  });
  const grouped = groupCommit(db, raiseMark);

  const journal = followedByMark(raiseMark, {
    ...settlements.journal,
    ...outbox.journal,
    ...hisNotices.journal,
    ...meta.journal,
    ...faceStore(ctx).journal,
    ...personCache(ctx).journal,
    ...faceAuditStore(ctx).journal,
    ...retentionStore(ctx, options.dataDir).journal,
    ...alertStore(ctx).journal,
    ...staffActionStore(ctx).journal,

    recordOutcome,

    /**
     * The same, committed with whatever else is written this turn of the event loop (group
     * commit); resolves once on disk. The replay's concurrent visits share one WAL sync this way.
     */
    recordOutcomeGrouped(outcome: Parameters<typeof recordOutcome>[0]): Promise<ReturnType<typeof recordOutcome>> {
      // Through the journal's own member, so whatever wraps recordOutcome (a test's full disk) applies.
      return grouped.run(() => journal.recordOutcome(outcome));
    },

    /** markInFlight, committed with whatever else is written this turn (the replay's first calls). */
    markInFlightGrouped(outboxId: number): Promise<void> {
      return grouped.run(() => journal.markInFlight(outboxId));
    },

    /** Staff retry of a dead letter: the same call, same msgid, from attempt zero, and the visit back in its step. */
    requeue: db.transaction((outboxId: number, then: TransitionRequest) => {
      outbox.requeueDead(outboxId);
      settlements.applyTransition(then);
    }),

    /** One attempt to tell the HIS; when it heard, the visit closes in the same transaction. */
    recordHisNotice: db.transaction((n: HisNoticeAttempt & { then?: TransitionRequest }) => {
      hisNotices.recordAttempt(n);
      if (n.then) settlements.applyTransition(n.then);
    }),

    /** Credit debts (信用就医): outstanding per person and terminal, and the list staff see. */
    credit: { exposure: credit.exposure.bind(credit), debts: credit.debts.bind(credit), debtOf: credit.debtOf.bind(credit) },

    /** The first 16 hex digits of the key's SHA-256: staff compare it with the key's backup. */
    keyFingerprint(): string {
      return fingerprint;
    },

    /** SQLite's full integrity check (every page, index and constraint): ['ok'] or the problems found. */
    integrityCheck(): { ok: boolean; problems: string[] } {
      const rows = (db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
      const problems = rows.filter((r) => r !== 'ok');
      return { ok: problems.length === 0, problems: problems.slice(0, 20) };
    },

    /** An online backup (SQLite's backup API) into dir, keeping the newest `keep`; the terminal keeps settling meanwhile. */
    backup(dir: string, keep: number): Promise<{ file: string; at: string }> {
      return backupDatabase(db, dir, keep, now());
    },

    /** Resolves once the high-water mark on disk covers every commit so far: a platform call waits on it. */
    async highWaterSynced(): Promise<void> {
      await highWater.synced();
      // A journal closed meanwhile (shutdown) would not hear the answer: nothing may leave after it.
      if (!db.open) throw new Error('the journal is closed: no call is sent from a closed journal');
    },

    close(): void {
      if (!db.open) return;
      raiseMark();
      highWater.close();
      db.close();
    },
  });
  return journal;
}

/**
 * What raises the mark itself or writes nothing: close raises it last, the grouped writes after
 * their group's commit (group-commit.ts), and highWaterSynced only waits for it.
 */
const NOT_FOLLOWED_BY_MARK = new Set(['close', 'highWaterSynced', 'recordOutcomeGrouped', 'markInFlightGrouped']);

/** Every journal function raises the high-water mark after it returns (cheap: one indexed read). */
function followedByMark<T extends Record<string, unknown>>(after: () => void, journal: T): T {
  for (const [name, member] of Object.entries(journal)) {
    if (typeof member !== 'function' || NOT_FOLLOWED_BY_MARK.has(name)) continue;
    const fn = member as (...args: unknown[]) => unknown;
    (journal as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const result = fn(...args);
      after();
      return result;
    };
  }
  return journal;
}

/** Refuses, before anything is written, a start that would lose, mix up or repeat what the journal holds. */
function refuseUnsafeStart(files: JournalFiles, found: ReturnType<typeof inspectJournal>, mark: ReturnType<typeof readHighWater>, key: Buffer | null): void {
  if (!found.hasJournal) {
    if (mark || key) {
      throw new JournalRefused(
        'lost',
        `the data folder ${files.dataDir} held a journal (${mark ? files.hwm : files.key} is there) but ${files.db} is missing or empty: its history is gone ` +
          `(a lost WAL or a deleted file). The terminal will not start empty over it. ${restoreHint(files.dataDir)}`,
      );
    }
    return;
  }
  if (mark && behind(found.sequence, mark)) {
    throw new JournalRefused(
      'rolled-back',
      `the journal ${files.db} went back in time: it holds settlement events up to ${found.sequence.settlementEvents} and calls up to ${found.sequence.outbox}, ` +
        `but it had committed ${mark.settlementEvents} and ${mark.outbox} (${files.hwm}); a truncated or lost WAL, or an older copy. ` +
        `Starting would reopen closed visits and resend their calls. ${restoreHint(files.dataDir)}`,
    );
  }
  const sealed = found.keyCheck !== null || found.sampleSealed !== null;
  const expected = found.keyFingerprint ? ` (fingerprint ${found.keyFingerprint})` : '';
  if (!key && sealed) {
    throw new JournalRefused(
      'key-missing',
      `the key file ${files.key} is missing, and the journal ${files.db} holds patient data sealed under it. ` +
        `Restore ${files.key}${expected} from the key's backup; no new key is made for a journal that has sealed data.`,
    );
  }
  if (key && !keyMatches(createSealer(key), found)) {
    throw new JournalRefused(
      'key-wrong',
      `the key file ${files.key} (fingerprint ${keyFingerprint(key)}) is not the key the journal ${files.db} was sealed under${expected}. ` +
        `Put back the journal's own key from the key's backup; nothing was written.`,
    );
  }
}

/** Brings the file to the newest schema, one migration per transaction; refuses a newer file. */
function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new Error(`journal schema version ${version} is newer than this terminal knows (${migrations.length}); refusing to open it`);
  }
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
