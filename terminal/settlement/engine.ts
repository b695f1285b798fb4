// The settlement engine: moves each visit through its state machine by sending the one call its
// state has queued in the outbox, and records each answer with the transition it causes in one
// journal write. An online call and an offline replay are the same `pump`. What each answer does
// (ok, each refusal reason, unknown) is the step table's (steps.ts); the engine sends, asks the
// table, and writes. Every transition names the one state the visit was in when the call was sent,
// so an answer computed for a state the visit has since left is refused by the journal.
import { randomUUID } from 'node:crypto';
import type { Split } from '../common/vocabulary';
import type { PlatformClient } from '../insurance/client';
import type { Journal, OutboxRow, TransitionRequest } from '../journal/journal';
import { HisError, type HisBill, type HisClient } from '../his/client';
import { isInpatient, openingStep, preSettleCall, reversalCall, settleCall, type VisitContext, type VisitPerson } from './calls';
import { canTransition, isSettlementState, type SettlementState } from '../common/settlement-states';
import { sendQueued } from '../outbox/outbox-send';
import { retryDelayMs } from './backoff';
import { undoCallsFor } from './undo-calls';
import { refundAfterRefusedSettle, type SelfPayContext, type SelfPayVisitContext } from './self-pay';
import { onRefusedFor, stepOf, steps, type Next, type StepEnv, type StepSpec, type VisitEnv } from './steps';
import type { CreditReservation } from '../journal/credit';
import { repayUploadCall, type CreditRepayVisitContext } from './credit-repay';
import { refundCancelCall, refundReasons, refundableStates, type RefundReason, type RefundVisitContext } from './refund';

export interface SettlementView {
  id: string;
  state: SettlementState;
  split: Split | null;
  setlId: string | null;
  billId: string | null;
  totalFen: number | null;
  /** msgid of the settlement call that succeeded: the platform echoes it as medins_setl_id. */
  settleMsgid: string | null;
  /** Captured while the platform was unreachable: settles without a second confirmation. */
  deferred: boolean;
  slipNo: string | null;
  createdAt: string;
  lastError: string | null;
}

export interface EngineOptions {
  journal: Journal;
  platform: PlatformClient;
  now?: () => Date;
  random?: () => number;
  /** After this many sends without an answer, a call becomes a dead letter for staff. */
  maxAttempts?: number;
  /**
   * How long the query or reversal that resolves an unknown outcome may go unanswered before the
   * visit goes to staff with the reason: the spec wants a reversal within the same business day.
   */
  unknownOutcomeDeadlineMs?: number;
  /** Told of every state change, for the API's events and the admin screen. */
  onChange?: (view: SettlementView) => void;
  /**
   * The HIS, told when a visit's bill is paid so it stops offering the bill. Without it a settled
   * visit stays 'settled' (the crash child and the benchmarks have no HIS).
   */
  his?: Pick<HisClient, 'markPaid'> & Partial<Pick<HisClient, 'markRefunded'>>;
  /**
   * The HIS registers inpatient stays on the platform itself (config his.registersAdmissions): an
   * inpatient bill without the stay's mdtrt_id is refused instead of admitted by the kiosk.
   */
  hisRegistersAdmissions?: boolean;
  /**
   * How long a visit may wait at the confirm step (awaiting-confirm) before it is cancelled and its
   * registration and fee lines undone (config settlement.stepTimeoutMs; 2 min by default).
   */
  stepTimeoutMs?: number;
  /** Told when the journal's health changes (a write failed after a send; writes work again): for the status bar. */
  onJournalHealth?: (health: JournalHealth) => void;
  /** The journal's page walk runs after the start: the engine begins in 'journal-checking' until journalChecked. */
  journalChecking?: boolean;
  /** Told when a settling answer fails its amount check (the visit goes to staff): the terminal logs and shows it. */
  onAlert?: (alert: EngineAlert) => void;
  /**
   * Asked before a deferred visit's (an offline capture's) settlement is first sent: its bill may
   * have been paid at another kiosk or the cashier while it waited. 'hold': the bill is still this
   * visit's; 'wait': the HIS cannot say now, ask again later; refused: the visit goes to staff
   * unsettled. Without it (no HIS claims) the journal's own bill guard is all there is.
   */
  deferredSettleGuard?: (billId: string) => Promise<DeferredSettleVerdict>;
}

export type DeferredSettleVerdict = { kind: 'hold' } | { kind: 'wait'; why: string } | { kind: 'refused'; why: string };

export interface EngineAlert {
  settlementId: string;
  kind: 'amount-check';
  check: string;
  detail: string;
  setlId: string;
}

/**
 * 'journal-write-failed': a call was sent and its answer could not be written (disk full, I/O error).
 * New visits are refused and nothing is sent until a write works again (probeJournal); the call is
 * then resolved by query, never resent.
 * 'journal-checking': the journal's pages are still being walked after the start (a large journal,
 * journal/page-check.ts): nothing new and nothing sent until the walk passes (journalChecked).
 * 'journal-damaged': the walk found damage: nothing new and nothing sent until IT restores it.
 */
export interface JournalHealth {
  state: 'ok' | 'journal-write-failed' | 'journal-checking' | 'journal-damaged';
  /** The SQLite error, e.g. "SQLITE_FULL: database or disk is full", or what the page walk found and the restore command. */
  error: string | null;
  since: string | null;
}

