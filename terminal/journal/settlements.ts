// Settlements: one row per visit with its state, the platform's ids and the sealed context needed to
// finish it, plus settlement_events, the trail of every state change. A state change is checked
// against the state the caller saw (TransitionRequest.from) inside the same transaction that writes
// it and queues its platform calls, so two actors cannot both move one visit.
import type Database from 'better-sqlite3';
import type { JournalContext } from './context';
import type { CreditReservation, CreditStore } from './credit';
import type { MetaStore } from './meta';
import type { NewCall, OutboxStore } from './outbox';
import { personalValuesIn, redactPersonalData } from '../common/redact';
import { finalStates } from '../common/settlement-states';
import { contextCache } from './context-cache';

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
  /**
   * How the cash part is paid, as the patient chose at the confirm (migration 13): the staff
   * overview totals today's cash by it without opening each visit's sealed context. Null for a visit
   * not confirmed yet, an offline capture, and visits written before the column.
   */
  payMethod: 'cashier' | 'pay-code' | 'credit' | null;
  /** Captured while the platform was unreachable. */
  deferred: boolean;
  /** The short number on an offline capture's pending slip. */
  slipNo: string | null;
  createdAt: string;
  updatedAt: string;
}

export type SettlementPatch = Partial<Pick<SettlementRow, 'psnNo' | 'insutype' | 'insuplcAdmdvs' | 'billId' | 'totalFen' | 'mdtrtId' | 'chrgBchno' | 'setlId' | 'splitJson' | 'payMethod'>>;

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
  /** A credit debt repaid by code at the kiosk: marked repaid in the same write as the payment's confirmed success. */
  creditRepaid?: { note: string };
}

export class StaleTransitionError extends Error {
  constructor(settlementId: string, expected: readonly string[], actual: string | null) {
    super(`settlement ${settlementId} is ${actual ?? 'missing'}, expected one of ${expected.join(', ')}`);
    this.name = 'StaleTransitionError';
  }
}

/** The first call a write queued, if it queued one. */
export type Queued = { outboxId: number | null; msgid: string | null };

/** A settlements row as SQLite returns it. */
interface SettlementRecord {
  id: string;
  service: string;
  state: string;
  psn_no: string | null;
  insutype: string | null;
  insuplc_admdvs: string | null;
  bill_id: string | null;
  total_fen: number | null;
  mdtrt_id: string | null;
  chrg_bchno: string | null;
  setl_id: string | null;
  split_json: string | null;
  pay_method?: string | null;
  sealed_context: Buffer | null;
  deferred: number;
  slip_no: string | null;
  created_at: string;
  updated_at: string;
}

