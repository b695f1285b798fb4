// The settlement engine: moves each visit through its state machine by sending the one call its
// state has queued in the outbox, and records each answer with the transition it causes in one
// journal write. An online call and an offline replay are the same `pump`. An answer that never
// came is never resent blind when the call commits something: it is reversed (2601) by its original
// msgid, and only then redone under a new one. Calls that commit nothing are resent as they were.
import { randomUUID } from 'node:crypto';
import type { Split } from '../common/vocabulary';
import type { PlatformClient } from '../insurance/client';
import type { Journal, OutboxRow, TransitionRequest } from '../journal/journal';
import { HisError, type HisBill, type HisClient } from '../his/client';
import { admissionCall, dischargeCall, feesCall, isInpatient, openingCall, preSettleCall, registrationCall, reversalCall, settleCall, settlementQueryCall, type VisitContext, type VisitPerson } from './calls';
import { isSettlementState, predecessorsOf, type SettlementState } from '../common/settlement-states';
import { splitFromSetlinfo } from './split';
import { sendQueued } from '../outbox/outbox-send';
import { retryDelayMs } from './backoff';
import { UNDO_STEPS, undoCalls } from './undo-calls';
import { cashStateOf, cashStepOnOk, cashStepOnRejected, cashStepOnUnknown, cashUploadCall, isCashStep, refundAfterRefusedSettle, type CashStepEnv, type SelfPayContext, type SelfPayVisitContext } from './self-pay';
import type { CreditReservation } from '../journal/credit';

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
  his?: Pick<HisClient, 'markPaid'>;
}

export interface PumpOptions {
  /** The replay worker waits out each call's backoff; a patient at the kiosk does not. */
  respectBackoff?: boolean;
  /** How many immediate resends of an unanswered read one pump may make. */
  inlineRetries?: number;
}

/** Steps whose call changes nothing on the platform: safe to resend with the same msgid. */
const READ_ONLY_STEPS = new Set(['pre-settle', 'query']);
/** Steps that resolve an earlier unknown outcome: they run under the unknown-outcome deadline. */
const RESOLVING_STEPS = new Set(['query', 'reverse']);
/** Steps that commit: an unknown outcome is reversed before the step is redone. */
const COMMITTING_STEPS = new Set(['register', 'admit', 'fee-upload', 'settle']);

export type SettlementEngine = ReturnType<typeof createSettlementEngine>;

