// The settlement journal: the only code that writes SQL. A settlement's state change and the
// platform call it implies are written in one transaction, with the call's msgid fixed there, before
// anything leaves the terminal; an online call and an offline replay then read the same row.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { migrations } from './migrations';
import { createSealer, loadOrCreateKey, type Sealer } from './sealed';
import { creditStore, type CreditReservation } from './credit';

export type OutboxStatus = 'pending' | 'in-flight' | 'done' | 'rejected' | 'unknown' | 'superseded' | 'dead';

export interface SettlementRow {
  id: string;
  service: string;
  state: string;
  psnNo: string | null;
  insutype: string | null;
  insuplcAdmdvs: string | null;
  billId: string | null;
  totalFen: number | null;
  mdtrtId: string | null;
  chrgBchno: string | null;
  setlId: string | null;
  splitJson: string | null;
  /** Captured while the platform was unreachable. */
  deferred: boolean;
  /** The short number on an offline capture's pending slip. */
  slipNo: string | null;
  createdAt: string;
  updatedAt: string;
}

export type SettlementPatch = Partial<Pick<SettlementRow, 'psnNo' | 'insutype' | 'insuplcAdmdvs' | 'billId' | 'totalFen' | 'mdtrtId' | 'chrgBchno' | 'setlId' | 'splitJson'>>;

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

export interface TransitionRequest {
  settlementId: string;
  /** The states the settlement must be in now; anything else means another actor moved it first. */
  from: readonly string[];
  to: string;
  patch?: SettlementPatch;
  note?: string;
  call?: NewCall;
  /** More calls for the visit, queued after `call` in this order (the undo of a visit that ends unpaid). */
  calls?: NewCall[];
  /**
   * An earlier call of the visit whose outcome was unknown and is now known to have succeeded (the
   * platform showed its settlement): marked done in the same transaction, keeping its last error.
   */
  resolvesOutboxId?: number;
  /** Replaces the visit's sealed context in the same write (the patient changed how to pay). */
  context?: unknown;
  /** Credit (信用就医) for the cash part: checked against the limits and recorded in the same write. */
  credit?: CreditReservation;
}

/** What the journal keeps about telling the HIS that a visit's bill is paid. */
export interface HisNoticeRow {
  status: 'pending' | 'done' | 'conflict';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
}

export class StaleTransitionError extends Error {
  constructor(settlementId: string, expected: readonly string[], actual: string | null) {
    super(`settlement ${settlementId} is ${actual ?? 'missing'}, expected one of ${expected.join(', ')}`);
    this.name = 'StaleTransitionError';
  }
}

export interface JournalOptions {
  /** Folder for the database and its key file. */
  dataDir: string;
  institutionCode: string;
  now?: () => Date;
  /** Builds the wire msgid from the persisted sequence; the insurance layer owns the format. */
  formatMsgid: (institutionCode: string, at: Date, sequence: number) => string;
  /**
   * This terminal's digits at the head of the 4-digit sequence. The msgid is only institution code +
   * second + sequence, so two kiosks of one hospital would collide without it: slot '07' leaves each
   * terminal 100 msgids a second, '' (one terminal) all 10,000.
   */
  msgidSlot?: string;
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

