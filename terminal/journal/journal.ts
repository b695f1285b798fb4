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
//   staff-actions.ts staff actions on settled visits (refund, credit repaid) and refund HIS notices
// The writes that cross two of them (an outcome and the transition it causes) are composed here.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { migrations } from './migrations';
import { createSealer, loadOrCreateKey, type Sealer } from './sealed';
import type { JournalContext } from './context';
import { metaStore } from './meta';
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

// The types callers have always imported from here.
export type { OutboxStatus, NewCall, OutboxRow } from './outbox';
export type { SettlementRow, SettlementPatch, TransitionRequest } from './settlements';
export { StaleTransitionError } from './settlements';
export type { HisNoticeRow } from './his-notices';
export { StaffActionRefused, type StaffActionRow } from './staff-actions';

export interface JournalOptions extends MsgidClockOptions {
  /** Folder for the database and its key file. */
  dataDir: string;
  now?: () => Date;
}

export type Journal = ReturnType<typeof openJournal>;

export function openJournal(options: JournalOptions) {
  mkdirSync(options.dataDir, { recursive: true });
  const now = options.now ?? (() => new Date());
  const sealer: Sealer = createSealer(loadOrCreateKey(join(options.dataDir, 'journal.key')));
  const db = new Database(join(options.dataDir, 'journal.sqlite'));
  db.pragma('journal_mode = WAL');
  // FULL: a settlement step the patient was told about must survive a power cut.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const ctx: JournalContext = { db, sealer, now, nowIso: () => now().toISOString() };
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

  return {
    ...settlements.journal,
    ...outbox.journal,
    ...hisNotices.journal,
    ...meta.journal,
    ...faceStore(ctx).journal,
    ...personCache(ctx).journal,
    ...faceAuditStore(ctx).journal,
    ...staffActionStore(ctx).journal,

    /** Records a call's outcome and, in the same transaction, the settlement transition it causes. */
    recordOutcome: db.transaction((outcome: CallOutcome & { then?: TransitionRequest }): Queued => {
      // The platform's error text is stored unsealed and shown to staff: no name, ID number or phone in it.
      if (outcome.error) outcome = { ...outcome, error: redactPersonalData(outcome.error, personalValuesOfCall(outcome.outboxId)) };
      outbox.recordOutcome(outcome);
      return outcome.then ? settlements.applyTransition(outcome.then) : { outboxId: null, msgid: null };
    }),

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

    close(): void {
      db.close();
    },
  };
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
