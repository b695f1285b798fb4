// The outbox: every platform call, queued in the same transaction as the settlement change that
// implies it, with its msgid fixed there; the sender and the replay worker read it back from here.
// Inputs and raw responses carry patient data, so both are sealed at rest; a reply is kept in
// outbox_replies beside its call (older journals' replies in the call's own row).
import type { JournalContext } from './context';
import type { MsgidClock } from './msgid-clock';
import type { Sealer } from './sealed';

export type OutboxStatus = 'pending' | 'in-flight' | 'done' | 'rejected' | 'unknown' | 'superseded' | 'dead';

/** A platform call to queue. The msgid is assigned by the journal, never by the caller. */
export interface NewCall {
  step: string;
  infno: string;
  input: unknown;
  insuplcAdmdvs?: string | null;
}

export interface OutboxRow {
  id: number;
  settlementId: string | null;
  step: string;
  infno: string;
  msgid: string;
  insuplcAdmdvs: string | null;
  input: unknown;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
}

/** What one attempt of a call came to. */
export interface CallOutcome {
  outboxId: number;
  status: OutboxStatus;
  error?: string | null;
  rawResponse?: string | null;
  nextAttemptAt?: string | null;
}

/** An outbox row as SQLite returns it. */
interface OutboxRecord {
  id: number;
  settlement_id: string | null;
  step: string;
  infno: string;
  msgid: string;
  insuplc_admdvs: string | null;
  sealed_input: Buffer;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  sealed_response: Buffer | null;
  created_at: string;
  updated_at: string;
}

export function rowToOutbox(r: OutboxRecord, sealer: Sealer): OutboxRow {
  return {
    id: r.id,
    settlementId: r.settlement_id ?? null,
    step: r.step,
    infno: r.infno,
    msgid: r.msgid,
    insuplcAdmdvs: r.insuplc_admdvs ?? null,
    input: JSON.parse(sealer.open(r.sealed_input)),
    status: r.status as OutboxStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at ?? null,
    lastError: r.last_error ?? null,
    createdAt: r.created_at,
  };
}

/** The statuses of a call that is still owed an answer: what the sender and replay worker pick up. */
const OPEN = `status IN ('pending','in-flight','unknown')`;