  const stmt = {
    metaGet: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    metaSet: db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    insertSettlement: db.prepare(
      `INSERT INTO settlements (id, service, state, sealed_context, created_at, updated_at) VALUES (@id, @service, @state, @sealed, @at, @at)`,
    ),
    getSettlement: db.prepare<[string], Record<string, unknown>>('SELECT * FROM settlements WHERE id = ?'),
    insertEvent: db.prepare('INSERT INTO settlement_events (settlement_id, at, from_state, to_state, note) VALUES (?, ?, ?, ?, ?)'),
    insertOutbox: db.prepare(
      `INSERT INTO outbox (settlement_id, step, infno, msgid, insuplc_admdvs, sealed_input, status, created_at, updated_at)
       VALUES (@settlementId, @step, @infno, @msgid, @insuplcAdmdvs, @sealedInput, 'pending', @at, @at)`,
    ),
    getOutbox: db.prepare<[number], Record<string, unknown>>('SELECT * FROM outbox WHERE id = ?'),
    callsOf: db.prepare<[string], Record<string, unknown>>('SELECT * FROM outbox WHERE settlement_id = ? ORDER BY id'),
    openOutbox: db.prepare<[], Record<string, unknown>>(
      `SELECT * FROM outbox WHERE status IN ('pending','in-flight','unknown') ORDER BY id`,
    ),
    nextOpenCall: db.prepare<[string], Record<string, unknown>>(
      `SELECT * FROM outbox WHERE settlement_id = ? AND status IN ('pending','in-flight','unknown') ORDER BY id LIMIT 1`,
    ),
    settlementsWithOpenCalls: db.prepare<[], { settlement_id: string }>(
      `SELECT DISTINCT settlement_id FROM outbox WHERE status IN ('pending','in-flight','unknown') AND settlement_id IS NOT NULL ORDER BY settlement_id`,
    ),
    doneMsgid: db.prepare<[string, string], { msgid: string }>(`SELECT msgid FROM outbox WHERE settlement_id = ? AND infno = ? AND status = 'done' ORDER BY id DESC LIMIT 1`),
    lastCallError: db.prepare<[string], { status: string; last_error: string | null }>(`SELECT status, last_error FROM outbox WHERE settlement_id = ? ORDER BY id DESC LIMIT 1`),
    // Visits' calls only: a probe or person query in flight is not work waiting to be replayed, and
    // counting it made the number flicker while the worker probed.
    countOpenOutbox: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM outbox WHERE status IN ('pending','in-flight','unknown') AND settlement_id IS NOT NULL`),
    setOutboxStatus: db.prepare(
      `UPDATE outbox SET status = @status, attempts = attempts + @attempt, last_error = @lastError,
         next_attempt_at = @nextAttemptAt, sealed_response = coalesce(@sealedResponse, sealed_response), updated_at = @at
       WHERE id = @id`,
    ),
    events: db.prepare<[string], { at: string; from_state: string | null; to_state: string; note: string | null }>(
      'SELECT at, from_state, to_state, note FROM settlement_events WHERE settlement_id = ? ORDER BY id',
    ),
    settlementsByBill: db.prepare<[string], Record<string, unknown>>('SELECT * FROM settlements WHERE bill_id = ? ORDER BY created_at'),
    hisNoticesDue: db.prepare<[{ due: string | null }], { id: string }>(
      `SELECT s.id FROM settlements s LEFT JOIN his_notices n ON n.settlement_id = s.id
       WHERE s.state = 'settled' AND (n.status IS NULL OR (n.status = 'pending' AND (@due IS NULL OR n.next_attempt_at IS NULL OR n.next_attempt_at <= @due)))
       ORDER BY s.updated_at`,
    ),
    getHisNotice: db.prepare<[string], { status: string; attempts: number; next_attempt_at: string | null; last_error: string | null }>('SELECT * FROM his_notices WHERE settlement_id = ?'),
    upsertHisNotice: db.prepare(
      `INSERT INTO his_notices (settlement_id, status, attempts, next_attempt_at, last_error, updated_at) VALUES (@id, @status, 1, @nextAttemptAt, @lastError, @at)
       ON CONFLICT(settlement_id) DO UPDATE SET status = excluded.status, attempts = attempts + 1, next_attempt_at = excluded.next_attempt_at,
         last_error = excluded.last_error, updated_at = excluded.updated_at`,
    ),
    settlementsInStates: db.prepare<[string], Record<string, unknown>>(
      `SELECT * FROM settlements WHERE state IN (SELECT value FROM json_each(?)) ORDER BY created_at`,
    ),
  };

  const nowIso = () => now().toISOString();

  const slot = options.msgidSlot ?? '';
  if (!/^\d{0,2}$/.test(slot)) throw new Error('msgidSlot is at most 2 digits');
  const perSecond = 10 ** (4 - slot.length);

  /**
   * A msgid never repeats for this terminal: within one second the counter runs up to the slot's
   * capacity, and past it the msgid takes the next second (a burst borrows time; it never wraps).
   */
  function nextMsgid(at: Date): string {
    const last = JSON.parse(stmt.metaGet.get('msgid_clock')?.value ?? '{"second":0,"count":0}') as { second: number; count: number };
    let second = Math.max(Math.floor(at.getTime() / 1000), last.second);
    let count = second === last.second ? last.count + 1 : 0;
    if (count >= perSecond) {
      second += 1;
      count = 0;
    }
    stmt.metaSet.run('msgid_clock', JSON.stringify({ second, count }));
    const sequence = slot === '' ? count : Number(slot) * perSecond + count;
    return options.formatMsgid(options.institutionCode, new Date(second * 1000), sequence);
  }

  function enqueue(settlementId: string | null, call: NewCall): { outboxId: number; msgid: string } {
    const at = now();
    const msgid = nextMsgid(at);
    const info = stmt.insertOutbox.run({
      settlementId,
      step: call.step,
      infno: call.infno,
      msgid,
      insuplcAdmdvs: call.insuplcAdmdvs ?? null,
      sealedInput: sealer.seal(JSON.stringify(call.input)),
      at: at.toISOString(),
    });
    return { outboxId: Number(info.lastInsertRowid), msgid };
  }

  function updateColumns(id: string, patch: SettlementPatch): void {
    const keys = Object.keys(patch);
    if (keys.length === 0) return;
    db.prepare(`UPDATE settlements SET ${keys.map((k) => `${columnOf(k)} = @${k}`).join(', ')} WHERE id = @id`).run({ ...patch, id });
  }

  const credit = creditStore(db, nowIso);

  const applyTransition = (req: TransitionRequest): { outboxId: number | null; msgid: string | null } => {
    const current = stmt.getSettlement.get(req.settlementId);
    const state = (current?.state as string | undefined) ?? null;
    if (state === null || !req.from.includes(state)) throw new StaleTransitionError(req.settlementId, req.from, state);
    db.prepare('UPDATE settlements SET state = ?, updated_at = ? WHERE id = ?').run(req.to, nowIso(), req.settlementId);
    if (req.patch) updateColumns(req.settlementId, req.patch);
    stmt.insertEvent.run(req.settlementId, nowIso(), state, req.to, req.note ?? null);
    if (req.context !== undefined) db.prepare('UPDATE settlements SET sealed_context = ? WHERE id = ?').run(sealer.seal(JSON.stringify(req.context)), req.settlementId);
    if (req.credit) credit.reserve(req.settlementId, req.credit);
    if (req.resolvesOutboxId !== undefined) {
      db.prepare(`UPDATE outbox SET status = 'done', updated_at = ? WHERE id = ? AND settlement_id = ?`).run(nowIso(), req.resolvesOutboxId, req.settlementId);
    }
    const first = req.call ? enqueue(req.settlementId, req.call) : { outboxId: null, msgid: null };
    for (const more of req.calls ?? []) enqueue(req.settlementId, more);
    return first;
  };

  return {
    /** Opens a settlement; with a call, the call is queued in the same transaction. */
    openSettlement: db.transaction(
      (open: {
        id: string;
        service: string;
        state: string;
        context: unknown;
        patch?: SettlementPatch;
        call?: NewCall;
        deferred?: boolean;
        /**
         * Sees the bill's earlier visits inside the same transaction and throws to refuse the open:
         * two kiosks (or a kiosk and the replay worker) cannot both pass a check made outside it.
         */
        billGuard?: (earlier: SettlementRow[]) => void;
      }): { outboxId: number | null; msgid: string | null } => {
        if (open.billGuard && open.patch?.billId) open.billGuard(stmt.settlementsByBill.all(open.patch.billId).map(toSettlement));
        const at = nowIso();
        stmt.insertSettlement.run({ id: open.id, service: open.service, state: open.state, sealed: sealer.seal(JSON.stringify(open.context)), at });
        if (open.deferred) {
          const slip = Number(stmt.metaGet.get('slip_sequence')?.value ?? '0') + 1;
          stmt.metaSet.run('slip_sequence', String(slip));
          db.prepare('UPDATE settlements SET deferred = 1, slip_no = ? WHERE id = ?').run(`P${String(slip).padStart(6, '0')}`, open.id);
        }
        if (open.patch) updateColumns(open.id, open.patch);
        stmt.insertEvent.run(open.id, at, null, open.state, 'opened');
        return open.call ? enqueue(open.id, open.call) : { outboxId: null, msgid: null };
      },
    ),

    transition: db.transaction(applyTransition),

    /** A call that belongs to no settlement (sign-in, person query, reconciliation). */
    enqueueCall: db.transaction((call: NewCall) => enqueue(null, call)),

    settlement(id: string): SettlementRow | null {
      const row = stmt.getSettlement.get(id);
      return row ? toSettlement(row) : null;
    },

    settlementContext<T>(id: string): T | null {
      const row = stmt.getSettlement.get(id);
      if (!row || !row.sealed_context) return null;
      return JSON.parse(sealer.open(row.sealed_context as Buffer)) as T;
    },

    settlementsByBill(billId: string): SettlementRow[] {
      return stmt.settlementsByBill.all(billId).map(toSettlement);
    },

    settlementsIn(states: readonly string[]): SettlementRow[] {
      return stmt.settlementsInStates.all(JSON.stringify(states)).map(toSettlement);
    },

    events(settlementId: string) {
      return stmt.events.all(settlementId);
    },

    outboxRow(id: number): OutboxRow | null {
      const row = stmt.getOutbox.get(id);
      return row ? toOutbox(row, sealer) : null;
    },

    /** Every call a visit made, in order, whatever became of it. */
    callsOf(settlementId: string): OutboxRow[] {
      return stmt.callsOf.all(settlementId).map((r) => toOutbox(r, sealer));
    },

    openOutbox(): OutboxRow[] {
      return stmt.openOutbox.all().map((r) => toOutbox(r, sealer));
    },

    /** The call a visit waits on: the first of its calls still open, in the order they were queued. */
    nextOpenCall(settlementId: string): OutboxRow | null {
      const row = stmt.nextOpenCall.get(settlementId);
      return row ? toOutbox(row, sealer) : null;
    },

    settlementsWithOpenCalls(): string[] {
      return stmt.settlementsWithOpenCalls.all().map((r) => r.settlement_id);
    },

    /** msgid of the visit's last successful call of this infno (the platform echoes a 2207's as medins_setl_id). */
    doneMsgid(settlementId: string, infno: string): string | null {
      return stmt.doneMsgid.get(settlementId, infno)?.msgid ?? null;
    },

    /** Why the visit's latest call has not succeeded, if it has not. */
    lastCallError(settlementId: string): string | null {
      const row = stmt.lastCallError.get(settlementId);
      return row && row.status !== 'done' ? row.last_error : null;
    },

    openOutboxCount(): number {
      return stmt.countOpenOutbox.get()?.n ?? 0;
    },

    /** Written and synced before the request is sent: after a crash, an in-flight row means "outcome unknown". */
    markInFlight(outboxId: number): void {
      stmt.setOutboxStatus.run({ id: outboxId, status: 'in-flight', attempt: 1, lastError: null, nextAttemptAt: null, sealedResponse: null, at: nowIso() });
    },

    /** Records a call's outcome and, in the same transaction, the settlement transition it causes. */
    recordOutcome: db.transaction(
      (outcome: { outboxId: number; status: OutboxStatus; error?: string | null; rawResponse?: string | null; nextAttemptAt?: string | null; then?: TransitionRequest }) => {
        stmt.setOutboxStatus.run({
          id: outcome.outboxId,
          status: outcome.status,
          attempt: 0,
          lastError: outcome.error ?? null,
          nextAttemptAt: outcome.nextAttemptAt ?? null,
          sealedResponse: outcome.rawResponse != null ? sealer.seal(outcome.rawResponse) : null,
          at: nowIso(),
        });
        return outcome.then ? applyTransition(outcome.then) : { outboxId: null, msgid: null };
      },
    ),

    /** Staff retry of a dead letter: the same call, same msgid, from attempt zero, and the visit back in its step. */
    requeue: db.transaction((outboxId: number, then: TransitionRequest) => {
      // created_at restarts too: a staff retry opens a new window for the unknown-outcome deadline.
      db.prepare(`UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL, created_at = ?, updated_at = ? WHERE id = ? AND status = 'dead'`).run(nowIso(), nowIso(), outboxId);
      applyTransition(then);
    }),

    /** Visits settled with the platform whose HIS notice is due (at `dueBy`; null: every one not refused). */
    hisNoticesDue(dueBy: string | null): string[] {
      return stmt.hisNoticesDue.all({ due: dueBy }).map((r) => r.id);
    },

    hisNotice(settlementId: string): HisNoticeRow | null {
      const row = stmt.getHisNotice.get(settlementId);
      return row ? { status: row.status as HisNoticeRow['status'], attempts: row.attempts, nextAttemptAt: row.next_attempt_at, lastError: row.last_error } : null;
    },

    /** One attempt to tell the HIS; when it heard, the visit closes in the same transaction. */
    recordHisNotice: db.transaction((n: { settlementId: string; status: HisNoticeRow['status']; error?: string | null; nextAttemptAt?: string | null; then?: TransitionRequest }) => {
      stmt.upsertHisNotice.run({ id: n.settlementId, status: n.status, lastError: n.error ?? null, nextAttemptAt: n.nextAttemptAt ?? null, at: nowIso() });
      if (n.then) applyTransition(n.then);
    }),

    /** Settlements that reached 'settled' in [fromIso, toIso), with when: the terminal's side of a reconciliation. */
    settledBetween(fromIso: string, toIso: string): Array<SettlementRow & { settledAt: string }> {
      return db
        .prepare<[string, string], Record<string, unknown>>(
          `SELECT s.*, e.at AS settled_at FROM settlements s
           JOIN settlement_events e ON e.settlement_id = s.id AND e.to_state = 'settled'
           WHERE s.state IN ('settled', 'closed') AND e.at >= ? AND e.at < ? ORDER BY e.at`,
        )
        .all(fromIso, toIso)
        .map((r) => ({ ...toSettlement(r), settledAt: r.settled_at as string }));
    },

    /**
     * One person's visits on this terminal, newest first, each with when it settled (null if it has
     * not): what the patient's own 查询 screen lists. Read only; psn_no is the platform's person number.
     */
    settlementsOfPerson(psnNo: string, limit: number): Array<SettlementRow & { settledAt: string | null }> {
      return db
        .prepare<[string, number], Record<string, unknown>>(
          `SELECT s.*, (SELECT min(e.at) FROM settlement_events e WHERE e.settlement_id = s.id AND e.to_state = 'settled') AS settled_at
           FROM settlements s WHERE s.psn_no = ? ORDER BY s.created_at DESC, s.rowid DESC LIMIT ?`,
        )
        .all(psnNo, limit)
        .map((r) => ({ ...toSettlement(r), settledAt: (r.settled_at as string | null) ?? null }));
    },

    metaValue(key: string): string | null {
      return stmt.metaGet.get(key)?.value ?? null;
    },

    setMetaValue(key: string, value: string): void {
      stmt.metaSet.run(key, value);
    },

    /** A face reference the patient consented to (an embedding: no image), sealed under the journal key. */
    enrolFace(idNo: string, embedding: Float32Array): void {
      const sealed = sealer.seal(JSON.stringify(Array.from(embedding)));
      db.prepare('INSERT INTO face_enrolments (key, sealed, enrolled_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET sealed = excluded.sealed, enrolled_at = excluded.enrolled_at').run(
        sealer.tag(idNo),
        sealed,
        nowIso(),
      );
    },

    enrolledFace(idNo: string): { embedding: Float32Array; enrolledAt: string } | null {
      const row = db.prepare<[string], { sealed: Buffer; enrolled_at: string }>('SELECT sealed, enrolled_at FROM face_enrolments WHERE key = ?').get(sealer.tag(idNo));
      return row ? { embedding: Float32Array.from(JSON.parse(sealer.open(row.sealed)) as number[]), enrolledAt: row.enrolled_at } : null;
    },

    /** Consent withdrawn: the reference is gone, not flagged. */
    forgetFace(idNo: string): boolean {
      return db.prepare('DELETE FROM face_enrolments WHERE key = ?').run(sealer.tag(idNo)).changes > 0;
    },

    /** Remembers who a verified person is, so a card can identify them while the platform is away. */
    cachePerson(idNo: string, person: unknown): void {
      db.prepare('INSERT INTO person_cache (key, sealed, cached_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET sealed = excluded.sealed, cached_at = excluded.cached_at').run(
        sealer.tag(idNo),
        sealer.seal(JSON.stringify(person)),
        nowIso(),
      );
    },

    cachedPerson<T>(idNo: string): { person: T; cachedAt: string } | null {
      const row = db.prepare<[string], { sealed: Buffer; cached_at: string }>('SELECT sealed, cached_at FROM person_cache WHERE key = ?').get(sealer.tag(idNo));
      return row ? { person: JSON.parse(sealer.open(row.sealed)) as T, cachedAt: row.cached_at } : null;
    },

    /** What offline captures not yet settled put at risk: for one person, for the terminal, and since when. */
    offlineExposure(psnNo: string, openStates: readonly string[]): { patientFen: number; terminalFen: number; oldestAt: string | null } {
      const row = db
        .prepare<[string, string], { patient: number | null; terminal: number | null; oldest: string | null }>(
          `SELECT sum(CASE WHEN psn_no = ? THEN total_fen ELSE 0 END) AS patient, sum(total_fen) AS terminal, min(created_at) AS oldest
           FROM settlements WHERE deferred = 1 AND state IN (SELECT value FROM json_each(?))`,
        )
        .get(psnNo, JSON.stringify(openStates));
      return { patientFen: row?.patient ?? 0, terminalFen: row?.terminal ?? 0, oldestAt: row?.oldest ?? null };
    },

    /**
     * One face verification's audit event, as terminal/face produces it (no image, embedding, name
     * or ID number by construction); refused if it carries anything that looks like one.
     */
    recordFaceAudit(event: { at: string; outcome: string }, settlementId: string | null = null): number {
      const json = JSON.stringify(event);
      // An 18-character ID number or raw pixels in an audit row would be a leak the schema invites.
      if (/\d{17}[\dXx]/.test(json) || /"(data|image|embedding|name|idNo|certno)"/.test(json)) throw new Error('face audit event carries patient data');
      return Number(db.prepare('INSERT INTO face_audits (at, outcome, settlement_id, event_json) VALUES (?, ?, ?, ?)').run(event.at, event.outcome, settlementId, json).lastInsertRowid);
    },

    faceAudits(limit = 100): { id: number; at: string; outcome: string; settlementId: string | null; event: Record<string, unknown> }[] {
      const rows = db.prepare<[number], { id: number; at: string; outcome: string; settlement_id: string | null; event_json: string }>('SELECT * FROM face_audits ORDER BY id DESC LIMIT ?').all(limit);
      return rows.map((r) => ({ id: r.id, at: r.at, outcome: r.outcome, settlementId: r.settlement_id, event: JSON.parse(r.event_json) as Record<string, unknown> }));
    },

    rawResponse(outboxId: number): string | null {
      const row = stmt.getOutbox.get(outboxId);
      return row?.sealed_response ? sealer.open(row.sealed_response as Buffer) : null;
    },

    /** Credit debts (信用就医): outstanding per person and terminal, and the list staff see. */
    credit: { exposure: credit.exposure.bind(credit), debts: credit.debts.bind(credit), debtOf: credit.debtOf.bind(credit) },

    close(): void {
      db.close();
    },
  };
}

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

const columns: Record<string, string> = {
  psnNo: 'psn_no',
  insutype: 'insutype',
  insuplcAdmdvs: 'insuplc_admdvs',
  billId: 'bill_id',
  totalFen: 'total_fen',
  mdtrtId: 'mdtrt_id',
  chrgBchno: 'chrg_bchno',
  setlId: 'setl_id',
  splitJson: 'split_json',
};

function columnOf(key: string): string {
  const column = columns[key];
  if (!column) throw new Error(`not a settlement column: ${key}`);
  return column;
}

function toSettlement(r: Record<string, unknown>): SettlementRow {
  return {
    id: r.id as string,
    service: r.service as string,
    state: r.state as string,
    psnNo: (r.psn_no as string | null) ?? null,
    insutype: (r.insutype as string | null) ?? null,
    insuplcAdmdvs: (r.insuplc_admdvs as string | null) ?? null,
    billId: (r.bill_id as string | null) ?? null,
    totalFen: (r.total_fen as number | null) ?? null,
    mdtrtId: (r.mdtrt_id as string | null) ?? null,
    chrgBchno: (r.chrg_bchno as string | null) ?? null,
    setlId: (r.setl_id as string | null) ?? null,
    splitJson: (r.split_json as string | null) ?? null,
    deferred: r.deferred === 1,
    slipNo: (r.slip_no as string | null) ?? null,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

function toOutbox(r: Record<string, unknown>, sealer: Sealer): OutboxRow {
  return {
    id: r.id as number,
    settlementId: (r.settlement_id as string | null) ?? null,
    step: r.step as string,
    infno: r.infno as string,
    msgid: r.msgid as string,
    insuplcAdmdvs: (r.insuplc_admdvs as string | null) ?? null,
    input: JSON.parse(sealer.open(r.sealed_input as Buffer)),
    status: r.status as OutboxStatus,
    attempts: r.attempts as number,
    nextAttemptAt: (r.next_attempt_at as string | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: r.created_at as string,
  };
}