/** A new visit while the journal cannot write what the platform answers, or is not yet checked, or is damaged. */
export class JournalWriteFailedError extends Error {
  readonly code: 'journal-write-failed' | 'journal-checking' | 'journal-damaged';
  constructor(detail: string, code: JournalWriteFailedError['code'] = 'journal-write-failed') {
    super(`${code}: ${detail}`);
    this.name = 'JournalWriteFailedError';
    this.code = code;
  }
}

/** The refusal a health other than 'ok' gives a new visit or a payment. */
const heldBy = (health: JournalHealth) => new JournalWriteFailedError(health.error ?? health.state, health.state === 'ok' ? 'journal-write-failed' : health.state);

/** A storage error from SQLite (better-sqlite3's SqliteError carries code SQLITE_*), not a refused transition. */
const isStorageError = (err: unknown): err is Error & { code: string } => err instanceof Error && String((err as Error & { code?: unknown }).code ?? '').startsWith('SQLITE_');

export interface PumpOptions {
  /** The replay worker waits out each call's backoff; a patient at the kiosk does not. */
  respectBackoff?: boolean;
  /** How many immediate resends of an unanswered read one pump may make. */
  inlineRetries?: number;
}

export type SettlementEngine = ReturnType<typeof createSettlementEngine>;

export function createSettlementEngine(options: EngineOptions) {
  const { journal, platform } = options;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 12;
  const unknownDeadlineMs = options.unknownOutcomeDeadlineMs ?? 6 * 3_600_000;
  const stepTimeoutMs = options.stepTimeoutMs ?? 120_000;
  const locks = new Map<string, Promise<unknown>>();
  let journalHealth: JournalHealth = options.journalChecking ? { state: 'journal-checking', error: null, since: now().toISOString() } : { state: 'ok', error: null, since: null };
  const setJournalHealth = (next: JournalHealth) => {
    journalHealth = next;
    options.onJournalHealth?.(next);
  };

  /** One pump per settlement at a time: the online path and the replay worker never race. */
  function exclusive<T>(settlementId: string, work: () => Promise<T>): Promise<T> {
    const previous = locks.get(settlementId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    locks.set(settlementId, next);
    void next
      .finally(() => {
        if (locks.get(settlementId) === next) locks.delete(settlementId);
      })
      .catch(() => undefined);
    return next;
  }

  function view(id: string): SettlementView {
    const row = journal.settlement(id);
    if (!row || !isSettlementState(row.state)) throw new Error(`unknown settlement ${id}`);
    return {
      id,
      state: row.state,
      split: row.splitJson ? (JSON.parse(row.splitJson) as Split) : null,
      setlId: row.setlId,
      billId: row.billId,
      totalFen: row.totalFen,
      settleMsgid: row.setlId ? (journal.doneMsgid(id, steps.settle.infno.outpatient ?? '') ?? journal.doneMsgid(id, steps.settle.infno.inpatient ?? '')) : null,
      deferred: row.deferred,
      slipNo: row.slipNo,
      createdAt: row.createdAt,
      lastError: journal.lastCallError(id),
    };
  }

  const context = (id: string): SelfPayVisitContext => {
    const ctx = journal.settlementContext<SelfPayVisitContext>(id);
    if (!ctx) throw new Error(`settlement ${id} has no context`);
    return ctx;
  };

  const stateOf = (id: string): SettlementState => {
    const state = journal.settlement(id)?.state;
    if (!state || !isSettlementState(state)) throw new Error(`unknown settlement ${id}`);
    return state;
  };

  /** What an unpaid visit left on the platform, to take back as it ends (undo-calls.ts). */
  const undoCallsOf = (id: string) => undoCallsFor(context(id), journal.settlement(id)?.mdtrtId ?? null, journal.callsOf(id));

  /**
   * The transition of a visit that was in `from` when the answer was computed: the journal writes it
   * only if the visit is still there. An edge the state machine does not have is refused the same way.
   */
  const transition = (settlementId: string, from: SettlementState, state: SettlementState, extra: Omit<TransitionRequest, 'settlementId' | 'from' | 'to'> = {}): TransitionRequest => ({
    settlementId,
    from: canTransition(from, state) ? [from] : [],
    to: state,
    // A visit that ends unpaid takes back its fee lines and registration, in the same write.
    ...((state === 'failed' || state === 'cancelled') && !extra.call && !extra.calls ? { calls: undoCallsOf(settlementId) } : {}),
    ...extra,
  });

  const mdtrtIdOf = (id: string): string => {
    const mdtrtId = journal.settlement(id)?.mdtrtId;
    if (!mdtrtId) throw new Error(`settlement ${id} has no mdtrt_id yet`);
    return mdtrtId;
  };

  /** The visit as the step table sees it, bound to the state it was in when the call was sent. */
  const visitEnv = (id: string, from: SettlementState): VisitEnv => ({
    id,
    from,
    ctx: context(id),
    mdtrtId: () => mdtrtIdOf(id),
    calls: () => journal.callsOf(id),
    presettled: () => {
      const json = journal.settlement(id)?.splitJson;
      return json ? (JSON.parse(json) as Split) : null;
    },
    setlIdSeen: (setlId) => journal.settlementIdsWithSetlId(setlId).some((other) => other !== id),
    now,
    to: (state, extra) => transition(id, from, state, extra),
  });
  const stepEnv = (row: OutboxRow, from: SettlementState): StepEnv => ({ ...visitEnv(row.settlementId as string, from), row });

  /** The table's entry for a queued call; a call no step names is a bug, not an answer. */
  const specOf = (row: OutboxRow): StepSpec => {
    const step = stepOf(row.step);
    if (!step) throw new Error(`no handler for step ${row.step}`);
    return steps[step];
  };

  /** An answer that never came, for a visit in `from`: the transition, or 'resend' to send the same call later. */
  const onUnknown = (row: OutboxRow, from: SettlementState): Next | 'resend' => specOf(row).onUnknown(stepEnv(row, from));

  /**
   * An unknown outcome that its query or reversal has not settled in time goes to staff with the
   * reason, rather than being retried for ever while the patient's money is in doubt.
   */
  function pastDeadline(row: OutboxRow): boolean {
    if (specOf(row).effect !== 'resolve' || row.attempts === 0) return false;
    const age = now().getTime() - Date.parse(row.createdAt);
    if (age <= unknownDeadlineMs) return false;
    const id = row.settlementId as string;
    const note = `outcome still unknown after ${Math.round(age / 1000)} s (deadline ${Math.round(unknownDeadlineMs / 1000)} s): ${row.infno} unanswered (${row.lastError ?? 'no answer'}); staff to check with the platform`;
    journal.recordOutcome({ outboxId: row.id, status: 'dead', error: row.lastError, then: transition(id, stateOf(id), 'needs-staff', { note }) });
    return true;
  }

  /**
   * Sends one queued call and records what it means, as the step table says. Returns false when the
   * visit must wait. An undo call changes no state and is never a dead letter: it is owed, and a lost
   * answer is resent under the same msgid with backoff, which the platform answers as the first time.
   */
  async function dispatch(row: OutboxRow): Promise<boolean> {
    // Nothing is sent while the journal cannot write its answer.
    if (journalHealth.state !== 'ok') return false;
    const id = row.settlementId as string;
    // The state this call was sent from: the only one its answer may move the visit out of.
    const from = stateOf(id);
    // A row this process marked in flight with the answer before it, and has not sent yet, goes now.
    const wasArmed = armed.delete(row.id);
    // A row already in flight was sent and its answer never written (a journal write failed after
    // the send): its outcome is unknown, resolved as the table says (a settlement by query), never resent.
    if (!wasArmed && journal.outboxRow(row.id)?.status === 'in-flight') {
      const next = onUnknown(row, from);
      journal.recordOutcome({
        outboxId: row.id,
        status: next === 'resend' ? 'unknown' : 'superseded',
        error: 'sent, and its answer was never written',
        then: next === 'resend' || next === null ? undefined : next,
      });
      return true;
    }
    if (row.step === 'settle' && row.attempts === 0 && options.deferredSettleGuard && context(id).deferred) {
      const verdict = await checkDeferredBill(row, from);
      if (verdict !== 'send') return verdict === 'moved';
    }
    const outcome = await sendQueued(journal, platform, row, { armed: wasArmed });
    try {
      return await recordAnswer(row, from, outcome);
    } catch (err) {
      if (!isStorageError(err)) throw err;
      // The platform may have done it and the journal does not know: stop new visits until writes work.
      const error = `${err.code}: ${err.message}`;
      console.error(`journal write failed after sending ${row.infno} (msgid ${row.msgid}, visit ${id}): ${error}; new visits stopped until the journal writes again`);
      setJournalHealth({ state: 'journal-write-failed', error, since: now().toISOString() });
      throw new JournalWriteFailedError(error);
    }
  }

  /**
   * A capture waited (hours, maybe) for the platform: its bill is claimed again at the HIS before the
   * 2207 goes. A bill someone else holds or paid is not paid twice: the visit goes to staff with the
   * 2207 unsent (a dead letter staff may retry once the HIS side is sorted out, or cancel).
   */
  async function checkDeferredBill(row: OutboxRow, from: SettlementState): Promise<'send' | 'wait' | 'moved'> {
    const id = row.settlementId as string;
    const billId = journal.settlement(id)?.billId;
    const guard = options.deferredSettleGuard;
    if (!billId || !guard) return 'send';
    const verdict = await guard(billId);
    if (verdict.kind === 'hold') return 'send';
    if (verdict.kind === 'wait') {
      journal.recordOutcome({ outboxId: row.id, status: 'pending', error: `not sent: ${verdict.why}`, nextAttemptAt: new Date(now().getTime() + retryDelayMs(0, random)).toISOString() });
      return 'wait';
    }
    const note = `offline capture not settled: the HIS bill ${billId} is no longer this visit's (${verdict.why}); it may be paid elsewhere, staff to check before anything is paid`;
    journal.recordOutcome({ outboxId: row.id, status: 'dead', error: note, then: transition(id, from, 'needs-staff', { note }) });
    options.onChange?.(view(id));
    return 'moved';
  }

  /**
   * The calls marked in flight with the answer that queued them, not yet sent: the pump sends each
   * next without a commit of its own. Held in memory only, so after a crash they are in flight like
   * any call whose answer was lost, and resolved by query.
   */
  const armed = new Set<number>();
  /** A call that may be armed: not a deferred capture's settle, whose HIS bill is claimed again before it goes. */
  const mayArm = (id: string) => (step: string) => !(step === 'settle' && options.deferredSettleGuard && context(id).deferred);
  /** Records an answer that moves the visit on, arming the call it queues when the pump goes on to send it. */
  const recordAndArm = async (outcome: Parameters<Journal['recordOutcome']>[0]): Promise<void> => {
    const id = outcome.then?.settlementId;
    const { armed: next } = await journal.recordOutcomeGrouped(id ? { ...outcome, armNext: mayArm(id) } : outcome);
    if (next !== null) armed.add(next);
  };

  /**
   * Writes what an answer means, as the step table says: committed with the other visits' answers
   * of the same turn (group commit), and acted on only once on disk.
   */
  async function recordAnswer(row: OutboxRow, from: SettlementState, outcome: Awaited<ReturnType<typeof sendQueued>>): Promise<boolean> {
    const id = row.settlementId as string;
    const spec = specOf(row);
    const env = stepEnv(row, from);
    if (outcome.kind === 'ok') {
      let then: Next;
      try {
        then = spec.onOk(env, (outcome.output ?? {}) as Record<string, unknown>);
      } catch (err) {
        // An answer we cannot use (unbalanced split, missing id) is kept and handed to staff.
        await journal.recordOutcomeGrouped({ outboxId: row.id, status: 'done', rawResponse: outcome.rawResponse, error: (err as Error).message, then: transition(id, from, 'needs-staff', { note: (err as Error).message }) });
        return false;
      }
      await recordAndArm({ outboxId: row.id, status: 'done', rawResponse: outcome.rawResponse, then: then ?? undefined });
      const reason = (then?.context as SelfPayVisitContext | undefined)?.staffReason;
      if (reason && then && then.to !== 'settled') options.onAlert?.({ settlementId: id, ...reason });
      return true;
    }
    if (outcome.kind === 'rejected') {
      const then = onRefusedFor(spec, outcome.reason)(env, { reason: outcome.reason, errMsg: outcome.errMsg });
      await recordAndArm({ outboxId: row.id, status: 'rejected', error: outcome.errMsg, rawResponse: outcome.rawResponse, then: then ?? undefined });
      return true;
    }
    const error = `${outcome.reason}: ${outcome.detail}`;
    const next = spec.onUnknown(env);
    if (next !== 'resend') {
      await recordAndArm({ outboxId: row.id, status: 'superseded', error, rawResponse: outcome.rawResponse, then: next ?? undefined });
      return true;
    }
    const attempts = journal.outboxRow(row.id)?.attempts ?? 0;
    if (spec.effect !== 'undo' && attempts >= maxAttempts) {
      await journal.recordOutcomeGrouped({ outboxId: row.id, status: 'dead', error, rawResponse: outcome.rawResponse, then: transition(id, from, 'needs-staff', { note: `no answer after ${attempts} attempts` }) });
      return false;
    }
    const nextAttemptAt = new Date(now().getTime() + retryDelayMs(attempts, random)).toISOString();
    await journal.recordOutcomeGrouped({ outboxId: row.id, status: 'unknown', error, rawResponse: outcome.rawResponse, nextAttemptAt });
    return false;
  }

  const nextRowOf = (settlementId: string): OutboxRow | null => journal.nextOpenCall(settlementId);

  /** Sends this visit's queued calls in order until it waits for the patient, finishes, or cannot reach the platform. */
  function pump(settlementId: string, opts: PumpOptions = {}): Promise<SettlementView> {
    return exclusive(settlementId, async () => {
      let inline = opts.inlineRetries ?? 2;
      for (;;) {
        const row = nextRowOf(settlementId);
        if (!row) break;
        if (pastDeadline(row)) {
          options.onChange?.(view(settlementId));
          break;
        }
        if (opts.respectBackoff && row.nextAttemptAt && row.nextAttemptAt > now().toISOString()) break;
        const progressed = await dispatch(row);
        options.onChange?.(view(settlementId));
        if (progressed) continue;
        if (journal.outboxRow(row.id)?.status !== 'unknown' || inline-- <= 0) break;
      }
      return view(settlementId);
    });
  }

  const engine = {
    view,
    pump,

    /**
     * Tells the HIS that the visit's bill is paid, and closes the visit once it heard. Safe to repeat:
     * the HIS takes the same billId + setlId twice as one notice. A HIS that cannot be reached is
     * tried again with backoff (the replay worker calls this too, whether or not the platform is up);
     * a HIS that refuses (the bill paid by another settlement, or unknown to it) is a case for staff.
     */
    notifyHis(settlementId: string, opts: { respectBackoff?: boolean; staffReason?: string } = {}): Promise<SettlementView> {
      return exclusive(settlementId, async () => {
        const current = view(settlementId);
        const his = options.his;
        if (current.state !== 'settled' || !his) return current;
        const notice = journal.hisNotice(settlementId);
        // A refused notice waits for staff, who may send it again once the HIS side is sorted out.
        if (notice?.status === 'conflict' && !opts.staffReason) return current;
        if (opts.respectBackoff && notice?.nextAttemptAt && notice.nextAttemptAt > now().toISOString()) return current;
        const { billId, setlId, settleMsgid } = current;
        if (!billId || !setlId || !settleMsgid) {
          journal.recordHisNotice({ settlementId, status: 'conflict', error: 'settled without bill, setl_id or msgid: the HIS cannot be told' });
          options.onChange?.(view(settlementId));
          return view(settlementId);
        }
        try {
          await his.markPaid(billId, { setlId, msgid: settleMsgid });
        } catch (err) {
          const status = err instanceof HisError ? err.status : null;
          // 4xx is the HIS's considered answer (409: another settlement paid this bill): resending
          // will not change it. No status, 5xx, 408 and 429 are the HIS not being there yet.
          const refused = status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429;
          const error = `HIS not told: ${(err as Error).message}`;
          if (refused) journal.recordHisNotice({ settlementId, status: 'conflict', error });
          else journal.recordHisNotice({ settlementId, status: 'pending', error, nextAttemptAt: new Date(now().getTime() + retryDelayMs(notice?.attempts ?? 0, random)).toISOString() });
          options.onChange?.(view(settlementId));
          return view(settlementId);
        }
        const note = opts.staffReason ? `HIS told the bill is paid (staff: ${opts.staffReason})` : 'HIS told the bill is paid';
        journal.recordHisNotice({ settlementId, status: 'done', then: { settlementId, from: ['settled'], to: 'closed', note } });
        options.onChange?.(view(settlementId));
        return view(settlementId);
      });
    },

    /** Settled visits whose HIS notice is due now (or, for staff forwarding, every one not refused). */
    hisNoticesDue(ignoreBackoff = false): string[] {
      return journal.hisNoticesDue(ignoreBackoff ? null : now().toISOString());
    },

    /** Whether the journal can write what the platform answers (status bar, admin screen). */
    journalHealth: (): JournalHealth => journalHealth,

    /**
     * After a failed write: tries one small write; when it works, the journal is healthy again and
     * the calls left in flight are resolved by query as their visits are pumped (the replay worker).
     */
    probeJournal(): boolean {
      if (journalHealth.state === 'ok') return true;
      // A write that works says nothing of a journal not yet walked, or found damaged.
      if (journalHealth.state !== 'journal-write-failed') return false;
      try {
        journal.setMetaValue('journal_write_probe', now().toISOString());
      } catch (err) {
        if (!isStorageError(err)) throw err;
        return false;
      }
      console.error(`journal writes again (failed since ${journalHealth.since}); resolving calls left in flight by query`);
      setJournalHealth({ state: 'ok', error: null, since: null });
      return true;
    },

    /**
     * The page walk after the start ended (journalChecking): passed, the engine takes visits and sends
     * (after the caller's recoverInFlight); failed, it stays shut with what was found, for staff.
     */
    journalChecked(check: { ok: true } | { ok: false; message: string }): void {
      // Damage found by a walk in the background (after a clean close) stops a terminal already taking payments.
      if (!check.ok && journalHealth.state !== 'journal-damaged') setJournalHealth({ state: 'journal-damaged', error: check.message, since: now().toISOString() });
      else if (check.ok && journalHealth.state === 'journal-checking') setJournalHealth({ state: 'ok', error: null, since: null });
    },

    /** Opens a visit for a bill and queues its first call; `pump` sends it. */
    open(input: { service: string; person: VisitPerson; bill: HisBill; usePersonalAccount: boolean; deferred?: boolean }): string {
      if (journalHealth.state !== 'ok') throw heldBy(journalHealth);
      const id = randomUUID();
      const ctx: VisitContext = {
        person: input.person,
        bill: input.bill,
        chargeBatchNo: `${input.bill.billId}-${id.slice(0, 8)}`,
        usePersonalAccount: input.usePersonalAccount,
        deferred: input.deferred === true,
        operator: { deptCode: input.bill.deptCode, deptName: input.bill.deptName, drCode: input.bill.drCode, drName: input.bill.drName },
      };
      // A stay the HIS admitted starts at its discharge; one the HIS should have admitted and did not is refused.
      if (isInpatient(ctx) && !ctx.bill.mdtrtId && options.hisRegistersAdmissions) throw new BillTakenError('bill-not-admitted', input.bill.billId);
      const first = openingStep(ctx, now());
      journal.openSettlement({
        id,
        service: input.service,
        state: first.state,
        context: ctx,
        patch: { psnNo: input.person.psnNo, insutype: input.person.insutype, insuplcAdmdvs: input.person.insuplcAdmdvs, billId: input.bill.billId, totalFen: input.bill.totalFen, chrgBchno: ctx.chargeBatchNo, ...(first.mdtrtId ? { mdtrtId: first.mdtrtId } : {}) },
        call: first.call,
        deferred: ctx.deferred,
        // One bill, one live visit: a second visit for a bill that is paid, or still being paid
        // (an offline capture waiting, an unknown outcome), could pay it twice.
        billGuard: (earlier) => {
          const live = earlier.filter((e) => e.state !== 'failed' && e.state !== 'cancelled' && e.state !== 'refunded');
          if (live.some((e) => e.state === 'settled' || e.state === 'closed')) throw new BillTakenError('bill-already-paid', input.bill.billId);
          if (live.length > 0) throw new BillTakenError('bill-in-progress', input.bill.billId);
        },
      });
      options.onChange?.(view(id));
      return id;
    },

    /** The patient confirmed the split on screen: queue the settlement itself. A second confirm is refused by the journal. */
    confirm(settlementId: string, payment?: ConfirmPayment): Promise<SettlementView> {
      return exclusive(settlementId, async () => {
        const ctx = context(settlementId);
        const cashFen = view(settlementId).split?.cashFen ?? 0;
        const selfPay: SelfPayContext = { method: cashFen > 0 ? (payment?.method ?? 'cashier') : 'cashier', cashFen, payAuthNo: payment?.payAuthNo ?? null };
        const withChoice: SelfPayVisitContext = { ...ctx, selfPay };
        if (selfPay.method === 'pay-code') {
          // The cash is paid first: a declined code leaves nothing settled, and 2207 follows the payment.
          // It is pre-settled again before the charge (2206 commits nothing): the split on screen may be
          // stale, and a code charged for a cash part 2207 no longer makes is money nobody can place.
          const charging: SelfPayVisitContext = { ...withChoice, selfPay: { ...selfPay, presettleBeforeCharge: true } };
          journal.transition({ settlementId, from: ['awaiting-confirm'], to: 'presettle-pending', note: 'patient confirmed paying the cash part by code; pre-settling again before the charge', context: charging, patch: { payMethod: selfPay.method }, call: preSettleCall(charging, mdtrtIdOf(settlementId)) });
        } else {
          // Credit is the hospital's own arrangement: no platform call, only the debt, checked against
          // the limits in the same write as the confirm (CreditLimitError refuses both).
          const credit = selfPay.method === 'credit' && payment?.credit ? { ...payment.credit, psnNo: ctx.person.psnNo, fen: cashFen } : undefined;
          journal.transition({ settlementId, from: ['awaiting-confirm'], to: 'settle-pending', note: selfPay.method === 'credit' ? 'patient confirmed; cash part on credit' : 'patient confirmed', context: withChoice, patch: { payMethod: selfPay.method }, credit, call: settleCall(withChoice, mdtrtIdOf(settlementId)) });
        }
        options.onChange?.(view(settlementId));
      }).then(() => pump(settlementId));
    },

    /**
     * The patient changed how the self-paid part is paid before confirming: with or without the
     * personal account, with or without a bound relative's account. Both change the split, so the
     * visit is pre-settled again (2206 commits nothing).
     */
    changeSelfPay(settlementId: string, change: { usePersonalAccount: boolean; familyPayerPsnNo: string | null }): Promise<SettlementView> {
      return exclusive(settlementId, async () => {
        // The patient chose again: a relative's account refused before is no longer news.
        const ctx: SelfPayVisitContext = { ...context(settlementId), usePersonalAccount: change.usePersonalAccount, familyPayerPsnNo: change.familyPayerPsnNo, familyAccountRefused: null };
        journal.transition({ settlementId, from: ['awaiting-confirm'], to: 'presettle-pending', note: 'patient changed how to pay the self-paid part', context: ctx, call: preSettleCall(ctx, mdtrtIdOf(settlementId)) });
        options.onChange?.(view(settlementId));
      }).then(() => pump(settlementId));
    },

    /** Walks away from a visit that committed no payment yet (the patient cancelled before paying). */
    cancel(settlementId: string, reason = 'patient cancelled'): Promise<SettlementView> {
      return exclusive(settlementId, async () => {
        // The undo calls wait for the replay worker: the patient walking away is not kept waiting.
        journal.transition({ settlementId, from: ['awaiting-confirm'], to: 'cancelled', note: reason, calls: undoCallsOf(settlementId) });
        options.onChange?.(view(settlementId));
        return view(settlementId);
      });
    },

    /** Staff: send a dead letter's call again, from attempt zero. */
    retryByStaff(settlementId: string, reason: string): Promise<SettlementView> {
      if (!journal.settlement(settlementId)) return Promise.reject(new StaffActionError('no such visit'));
      return exclusive(settlementId, async () => {
        const dead = journal.callsOf(settlementId).filter((c) => c.status === 'dead').pop();
        const step = dead ? stepOf(dead.step) : null;
        const stalledState = step ? steps[step].state : null;
        if (!dead || !stalledState) throw new StaffActionError('nothing to retry for this visit');
        journal.requeue(dead.id, { settlementId, from: ['needs-staff'], to: stalledState, note: `staff retry: ${reason}` });
        options.onChange?.(view(settlementId));
      })
        .then(() => pump(settlementId))
        // Staff are at the terminal now: the HIS hears at once, not at the worker's next run.
        .then((after) => (after.state === 'settled' ? engine.notifyHis(settlementId) : after));
    },

    /**
     * Staff: give up on a visit. Nothing may be left half-done on the platform, so a visit whose
     * last committing call has an unknown outcome is reversed first; the reversal then cancels.
     */
    cancelByStaff(settlementId: string, reason: string): Promise<SettlementView> {
      if (!journal.settlement(settlementId)) return Promise.reject(new StaffActionError('no such visit'));
      return exclusive(settlementId, async () => {
        const state = view(settlementId).state;
        if (state !== 'needs-staff' && state !== 'awaiting-confirm') throw new StaffActionError(`a ${state} visit cannot be cancelled`);
        // A settled visit whose credit repayment went to staff: cancelling would void a debt of a
        // settlement that stands. Staff retry the call or check the order with the centre.
        if ((context(settlementId) as CreditRepayVisitContext).creditRepay?.payAuthNo) throw new StaffActionError('a settled visit whose credit repayment is in doubt cannot be cancelled');
        const unknownCommit = journal
          .callsOf(settlementId)
          .filter((c) => isReversible(c.step) && (c.status === 'unknown' || c.status === 'superseded' || c.status === 'dead' || c.status === 'in-flight'))
          .pop();
        if (unknownCommit) {
          // The visit context says what the reversal is for, so its answer ends the visit instead of redoing the step.
          const ctx: SelfPayVisitContext = { ...context(settlementId), reversalFor: 'staff-cancel' };
          journal.transition(transition(settlementId, state, 'reversal-pending', { note: `staff cancel: ${reason}`, context: ctx, call: reversalCall(ctx, unknownCommit) }));
        } else {
          // The cash the patient paid by code goes back before the visit ends (a staff cancel once
          // left it charged for a visit that never settled).
          const refund = refundAfterRefusedSettle(visitEnv(settlementId, state), `staff cancel: ${reason}`);
          journal.transition(refund ? { ...refund, from: [state] } : { settlementId, from: [state], to: 'cancelled', note: `staff cancel: ${reason}`, calls: undoCallsOf(settlementId) });
        }
        options.onChange?.(view(settlementId));
      }).then(() => pump(settlementId));
    },

    /**
     * Staff: refund a settled visit. The cancel (2208 / 2305 by the original setl_id) is queued with
     * the staff audit row in one write, then sent; what its answer does is refund.ts's. The HIS is
     * told by the caller once the visit is refunded (notifyHisRefunded).
     */
    refundByStaff(settlementId: string, reason: RefundReason, detail: Record<string, unknown> = {}): Promise<SettlementView> {
      const row = journal.settlement(settlementId);
      if (!row) return Promise.reject(new StaffActionError('no such visit'));
      return exclusive(settlementId, async () => {
        const state = stateOf(settlementId);
        if (!(refundableStates as readonly string[]).includes(state)) throw new StaffActionError(`a ${state} visit cannot be refunded`);
        const current = journal.settlement(settlementId);
        if (!current?.setlId || !current.mdtrtId) throw new StaffActionError('the visit has no platform settlement to cancel');
        const ctx: RefundVisitContext = { ...context(settlementId), refund: { reason, from: state as 'settled' | 'closed', setlId: current.setlId, requestedAt: now().toISOString() } };
        journal.recordStaffAction({ action: 'refund', settlementId, reason, detail: { setlId: current.setlId, totalFen: current.totalFen, ...detail } }, () =>
          journal.transition({ settlementId, from: [state], to: 'refund-cancel-pending', note: `staff refund: ${refundReasons[reason]}`, context: ctx, call: refundCancelCall(ctx, current.mdtrtId as string, current.setlId as string) }),
        );
        options.onChange?.(view(settlementId));
      }).then(() => pump(settlementId));
    },

    /**
     * The patient repays a credit (信用就医) debt at the kiosk with a payment code: the 6201 for the
     * debt is queued with the visit's move to repay-pending in one write, then sent; what each answer
     * does is credit-repay.ts's. Only a closed visit (the HIS has heard of its settlement, so no HIS
     * notice moves it meanwhile) with a debt owed can be repaid. Returns how it ended: repaid,
     * declined (with the centre's words), or pending (an unknown outcome still being asked about).
     */
    repayCreditByCode(settlementId: string, payAuthNo: string): Promise<CreditRepayResult> {
      if (!journal.settlement(settlementId)) return Promise.reject(new StaffActionError('no such visit'));
      // As for a new visit: no payment is taken while the journal cannot write what the centre answers.
      if (journalHealth.state !== 'ok') return Promise.reject(heldBy(journalHealth));
      return exclusive(settlementId, async () => {
        const state = stateOf(settlementId);
        const debt = journal.credit.debtOf(settlementId);
        if (state !== 'closed' || !debt || debt.status !== 'owed' || debt.amountFen <= 0) throw new CreditNotOwedError(debt?.status ?? 'none', state);
        const repay = { payAuthNo, fen: debt.amountFen, requestedAt: now().toISOString(), outcome: null };
        const ctx: CreditRepayVisitContext = { ...context(settlementId), creditRepay: repay };
        const attempt = journal.callsOf(settlementId).filter((c) => c.step === 'repay-upload').length + 1;
        journal.transition({ settlementId, from: ['closed'], to: 'repay-pending', note: `credit debt of ${debt.amountFen} fen: repaying by payment code`, context: ctx, call: repayUploadCall(ctx, repay, attempt) });
        options.onChange?.(view(settlementId));
      })
        .then(() => pump(settlementId))
        .then((after) => {
          const owed = journal.credit.debtOf(settlementId);
          const outcome = (context(settlementId) as CreditRepayVisitContext).creditRepay?.outcome ?? null;
          if (owed?.status === 'repaid' && outcome?.kind === 'repaid') return { kind: 'repaid', fen: owed.amountFen, state: after.state };
          if (after.state === 'closed' && outcome?.kind === 'declined') return { kind: 'declined', fen: owed?.amountFen ?? 0, reason: outcome.reason, state: after.state };
          // Still being asked about (the centre unreachable), or with staff: not paid as far as anyone knows yet, and not to be paid again.
          return { kind: 'pending', fen: owed?.amountFen ?? 0, state: after.state };
        });
    },

    /**
     * Tells the HIS a refunded visit's bill is payable again. Safe to repeat (the HIS takes the same
     * notice twice as one); a HIS that cannot be reached stays due for the next try (staff or worker).
     */
    notifyHisRefunded(settlementId: string): Promise<SettlementView> {
      return exclusive(settlementId, async () => {
        const current = view(settlementId);
        const his = options.his;
        if (current.state !== 'refunded' || !his?.markRefunded || !current.billId || !current.setlId) return current;
        const reason = (context(settlementId) as RefundVisitContext).refund?.reason ?? 'patient-request';
        try {
          await his.markRefunded(current.billId, { setlId: current.setlId, reason });
          journal.recordRefundHisNotice(settlementId, 'done');
        } catch (err) {
          const status = err instanceof HisError ? err.status : null;
          const refused = status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429;
          journal.recordRefundHisNotice(settlementId, refused ? 'conflict' : 'pending', `HIS not told of the refund: ${(err as Error).message}`);
        }
        options.onChange?.(view(settlementId));
        return view(settlementId);
      });
    },

    /**
     * Hands to staff every visit whose unknown outcome has outlived its deadline, without sending
     * anything: while the platform stays away no pump runs, and the deadline must still hold.
     */
    async expireUnknowns(): Promise<number> {
      let expired = 0;
      for (const settlementId of journal.settlementsWithOpenCalls()) {
        await exclusive(settlementId, async () => {
          const row = nextRowOf(settlementId);
          if (row && pastDeadline(row)) {
            expired++;
            options.onChange?.(view(settlementId));
          }
        });
      }
      return expired;
    },

    /**
     * Cancels every visit left at the confirm step longer than the step timeout (the patient walked
     * away, the terminal restarted, a new patient began): its bill is free again, and its fee lines
     * and registration are undone (2205, 2202) through the outbox. The replay worker runs this each
     * round, so it holds after a restart too. Returns how many were cancelled.
     */
    async expireUnconfirmed(): Promise<number> {
      let expired = 0;
      for (const row of journal.settlementsIn(['awaiting-confirm'])) {
        const age = now().getTime() - Date.parse(row.updatedAt);
        if (!(age > stepTimeoutMs)) continue;
        await exclusive(row.id, async () => {
          if (stateOf(row.id) !== 'awaiting-confirm') return;
          journal.transition({ settlementId: row.id, from: ['awaiting-confirm'], to: 'cancelled', note: `not confirmed within ${Math.round(stepTimeoutMs / 1000)} s: cancelled, registration and fee lines undone`, calls: undoCallsOf(row.id) });
          expired++;
          options.onChange?.(view(row.id));
        });
      }
      return expired;
    },

    /** Every visit with a queued call: the replay worker's work list. */
    visitsWithQueuedCalls(): string[] {
      return journal.settlementsWithOpenCalls();
    },

    /**
     * After a crash, a call left in flight has an unknown outcome: record it so, and decide (reverse
     * or resend) exactly as if its answer had been lost on the wire. Sends nothing itself.
     */
    recoverInFlight(): number {
      const stranded = journal.openOutbox().filter((r) => r.status === 'in-flight' && r.settlementId);
      for (const row of stranded) {
        // The visit has not moved since the call was sent: its move is written with the answer.
        const next = onUnknown(row, stateOf(row.settlementId as string));
        journal.recordOutcome({
          outboxId: row.id,
          status: next === 'resend' ? 'unknown' : 'superseded',
          error: 'terminal stopped while the call was in flight',
          then: next === 'resend' || next === null ? undefined : next,
        });
      }
      return stranded.length;
    },
  };
  return engine;
}

/** A call 2601 can take back (steps.ts): what a staff cancel reverses when its outcome is unknown. */
function isReversible(name: string): boolean {
  const step = stepOf(name);
  return step !== null && steps[step].reversible;
}

export class StaffActionError extends Error {}

/** A repayment asked for a visit with no debt owed (none, still reserved, repaid already, void) or not closed. */
export class CreditNotOwedError extends Error {
  readonly code = 'credit-not-owed';
  constructor(status: string, state: string) {
    super(`no credit debt owed on this visit (debt ${status}, visit ${state})`);
    this.name = 'CreditNotOwedError';
  }
}

/** How a repayment by code ended, as the kiosk says it. */
export type CreditRepayResult =
  | { kind: 'repaid'; fen: number; state: SettlementState }
  | { kind: 'declined'; fen: number; reason: string; state: SettlementState }
  | { kind: 'pending'; fen: number; state: SettlementState };

/** How the patient pays the cash part at confirm; absent: as before (at the cashier). */
export interface ConfirmPayment {
  method: 'cashier' | 'pay-code' | 'credit';
  /** A scanned payment code; without it a 医保码's token pays. */
  payAuthNo?: string | null;
  /** The credit limits in force (config); required for 'credit'. */
  credit?: Omit<CreditReservation, 'psnNo' | 'fen'>;
}

/** A bill this terminal has already settled, or is settling: opening it again is refused. */
export class BillTakenError extends Error {
  constructor(
    /** bill-not-admitted: an inpatient bill without the stay's mdtrt_id from a HIS that admits on the platform itself. */
    readonly code: 'bill-already-paid' | 'bill-in-progress' | 'bill-not-admitted',
    billId: string,
  ) {
    super(`bill ${billId}: ${code}`);
    this.name = 'BillTakenError';
  }
}