export function outboxStore({ db, sealer, now, nowIso, sequenceMoved }: JournalContext, clock: MsgidClock) {
  const sql = {
    insert: db.prepare(
      `INSERT INTO outbox (settlement_id, step, infno, msgid, insuplc_admdvs, sealed_input, status, created_at, updated_at)
       VALUES (@settlementId, @step, @infno, @msgid, @insuplcAdmdvs, @sealedInput, 'pending', @at, @at)`,
    ),
    get: db.prepare<[number], OutboxRecord>('SELECT * FROM outbox WHERE id = ?'),
    callsOf: db.prepare<[string], OutboxRecord>('SELECT * FROM outbox WHERE settlement_id = ? ORDER BY id'),
    open: db.prepare<[], OutboxRecord>(`SELECT * FROM outbox WHERE ${OPEN} ORDER BY id`),
    nextOpenCall: db.prepare<[string], OutboxRecord>(`SELECT * FROM outbox WHERE settlement_id = ? AND ${OPEN} ORDER BY id LIMIT 1`),
    settlementsWithOpenCalls: db.prepare<[], { settlement_id: string }>(
      `SELECT DISTINCT settlement_id FROM outbox WHERE ${OPEN} AND settlement_id IS NOT NULL ORDER BY settlement_id`,
    ),
    doneMsgid: db.prepare<[string, string], { msgid: string }>(`SELECT msgid FROM outbox WHERE settlement_id = ? AND infno = ? AND status = 'done' ORDER BY id DESC LIMIT 1`),
    lastCallError: db.prepare<[string], { status: string; last_error: string | null }>(`SELECT status, last_error FROM outbox WHERE settlement_id = ? ORDER BY id DESC LIMIT 1`),
    // Visits' calls only: a probe or person query in flight is not work waiting to be replayed, and
    // counting it made the number flicker while the worker probed.
    countOpen: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM outbox WHERE ${OPEN} AND settlement_id IS NOT NULL`),
    setStatus: db.prepare(
      `UPDATE outbox SET status = @status, attempts = attempts + @attempt, last_error = @lastError,
         next_attempt_at = @nextAttemptAt, updated_at = @at
       WHERE id = @id`,
    ),
    // The reply in its own table (migration 11), so the call's row keeps the size it was written at;
    // a later reply to the same call (a retry) replaces it, as the column's coalesce did.
    saveReply: db.prepare(`INSERT INTO outbox_replies (outbox_id, sealed) VALUES (?, ?) ON CONFLICT(outbox_id) DO UPDATE SET sealed = excluded.sealed`),
    // Replies written before migration 11 are still in the call's row.
    reply: db.prepare<[number], { sealed: Buffer | null }>(
      `SELECT coalesce(r.sealed, o.sealed_response) AS sealed FROM outbox o LEFT JOIN outbox_replies r ON r.outbox_id = o.id WHERE o.id = ?`,
    ),
    resolve: db.prepare(`UPDATE outbox SET status = 'done', updated_at = ? WHERE id = ? AND settlement_id = ?`),
    // created_at restarts too: a staff retry opens a new window for the unknown-outcome deadline.
    // Only a call of no visit that has its outcome: a visit's calls are its record, an open call still counts.
    forgetFinished: db.prepare(`DELETE FROM outbox WHERE id = ? AND settlement_id IS NULL AND status IN ('done','rejected','dead')`),
    requeueDead: db.prepare(`UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL, created_at = ?, updated_at = ? WHERE id = ? AND status = 'dead'`),
  };

  /** Queues a call inside the caller's transaction; the msgid clock moves in the same write. */
  function enqueue(settlementId: string | null, call: NewCall): { outboxId: number; msgid: string } {
    const at = now();
    const msgid = clock.next(at);
    const info = sql.insert.run({
      settlementId,
      step: call.step,
      infno: call.infno,
      msgid,
      insuplcAdmdvs: call.insuplcAdmdvs ?? null,
      sealedInput: sealer.seal(JSON.stringify(call.input)),
      at: at.toISOString(),
    });
    sequenceMoved();
    return { outboxId: Number(info.lastInsertRowid), msgid };
  }

  /** One more attempt, in flight: written before the request leaves. */
  const markInFlightRow = (outboxId: number): void => {
    sql.setStatus.run({ id: outboxId, status: 'in-flight', attempt: 1, lastError: null, nextAttemptAt: null, at: nowIso() });
  };

  /**
   * Marks the visit's next call in flight inside the caller's transaction (the answer that queued
   * it), so the send that follows needs no commit of its own. Only a fresh call the caller is about
   * to send: after a crash before the send it is in flight like any other, and resolved by query.
   */
  function armNext(settlementId: string, mayArm: (step: string) => boolean): number | null {
    const next = sql.nextOpenCall.get(settlementId);
    if (!next || next.status !== 'pending' || next.attempts !== 0 || next.next_attempt_at !== null || !mayArm(next.step)) return null;
    markInFlightRow(next.id);
    return next.id;
  }

  return {
    enqueue,
    armNext,

    /** An earlier call whose outcome was unknown is now known to have succeeded; its last error stays. */
    resolve(outboxId: number, settlementId: string): void {
      sql.resolve.run(nowIso(), outboxId, settlementId);
    },

    /** Records one attempt's outcome, inside the transaction that also moves the visit. */
    recordOutcome(outcome: CallOutcome): void {
      sql.setStatus.run({ id: outcome.outboxId, status: outcome.status, attempt: 0, lastError: outcome.error ?? null, nextAttemptAt: outcome.nextAttemptAt ?? null, at: nowIso() });
      if (outcome.rawResponse != null) sql.saveReply.run(outcome.outboxId, sealer.seal(outcome.rawResponse));
    },

    /** A dead letter back to pending from attempt zero; anything not dead is left alone. */
    requeueDead(outboxId: number): void {
      sql.requeueDead.run(nowIso(), nowIso(), outboxId);
    },

    /** What this module adds to the Journal. */
    journal: {
      /** A call that belongs to no settlement (sign-in, person query, reconciliation). */
      /** With `inFlight`, the call is marked in flight in the same commit: its sender sends it at once. */
      enqueueCall: db.transaction((call: NewCall, opts: { inFlight?: boolean } = {}) => {
        const queued = enqueue(null, call);
        if (opts.inFlight) markInFlightRow(queued.outboxId);
        return queued;
      }),

      /**
       * Drops a finished call that belongs to no visit. The idle platform watch probes every few
       * seconds: kept, its sign-ins alone would grow the journal by ~17,000 rows a day.
       */
      forgetFinishedCall(outboxId: number): boolean {
        return sql.forgetFinished.run(outboxId).changes > 0;
      },

      outboxRow(id: number): OutboxRow | null {
        const row = sql.get.get(id);
        return row ? rowToOutbox(row, sealer) : null;
      },

      /** Every call a visit made, in order, whatever became of it. */
      callsOf(settlementId: string): OutboxRow[] {
        return sql.callsOf.all(settlementId).map((r) => rowToOutbox(r, sealer));
      },

      openOutbox(): OutboxRow[] {
        return sql.open.all().map((r) => rowToOutbox(r, sealer));
      },

      /** The call a visit waits on: the first of its calls still open, in the order they were queued. */
      nextOpenCall(settlementId: string): OutboxRow | null {
        const row = sql.nextOpenCall.get(settlementId);
        return row ? rowToOutbox(row, sealer) : null;
      },

      settlementsWithOpenCalls(): string[] {
        return sql.settlementsWithOpenCalls.all().map((r) => r.settlement_id);
      },

      /** msgid of the visit's last successful call of this infno (the platform echoes a 2207's as medins_setl_id). */
      doneMsgid(settlementId: string, infno: string): string | null {
        return sql.doneMsgid.get(settlementId, infno)?.msgid ?? null;
      },

      /** Why the visit's latest call has not succeeded, if it has not. */
      lastCallError(settlementId: string): string | null {
        const row = sql.lastCallError.get(settlementId);
        return row && row.status !== 'done' ? row.last_error : null;
      },

      openOutboxCount(): number {
        return sql.countOpen.get()?.n ?? 0;
      },

      /** Written and synced before the request is sent: after a crash, an in-flight row means "outcome unknown". */
      markInFlight(outboxId: number): void {
        markInFlightRow(outboxId);
      },

      rawResponse(outboxId: number): string | null {
        const row = sql.reply.get(outboxId);
        return row?.sealed ? sealer.open(row.sealed) : null;
      },
    },
  };
}

export type OutboxStore = ReturnType<typeof outboxStore>;