export function createSettlementEngine(options: EngineOptions) {
  const { journal, platform } = options;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 12;
  const unknownDeadlineMs = options.unknownOutcomeDeadlineMs ?? 6 * 3_600_000;
  const locks = new Map<string, Promise<unknown>>();

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
      settleMsgid: row.setlId ? (journal.doneMsgid(id, '2207') ?? journal.doneMsgid(id, '2304')) : null,
      deferred: row.deferred,
      slipNo: row.slipNo,
      createdAt: row.createdAt,
      lastError: journal.lastCallError(id),
    };
  }

  const context = (id: string): VisitContext => {
    const ctx = journal.settlementContext<VisitContext>(id);
    if (!ctx) throw new Error(`settlement ${id} has no context`);
    return ctx;
  };

  /** What an unpaid visit left on the platform, to take back as it ends (undo-calls.ts). */
  const undoCallsOf = (id: string) => undoCalls(context(id), journal.settlement(id)?.mdtrtId ?? null, journal.callsOf(id).some((c) => c.infno === '2204'));

  const to = (settlementId: string, state: SettlementState, extra: Omit<TransitionRequest, 'settlementId' | 'from' | 'to'> = {}): TransitionRequest => ({
    settlementId,
    from: predecessorsOf(state),
    to: state,
    // A visit that ends unpaid takes back its fee lines and registration, in the same write.
    ...((state === 'failed' || state === 'cancelled') && !extra.call && !extra.calls ? { calls: undoCallsOf(settlementId) } : {}),
    ...extra,
  });

  /** A staff cancel that had to reverse an unknown call first: once reversed, the visit ends there. */
  const cancelAfterReversal = (id: string): boolean => (journal.events(id).filter((e) => e.to_state === 'reversal-pending').pop()?.note ?? '').startsWith('staff cancel');

  const mdtrtIdOf = (id: string): string => {
    const mdtrtId = journal.settlement(id)?.mdtrtId;
    if (!mdtrtId) throw new Error(`settlement ${id} has no mdtrt_id yet`);
    return mdtrtId;
  };

  /** The step a reversal undid, queued again under a fresh msgid. */
  function redo(id: string, reversedInfno: string, note: string): TransitionRequest {
    // Redoing would carry on a visit staff have given up on: the reversal was the cancel's, not a retry's.
    // A cancelled visit keeps no money of the patient's: a code already charged is refunded first.
    if (cancelAfterReversal(id)) return refundAfterRefusedSettle(cashEnv(id), 'staff cancel') ?? to(id, 'cancelled', { note: `${note.replace(/; redoing.*$/, '')}; staff cancel completes` });
    const ctx = context(id);
    switch (reversedInfno) {
      case '2201':
        return to(id, 'register-pending', { note, call: registrationCall(ctx, now()) });
      case '2401':
        return to(id, 'register-pending', { note, call: admissionCall(ctx, now()) });
      case '2204':
      case '2301':
        return to(id, 'fees-pending', { note, call: feesCall(ctx, mdtrtIdOf(id)) });
      case '2207':
      case '2304':
        return to(id, 'settle-pending', { note, call: settleCall(ctx, mdtrtIdOf(id)) });
      default:
        return to(id, 'needs-staff', { note: `cannot redo ${reversedInfno} after reversal` });
    }
  }

  const reversedInfnoOf = (row: OutboxRow): string => String(((row.input as { data?: { oinfno?: unknown } }).data?.oinfno as string | undefined) ?? '');

  /** What an answer to a step means for the visit. */
  /** The self-paid part's steps (self-pay.ts) see the visit through this. */
  const cashEnv = (id: string): CashStepEnv => ({
    id,
    ctx: context(id),
    to: (state, extra) => to(id, state, extra),
    settleCall: () => settleCall(context(id), mdtrtIdOf(id)),
    calls: () => journal.callsOf(id),
    now,
  });

  function onOk(row: OutboxRow, output: Record<string, unknown>): TransitionRequest {
    const id = row.settlementId as string;
    if (isCashStep(row.step)) return cashStepOnOk(cashEnv(id), row, output);
    const ctx = context(id);
    switch (row.step) {
      case 'register':
      case 'admit': {
        // 2201 answers in data, 2401 in result.
        const node = (row.step === 'admit' ? output.result : output.data) as Record<string, unknown> | undefined;
        const mdtrtId = String(node?.mdtrt_id ?? '');
        if (!mdtrtId) throw new MalformedAnswer(`${row.infno} answered without mdtrt_id`);
        return to(id, 'fees-pending', { patch: { mdtrtId }, call: feesCall(ctx, mdtrtId) });
      }
      case 'fee-upload':
        if (isInpatient(ctx)) return to(id, 'discharge-pending', { call: dischargeCall(ctx, mdtrtIdOf(id), now()) });
        return to(id, 'presettle-pending', { call: preSettleCall(ctx, mdtrtIdOf(id)) });
      case 'discharge':
        return to(id, 'presettle-pending', { call: preSettleCall(ctx, mdtrtIdOf(id)) });
      case 'pre-settle': {
        const split = splitFromSetlinfo(setlinfoOf(output));
        // A visit captured offline was confirmed on its bill total; it settles as soon as it can.
        if (ctx.deferred) {
          return to(id, 'settle-pending', { patch: { splitJson: JSON.stringify(split) }, note: 'offline capture: settling without a second confirmation', call: settleCall(ctx, mdtrtIdOf(id)) });
        }
        return to(id, 'awaiting-confirm', { patch: { splitJson: JSON.stringify(split) } });
      }
      case 'settle': {
        const info = setlinfoOf(output);
        const split = splitFromSetlinfo(info);
        return to(id, 'settled', { patch: { splitJson: JSON.stringify(split), setlId: String(info.setl_id ?? '') } });
      }
      case 'reverse':
        return redo(id, reversedInfnoOf(row), `reversed ${reversedInfnoOf(row)}; redoing it`);
      case 'query':
        return afterQuery(id, output.setlinfo as Record<string, unknown> | undefined);
      default:
        throw new Error(`no handler for step ${row.step}`);
    }
  }

  /** The settlement call whose answer was lost, which a query is about. */
  const lostSettleCall = (id: string): OutboxRow | undefined => journal.callsOf(id).filter((c) => c.step === 'settle' && c.status === 'superseded').pop();

  /**
   * What the platform's settlement query says about the lost settlement. Only a standing settlement
   * that echoes the lost call's msgid (medins_setl_id) is ours; anything else is reversed by the
   * lost msgid, which undoes it if it did commit and says "nothing to undo" if it did not.
   */
  function afterQuery(id: string, info: Record<string, unknown> | undefined): TransitionRequest {
    const lost = lostSettleCall(id);
    if (!lost) return to(id, 'needs-staff', { note: 'settlement query without a lost settlement call' });
    const standing = info && String(info.refd_setl_flag ?? '0') === '0';
    if (standing && String(info.medins_setl_id ?? '') === lost.msgid) {
      const split = splitFromSetlinfo(info);
      return to(id, 'settled', {
        patch: { splitJson: JSON.stringify(split), setlId: String(info.setl_id ?? '') },
        note: `5203 shows the lost ${lost.infno} settled: kept, not reversed`,
        resolvesOutboxId: lost.id,
      });
    }
    // Another settlement stands for this visit: reversing ours could not make that one right.
    if (standing && info.medins_setl_id) return to(id, 'needs-staff', { note: `5203 shows a different settlement standing for this visit (${String(info.setl_id ?? '')})` });
    return to(id, 'reversal-pending', { note: `5203 shows no settlement for the lost ${lost.infno}; reversing it by its msgid`, call: reversalCall(context(id), lost) });
  }

  function onRejected(row: OutboxRow, errMsg: string): TransitionRequest {
    const id = row.settlementId as string;
    // No settlement found, or the query itself refused: either way the reversal by msgid is safe.
    if (row.step === 'query') return afterQuery(id, undefined);
    if (row.step === 'reverse') {
      // Nothing there to undo (it never arrived, it was refused, or it is already undone): the
      // original did not take effect, so the step can be redone.
      if (/不存在|未成功|已冲正|无需冲正|not found|no such/i.test(errMsg)) return redo(id, reversedInfnoOf(row), `reversal not needed (${errMsg}); redoing`);
      return to(id, 'needs-staff', { note: `reversal refused: ${errMsg}` });
    }
    // A discharge resent after a lost answer finds the patient discharged already: that is its success.
    if (row.step === 'discharge' && /已出院/.test(errMsg)) return to(id, 'presettle-pending', { note: 'already discharged', call: preSettleCall(context(id), mdtrtIdOf(id)) });
    if (isCashStep(row.step)) return cashStepOnRejected(cashEnv(id), row, errMsg);
    // A relative's account the platform will not draw on: the patient keeps the visit and pays otherwise.
    const ctx = context(id);
    if (row.step === 'pre-settle' && ctx.familyPayerPsnNo) {
      const without = { ...ctx, familyPayerPsnNo: null };
      return to(id, 'presettle-pending', { note: `family account refused (${errMsg}); pre-settling without it`, context: without, call: preSettleCall(without, mdtrtIdOf(id)) });
    }
    // Cash already taken by code goes back before the visit fails.
    if (row.step === 'settle') return refundAfterRefusedSettle(cashEnv(id), `settlement refused (${errMsg})`) ?? to(id, 'failed', { note: `${row.infno} refused: ${errMsg}` });
    return to(id, 'failed', { note: `${row.infno} refused: ${errMsg}` });
  }

  /** An answer that never came. Returns the transition, or 'retry' to resend the same call later. */
  function onUnknown(row: OutboxRow): TransitionRequest | 'retry' {
    const id = row.settlementId as string;
    if (isCashStep(row.step)) return cashStepOnUnknown(cashEnv(id), row);
    if (row.step === 'settle') {
      return to(id, 'query-pending', { note: `${row.infno} outcome unknown; asking the platform`, call: settlementQueryCall(context(id), mdtrtIdOf(id)) });
    }
    if (COMMITTING_STEPS.has(row.step)) {
      return to(id, 'reversal-pending', { note: `${row.infno} outcome unknown`, call: reversalCall(context(id), row) });
    }
    // Reads, and the reversal itself (the platform answers "already reversed" to a repeat).
    return 'retry';
  }

  /**
   * An undo call changes no state: its answer is recorded, a refusal too (nothing left to take back,
   * or the platform will not; its words are kept), and a lost answer is resent under the same msgid
   * with backoff, which the platform answers as the first time. Never a dead letter: it is owed.
   */
  async function dispatchUndo(row: OutboxRow): Promise<boolean> {
    const outcome = await sendQueued(journal, platform, row);
    if (outcome.kind === 'ok') {
      journal.recordOutcome({ outboxId: row.id, status: 'done', rawResponse: outcome.rawResponse });
      return true;
    }
    if (outcome.kind === 'rejected') {
      journal.recordOutcome({ outboxId: row.id, status: 'rejected', error: outcome.errMsg, rawResponse: outcome.rawResponse });
      return true;
    }
    const attempts = journal.outboxRow(row.id)?.attempts ?? 0;
    const nextAttemptAt = new Date(now().getTime() + retryDelayMs(attempts, random)).toISOString();
    journal.recordOutcome({ outboxId: row.id, status: 'unknown', error: `${outcome.reason}: ${outcome.detail}`, rawResponse: outcome.rawResponse, nextAttemptAt });
    return false;
  }

  /**
   * An unknown outcome that its query or reversal has not settled in time goes to staff with the
   * reason, rather than being retried for ever while the patient's money is in doubt.
   */
  function pastDeadline(row: OutboxRow): boolean {
    if (!RESOLVING_STEPS.has(row.step) || row.attempts === 0) return false;
    const age = now().getTime() - Date.parse(row.createdAt);
    if (age <= unknownDeadlineMs) return false;
    const id = row.settlementId as string;
    const note = `outcome still unknown after ${Math.round(age / 1000)} s (deadline ${Math.round(unknownDeadlineMs / 1000)} s): ${row.infno} unanswered (${row.lastError ?? 'no answer'}); staff to check with the platform`;
    journal.recordOutcome({ outboxId: row.id, status: 'dead', error: row.lastError, then: to(id, 'needs-staff', { note }) });
    return true;
  }

  /** Sends one queued call and records what it means. Returns false when the visit must wait. */
  async function dispatch(row: OutboxRow): Promise<boolean> {
    if (UNDO_STEPS.has(row.step)) return dispatchUndo(row);
    const outcome = await sendQueued(journal, platform, row);
    const id = row.settlementId as string;
    if (outcome.kind === 'ok') {
      let then: TransitionRequest;
      try {
        then = onOk(row, (outcome.output ?? {}) as Record<string, unknown>);
      } catch (err) {
        // An answer we cannot use (unbalanced split, missing id) is kept and handed to staff.
        journal.recordOutcome({ outboxId: row.id, status: 'done', rawResponse: outcome.rawResponse, error: (err as Error).message, then: to(id, 'needs-staff', { note: (err as Error).message }) });
        return false;
      }
      journal.recordOutcome({ outboxId: row.id, status: 'done', rawResponse: outcome.rawResponse, then });
      return true;
    }
    if (outcome.kind === 'rejected') {
      journal.recordOutcome({ outboxId: row.id, status: 'rejected', error: outcome.errMsg, rawResponse: outcome.rawResponse, then: onRejected(row, outcome.errMsg) });
      return true;
    }
    const error = `${outcome.reason}: ${outcome.detail}`;
    const next = onUnknown(row);
    if (next !== 'retry') {
      journal.recordOutcome({ outboxId: row.id, status: 'superseded', error, rawResponse: outcome.rawResponse, then: next });
      return true;
    }
    const attempts = (journal.outboxRow(row.id)?.attempts ?? 0);
    if (attempts >= maxAttempts) {
      journal.recordOutcome({ outboxId: row.id, status: 'dead', error, rawResponse: outcome.rawResponse, then: to(id, 'needs-staff', { note: `no answer after ${attempts} attempts` }) });
      return false;
    }
    const nextAttemptAt = new Date(now().getTime() + retryDelayMs(attempts, random)).toISOString();
    journal.recordOutcome({ outboxId: row.id, status: 'unknown', error, rawResponse: outcome.rawResponse, nextAttemptAt });
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

    /** Opens a visit for a bill and queues its first call; `pump` sends it. */
    open(input: { service: string; person: VisitPerson; bill: HisBill; usePersonalAccount: boolean; deferred?: boolean }): string {
      const id = randomUUID();
      const ctx: VisitContext = {
        person: input.person,
        bill: input.bill,
        chargeBatchNo: `${input.bill.billId}-${id.slice(0, 8)}`,
        usePersonalAccount: input.usePersonalAccount,
        deferred: input.deferred === true,
        operator: { deptCode: input.bill.deptCode, deptName: input.bill.deptName, drCode: input.bill.drCode, drName: input.bill.drName },
      };
      journal.openSettlement({
        id,
        service: input.service,
        state: 'register-pending',
        context: ctx,
        patch: { psnNo: input.person.psnNo, insutype: input.person.insutype, insuplcAdmdvs: input.person.insuplcAdmdvs, billId: input.bill.billId, totalFen: input.bill.totalFen, chrgBchno: ctx.chargeBatchNo },
        call: openingCall(ctx, now()),
        deferred: ctx.deferred,
        // One bill, one live visit: a second visit for a bill that is paid, or still being paid
        // (an offline capture waiting, an unknown outcome), could pay it twice.
        billGuard: (earlier) => {
          const live = earlier.filter((e) => e.state !== 'failed' && e.state !== 'cancelled');
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
          const attempt = journal.callsOf(settlementId).filter((c) => c.step === 'cash-upload').length + 1;
          journal.transition({ settlementId, from: ['awaiting-confirm'], to: 'cash-pending', note: 'patient confirmed; paying the cash part by code', context: withChoice, call: cashUploadCall(withChoice, attempt) });
        } else {
          // Credit is the hospital's own arrangement: no platform call, only the debt, checked against
          // the limits in the same write as the confirm (CreditLimitError refuses both).
          const credit = selfPay.method === 'credit' && payment?.credit ? { ...payment.credit, psnNo: ctx.person.psnNo, fen: cashFen } : undefined;
          journal.transition({ settlementId, from: ['awaiting-confirm'], to: 'settle-pending', note: selfPay.method === 'credit' ? 'patient confirmed; cash part on credit' : 'patient confirmed', context: withChoice, credit, call: settleCall(withChoice, mdtrtIdOf(settlementId)) });
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
        const ctx = { ...context(settlementId), usePersonalAccount: change.usePersonalAccount, familyPayerPsnNo: change.familyPayerPsnNo };
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
        const stalledState = dead ? stateAwaiting(dead.step) : null;
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
        const unknownCommit = journal
          .callsOf(settlementId)
          .filter((c) => COMMITTING_STEPS.has(c.step) && (c.status === 'unknown' || c.status === 'superseded' || c.status === 'dead' || c.status === 'in-flight'))
          .pop();
        if (unknownCommit) {
          journal.transition(to(settlementId, 'reversal-pending', { note: `staff cancel: ${reason}`, call: reversalCall(context(settlementId), unknownCommit) }));
        } else {
          // The cash the patient paid by code goes back before the visit ends (a staff cancel once
          // left it charged for a visit that never settled).
          const refund = refundAfterRefusedSettle(cashEnv(settlementId), `staff cancel: ${reason}`);
          journal.transition(refund ? { ...refund, from: [state] } : { settlementId, from: [state], to: 'cancelled', note: `staff cancel: ${reason}`, calls: undoCallsOf(settlementId) });
        }
        options.onChange?.(view(settlementId));
      }).then(() => pump(settlementId));
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
        const next = onUnknown(row);
        journal.recordOutcome({
          outboxId: row.id,
          status: next === 'retry' ? 'unknown' : 'superseded',
          error: 'terminal stopped while the call was in flight',
          then: next === 'retry' ? undefined : next,
        });
      }
      return stranded.length;
    },
  };
  return engine;
}

/** The state a visit is in while the given step's call is queued. */
function stateAwaiting(step: string): SettlementState | null {
  const states: Record<string, SettlementState> = {
    register: 'register-pending',
    admit: 'register-pending',
    discharge: 'discharge-pending',
    'fee-upload': 'fees-pending',
    'pre-settle': 'presettle-pending',
    settle: 'settle-pending',
    query: 'query-pending',
    reverse: 'reversal-pending',
    ...cashStateOf,
  };
  return states[step] ?? null;
}

export class StaffActionError extends Error {}

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
    readonly code: 'bill-already-paid' | 'bill-in-progress',
    billId: string,
  ) {
    super(`bill ${billId}: ${code}`);
    this.name = 'BillTakenError';
  }
}
class MalformedAnswer extends Error {}

function setlinfoOf(output: Record<string, unknown>): Record<string, unknown> {
  const info = output.setlinfo;
  if (!info || typeof info !== 'object') throw new MalformedAnswer('answer has no setlinfo');
  return info as Record<string, unknown>;
}

export { READ_ONLY_STEPS };