export function rowToSettlement(r: SettlementRecord): SettlementRow {
  return {
    id: r.id,
    service: r.service,
    state: r.state,
    psnNo: r.psn_no ?? null,
    insutype: r.insutype ?? null,
    insuplcAdmdvs: r.insuplc_admdvs ?? null,
    billId: r.bill_id ?? null,
    totalFen: r.total_fen ?? null,
    mdtrtId: r.mdtrt_id ?? null,
    chrgBchno: r.chrg_bchno ?? null,
    setlId: r.setl_id ?? null,
    splitJson: r.split_json ?? null,
    payMethod: r.pay_method === 'cashier' || r.pay_method === 'pay-code' || r.pay_method === 'credit' ? r.pay_method : null,
    deferred: r.deferred === 1,
    slipNo: r.slip_no ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A settlement_events row as SQLite returns it; callers read it in this shape (to_state, not toState). */
interface SettlementEventRecord {
  at: string;
  from_state: string | null;
  to_state: string;
  note: string | null;
}

export function rowToSettlementEvent(r: SettlementEventRecord): SettlementEventRecord {
  return { at: r.at, from_state: r.from_state, to_state: r.to_state, note: r.note };
}

/** The patch fields a caller may set, and their columns: the only names that reach the dynamic UPDATE. */
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
  payMethod: 'pay_method',
};

// Room (migration 11): zero bytes a new visit's row carries for what it is written later (the
// platform's mdtrt_id, the split, the setl_id: ~270 bytes). A row that grows after insert no longer
// fits the page it was packed into, and the page splits half empty (a quarter of the settlements'
// pages were unused in a replay); with the room, the row is written at its final size and only
// changes what the bytes hold. Under ROOM_KEPT_FROM bytes left, the room is dropped.
const ROOM_BYTES = 272;
const ROOM_KEPT_FROM = 24;

// Enough for every visit a replay has in hand (its pool is a few visits) with room to spare.
const CONTEXTS_KEPT = 64;
const FINAL: ReadonlySet<string> = new Set(finalStates);

function columnOf(key: string): string {
  const column = columns[key];
  if (!column) throw new Error(`not a settlement column: ${key}`);
  return column;
}

export function settlementStore({ db, sealer, nowIso, sequenceMoved }: JournalContext, deps: { meta: MetaStore; outbox: OutboxStore; credit: CreditStore }) {
  const { meta, outbox, credit } = deps;
  const sql = {
    get: db.prepare<[string], SettlementRecord>('SELECT * FROM settlements WHERE id = ?'),
    byBill: db.prepare<[string], SettlementRecord>('SELECT * FROM settlements WHERE bill_id = ? ORDER BY created_at'),
    bySetlId: db.prepare<[string], { id: string }>('SELECT id FROM settlements WHERE setl_id = ?'),
    inStates: db.prepare<[string], SettlementRecord>(`SELECT * FROM settlements WHERE state IN (SELECT value FROM json_each(?)) ORDER BY created_at`),
    setState: db.prepare('UPDATE settlements SET state = ?, updated_at = ? WHERE id = ?'),
    setContext: db.prepare('UPDATE settlements SET sealed_context = ? WHERE id = ?'),
    event: db.prepare<[string, string, string | null, string, string | null]>('INSERT INTO settlement_events (settlement_id, at, from_state, to_state, note) VALUES (?, ?, ?, ?, ?)'),
    events: db.prepare<[string], SettlementEventRecord>('SELECT at, from_state, to_state, note FROM settlement_events WHERE settlement_id = ? ORDER BY id'),
    settledBetween: db.prepare<[string, string], SettlementRecord & { settled_at: string }>(
      `SELECT s.*, e.at AS settled_at FROM settlements s
           JOIN settlement_events e ON e.settlement_id = s.id AND e.to_state = 'settled'
           WHERE s.state IN ('settled', 'closed', 'repay-pending', 'repay-query-pending') AND e.at >= ? AND e.at < ? ORDER BY e.at`,
    ),
    // Settled since a time, whatever became of them after (closed, being refunded, refunded): the
    // staff screen's list to refund from. Newest first; a visit settled twice (a refund whose cancel
    // was refused goes back to settled) is listed once by the caller.
    settledSince: db.prepare<[string, number], SettlementRecord & { settled_at: string }>(
      `SELECT s.*, e.at AS settled_at FROM settlements s
           JOIN settlement_events e ON e.settlement_id = s.id AND e.to_state = 'settled'
           WHERE s.state IN ('settled', 'closed', 'refund-cancel-pending', 'refund-query-pending', 'refund-cash-pending', 'refunded', 'repay-pending', 'repay-query-pending') AND e.at >= ?
           ORDER BY e.at DESC LIMIT ?`,
    ),
    // The unary + keeps the planner on the visit's own events (by settlement): with the index on
    // (to_state, at) it would otherwise walk every 'settled' event of the year for each visit listed.
    ofPerson: db.prepare<[string, number], SettlementRecord & { settled_at: string | null }>(
      `SELECT s.*, (SELECT min(e.at) FROM settlement_events e WHERE e.settlement_id = s.id AND +e.to_state = 'settled') AS settled_at
           FROM settlements s WHERE s.psn_no = ? ORDER BY s.created_at DESC, s.rowid DESC LIMIT ?`,
    ),
    offlineExposure: db.prepare<[string, string], { patient: number | null; terminal: number | null; oldest: string | null }>(
      `SELECT sum(CASE WHEN psn_no = ? THEN total_fen ELSE 0 END) AS patient, sum(total_fen) AS terminal, min(created_at) AS oldest
           FROM settlements WHERE deferred = 1 AND state IN (SELECT value FROM json_each(?))`,
    ),
  };

  function insertEvent(settlementId: string, at: string, fromState: string | null, toState: string, note: string | null): void {
    sql.event.run(settlementId, at, fromState, toState, note);
    sequenceMoved();
  }

  // The patch-shaped statements, prepared once per set of columns (a handful: each step sets its
  // own few), not at every write; a new statement is ~2 % of a replay's CPU.
  const updates = new Map<string, Database.Statement>();
  const inserts = new Map<string, Database.Statement>();
  function preparedFor(statements: Map<string, Database.Statement>, keys: string[], sqlOf: () => string): Database.Statement {
    const shape = keys.join(',');
    let statement = statements.get(shape);
    if (!statement) {
      statement = db.prepare(sqlOf());
      statements.set(shape, statement);
    }
    return statement;
  }

  const contexts = contextCache(CONTEXTS_KEPT);
  /** The visit's context as JSON, opened from the row's sealed bytes unless they are the bytes last opened or sealed. */
  function contextJson(id: string, sealed: Buffer): string {
    return contexts.plain(id, sealed, (bytes) => sealer.open(bytes));
  }
  function sealContext(id: string, context: unknown): Buffer {
    const plain = JSON.stringify(context);
    const sealed = sealer.seal(plain);
    contexts.remember(id, sealed, plain);
    return sealed;
  }

  /**
   * The patch's columns only; a statement per set of columns because which columns a patch sets varies. The row's
   * room gives up what the patch adds (each SET sees the row as it was), so the row keeps the size it
   * was written at until the room is used up, then the room goes.
   */
  function updateColumns(id: string, patch: SettlementPatch): void {
    const keys = Object.keys(patch);
    if (keys.length === 0) return;
    const update = preparedFor(updates, keys, () => {
      const grows = keys.map((k) => `coalesce(length(CAST(@${k} AS BLOB)), 0) - coalesce(length(CAST(${columnOf(k)} AS BLOB)), 0)`).join(' + ');
      const room = `CASE WHEN length(room) - (${grows}) >= ${ROOM_KEPT_FROM} THEN zeroblob(length(room) - (${grows})) END`;
      return `UPDATE settlements SET ${keys.map((k) => `${columnOf(k)} = @${k}`).join(', ')}, room = ${room} WHERE id = @id`;
    });
    update.run({ ...patch, id });
  }

  /** A new visit's row at the size it will grow to: what is known at open, and room for the rest. */
  function insertRow(row: { id: string; service: string; state: string; sealed: Buffer; at: string; slipNo: string | null; patch: SettlementPatch }): void {
    const keys = Object.keys(row.patch);
    const insert = preparedFor(inserts, keys, () =>
      `INSERT INTO settlements (id, service, state, sealed_context, created_at, updated_at, deferred, slip_no, room${keys.map((k) => `, ${columnOf(k)}`).join('')})
       VALUES (@id, @service, @state, @sealed, @at, @at, @deferred, @slipNo, zeroblob(${ROOM_BYTES})${keys.map((k) => `, @${k}`).join('')})`,
    );
    insert.run({ ...row.patch, id: row.id, service: row.service, state: row.state, sealed: row.sealed, at: row.at, deferred: row.slipNo === null ? 0 : 1, slipNo: row.slipNo });
  }

  /**
   * One state change with everything it implies, to run inside a transaction: the state the caller
   * saw is checked here, not before, so a visit another actor moved first throws StaleTransitionError
   * and nothing is written.
   */
  /** The visit's sealed context (its person among it), for redacting a note before it is stored unsealed. */
  function contextOf(row: { id: string; sealed_context: Buffer | null } | undefined): unknown {
    return row?.sealed_context ? JSON.parse(contextJson(row.id, row.sealed_context)) : null;
  }

  function applyTransition(req: TransitionRequest): Queued {
    const current = sql.get.get(req.settlementId);
    const state = current?.state ?? null;
    if (state === null || !req.from.includes(state)) throw new StaleTransitionError(req.settlementId, req.from, state);
    sql.setState.run(req.to, nowIso(), req.settlementId);
    if (req.patch) updateColumns(req.settlementId, req.patch);
    insertEvent(req.settlementId, nowIso(), state, req.to, req.note ? redactPersonalData(req.note, personalValuesIn(contextOf(current))) : null);
    if (req.context !== undefined) sql.setContext.run(sealContext(req.settlementId, req.context), req.settlementId);
    if (FINAL.has(req.to)) contexts.forget(req.settlementId);
    if (req.credit) credit.reserve(req.settlementId, req.credit);
    if (req.creditRepaid) {
      // Already repaid (staff marked it while the code was charged): the charge still stands, so the
      // event says so for staff to give it back, rather than the write failing with the money moved.
      const marked = credit.markRepaid(req.settlementId, req.creditRepaid.note);
      if (!marked) insertEvent(req.settlementId, nowIso(), req.to, req.to, 'ALERT: the debt was already marked repaid; this payment by code is a second one, staff to refund it');
    }
    if (req.resolvesOutboxId !== undefined) outbox.resolve(req.resolvesOutboxId, req.settlementId);
    const first = req.call ? outbox.enqueue(req.settlementId, req.call) : { outboxId: null, msgid: null };
    for (const more of req.calls ?? []) outbox.enqueue(req.settlementId, more);
    return first;
  }

  return {
    applyTransition,

    /** What this module adds to the Journal. */
    journal: {
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
        }): Queued => {
          if (open.billGuard && open.patch?.billId) open.billGuard(sql.byBill.all(open.patch.billId).map(rowToSettlement));
          const at = nowIso();
          let slipNo: string | null = null;
          if (open.deferred) {
            // The slip number comes from its own counter in the same write, so it is never reused.
            const slip = Number(meta.value('slip_sequence') ?? '0') + 1;
            meta.set('slip_sequence', String(slip));
            slipNo = `P${String(slip).padStart(6, '0')}`;
          }
          insertRow({ id: open.id, service: open.service, state: open.state, sealed: sealContext(open.id, open.context), at, slipNo, patch: open.patch ?? {} });
          insertEvent(open.id, at, null, open.state, 'opened');
          return open.call ? outbox.enqueue(open.id, open.call) : { outboxId: null, msgid: null };
        },
      ),

      transition: db.transaction(applyTransition),

      settlement(id: string): SettlementRow | null {
        const row = sql.get.get(id);
        return row ? rowToSettlement(row) : null;
      },

      settlementContext<T>(id: string): T | null {
        const row = sql.get.get(id);
        if (!row || !row.sealed_context) return null;
        // Parsed at each read: every caller gets an object of its own, whatever it does with it.
        return JSON.parse(contextJson(id, row.sealed_context)) as T;
      },

      settlementsByBill(billId: string): SettlementRow[] {
        return sql.byBill.all(billId).map(rowToSettlement);
      },

      /** The visits that hold this setl_id (a settling answer naming one already held is not believed). */
      settlementIdsWithSetlId(setlId: string): string[] {
        return sql.bySetlId.all(setlId).map((r) => r.id);
      },

      settlementsIn(states: readonly string[]): SettlementRow[] {
        return sql.inStates.all(JSON.stringify(states)).map(rowToSettlement);
      },

      events(settlementId: string) {
        return sql.events.all(settlementId).map(rowToSettlementEvent);
      },

      /** Settlements that reached 'settled' in [fromIso, toIso), with when: the terminal's side of a reconciliation. */
      settledBetween(fromIso: string, toIso: string): Array<SettlementRow & { settledAt: string }> {
        return sql.settledBetween.all(fromIso, toIso).map((r) => ({ ...rowToSettlement(r), settledAt: r.settled_at }));
      },

      /** Visits settled at or after fromIso, newest first, at most `limit`, in whatever state they are now. */
      settledSince(fromIso: string, limit: number): Array<SettlementRow & { settledAt: string }> {
        const seen = new Set<string>();
        return sql.settledSince
          .all(fromIso, limit)
          .filter((r) => !seen.has(r.id) && seen.add(r.id))
          .map((r) => ({ ...rowToSettlement(r), settledAt: r.settled_at }));
      },

      /**
       * One person's visits on this terminal, newest first, each with when it settled (null if it has
       * not): what the patient's own 查询 screen lists. Read only; psn_no is the platform's person number.
       */
      settlementsOfPerson(psnNo: string, limit: number): Array<SettlementRow & { settledAt: string | null }> {
        return sql.ofPerson.all(psnNo, limit).map((r) => ({ ...rowToSettlement(r), settledAt: r.settled_at ?? null }));
      },

      /** What offline captures not yet settled put at risk: for one person, for the terminal, and since when. */
      offlineExposure(psnNo: string, openStates: readonly string[]): { patientFen: number; terminalFen: number; oldestAt: string | null } {
        const row = sql.offlineExposure.get(psnNo, JSON.stringify(openStates));
        return { patientFen: row?.patient ?? 0, terminalFen: row?.terminal ?? 0, oldestAt: row?.oldest ?? null };
      },
    },
  };
}
