// The settlement engine: moves each visit through its state machine by sending the one call its
// state has queued in the outbox, and records each answer with the transition it causes in one
// journal write. An online call and an offline replay are the same `pump`. An answer that never
// came is never resent blind: a settlement whose outcome is unknown is reversed (2601) by its
// original msgid, and only then redone under a new one.
import { randomUUID } from 'node:crypto';
import type { Split } from '../api/schema';
import type { CallOutcome, PlatformClient } from '../insurance/client';
import type { Journal, OutboxRow, TransitionRequest } from '../journal/journal';
import type { HisBill } from '../his/client';
import { feeUploadCall, preSettleCall, registrationCall, reversalCall, settleCall, type VisitContext, type VisitPerson } from './calls';
import { isSettlementState, predecessorsOf, type SettlementState } from './states';
import { splitFromSetlinfo } from './split';
import { sendQueued } from './outbox-send';

/** Reads with no effect on the platform may be resent with the same msgid; at most this often in one pump. */
const MAX_INLINE_READ_RETRIES = 3;

export interface SettlementView {
  id: string;
  state: SettlementState;
  split: Split | null;
  setlId: string | null;
  billId: string | null;
  /** msgid of the settlement call that succeeded: the platform echoes it as medins_setl_id. */
  settleMsgid: string | null;
  lastError: string | null;
}

export interface EngineOptions {
  journal: Journal;
  platform: PlatformClient;
  now?: () => Date;
  /** Told of every state change, for the API's events and the admin screen. */
  onChange?: (view: SettlementView) => void;
  /** Told whether the platform answered at all (any answer) or could not be reached. */
  onReachability?: (reachable: boolean) => void;
}

export type SettlementEngine = ReturnType<typeof createSettlementEngine>;

export function createSettlementEngine(options: EngineOptions) {
  const { journal, platform } = options;
  const now = options.now ?? (() => new Date());
  const locks = new Map<string, Promise<unknown>>();
  const lastErrors = new Map<string, string>();

  /** One pump per settlement at a time: the online path and the replay worker never race. */
  function exclusive<T>(settlementId: string, work: () => Promise<T>): Promise<T> {
    const previous = locks.get(settlementId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    locks.set(settlementId, next);
    void next.finally(() => {
      if (locks.get(settlementId) === next) locks.delete(settlementId);
    });
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
      settleMsgid: row.setlId ? (journal.callsOf(id).find((c) => c.infno === '2207' && c.status === 'done')?.msgid ?? null) : null,
      lastError: lastErrors.get(id) ?? null,
    };
  }

  const context = (id: string): VisitContext => {
    const ctx = journal.settlementContext<VisitContext>(id);
    if (!ctx) throw new Error(`settlement ${id} has no context`);
    return ctx;
  };

  const to = (settlementId: string, state: SettlementState, extra: Omit<TransitionRequest, 'settlementId' | 'from' | 'to'> = {}): TransitionRequest => ({
    settlementId,
    from: predecessorsOf(state),
    to: state,
    ...extra,
  });

  /** What an answer to a step means for the visit. */
  function onOk(row: OutboxRow, output: Record<string, unknown>): TransitionRequest {
    const id = row.settlementId as string;
    const ctx = context(id);
    switch (row.step) {
      case 'register': {
        const mdtrtId = String((output.data as Record<string, unknown> | undefined)?.mdtrt_id ?? '');
        if (!mdtrtId) throw new MalformedAnswer('2201 answered without mdtrt_id');
        return to(id, 'fees-pending', { patch: { mdtrtId }, call: feeUploadCall(ctx, mdtrtId) });
      }
      case 'fee-upload':
        return to(id, 'presettle-pending', { call: preSettleCall(ctx, mdtrtIdOf(id)) });
      case 'pre-settle': {
        const split = splitFromSetlinfo(setlinfoOf(output));
        return to(id, 'awaiting-confirm', { patch: { splitJson: JSON.stringify(split) } });
      }
      case 'settle': {
        const info = setlinfoOf(output);
        const split = splitFromSetlinfo(info);
        return to(id, 'settled', { patch: { splitJson: JSON.stringify(split), setlId: String(info.setl_id ?? '') } });
      }
      case 'reverse':
        // The unknown settlement is undone on the platform: settle again, under a new msgid.
        return to(id, 'settle-pending', { note: 'reversed; settling again', call: settleCall(ctx, mdtrtIdOf(id)) });
      default:
        throw new Error(`no handler for step ${row.step}`);
    }
  }

  function onRejected(row: OutboxRow, errMsg: string): TransitionRequest {
    const id = row.settlementId as string;
    if (row.step === 'reverse') {
      // The platform has no such transaction to reverse: the settlement never happened there.
      if (/不存在|未找到|not found|no such/i.test(errMsg)) {
        return to(id, 'settle-pending', { note: 'nothing to reverse; settling again', call: settleCall(context(id), mdtrtIdOf(id)) });
      }
      return to(id, 'needs-staff', { note: `reversal refused: ${errMsg}` });
    }
    return to(id, 'failed', { note: `${row.infno} refused: ${errMsg}` });
  }

  /** An answer that never came. Only a call that commits nothing may be sent again as it was. */
  function onUnknown(row: OutboxRow): TransitionRequest | 'retry' {
    const id = row.settlementId as string;
    switch (row.step) {
      case 'pre-settle':
        return 'retry';
      case 'settle':
        return to(id, 'reversal-pending', { note: 'settlement outcome unknown', call: reversalCall(context(id), row) });
      case 'reverse':
        return 'retry';
      default:
        // Registration and fee upload are resent with their own msgid, which the platform dedupes;
        // a later issue replaces this with 2202/2205 cancellation where a platform does not.
        return 'retry';
    }
  }

  const mdtrtIdOf = (id: string): string => {
    const mdtrtId = journal.settlement(id)?.mdtrtId;
    if (!mdtrtId) throw new Error(`settlement ${id} has no mdtrt_id yet`);
    return mdtrtId;
  };

  async function send(row: OutboxRow): Promise<CallOutcome> {
    const outcome = await sendQueued(journal, platform, row);
    options.onReachability?.(outcome.kind !== 'unknown' || outcome.reason === 'malformed' || outcome.reason === 'http-status');
    return outcome;
  }

  /** Sends one queued call and records what it means. Returns false when the visit must wait. */
  async function dispatch(row: OutboxRow): Promise<boolean> {
    const outcome = await send(row);
    const id = row.settlementId as string;
    if (outcome.kind === 'ok') {
      let then: TransitionRequest;
      try {
        then = onOk(row, (outcome.output ?? {}) as Record<string, unknown>);
      } catch (err) {
        // An answer we cannot use (unbalanced split, missing id) is kept and handed to staff.
        journal.recordOutcome({ outboxId: row.id, status: 'done', rawResponse: outcome.rawResponse, then: to(id, 'needs-staff', { note: (err as Error).message }) });
        lastErrors.set(id, 'platform-answer-invalid');
        return false;
      }
      journal.recordOutcome({ outboxId: row.id, status: 'done', rawResponse: outcome.rawResponse, then });
      lastErrors.delete(id);
      return true;
    }
    if (outcome.kind === 'rejected') {
      journal.recordOutcome({ outboxId: row.id, status: 'rejected', error: outcome.errMsg, rawResponse: outcome.rawResponse, then: onRejected(row, outcome.errMsg) });
      lastErrors.set(id, outcome.errMsg);
      return true;
    }
    lastErrors.set(id, `outcome unknown (${outcome.reason})`);
    const next = onUnknown(row);
    if (next === 'retry') {
      journal.recordOutcome({ outboxId: row.id, status: 'unknown', error: `${outcome.reason}: ${outcome.detail}`, rawResponse: outcome.rawResponse });
      return false;
    }
    journal.recordOutcome({ outboxId: row.id, status: 'unknown', error: `${outcome.reason}: ${outcome.detail}`, rawResponse: outcome.rawResponse, then: next });
    return true;
  }

  /** Sends this visit's queued calls in order until it waits for the patient, finishes, or cannot reach the platform. */
  function pump(settlementId: string): Promise<SettlementView> {
    return exclusive(settlementId, async () => {
      let readRetries = 0;
      for (;;) {
        const row = journal.openOutbox().find((r) => r.settlementId === settlementId);
        if (!row) break;
        const progressed = await dispatch(row);
        options.onChange?.(view(settlementId));
        if (progressed) continue;
        if (journal.outboxRow(row.id)?.status !== 'unknown' || ++readRetries > MAX_INLINE_READ_RETRIES) break;
      }
      return view(settlementId);
    });
  }

  return {
    view,

    /** Opens a visit for a bill and queues its first call; `pump` sends it. */
    open(input: { service: string; person: VisitPerson; bill: HisBill; usePersonalAccount: boolean }): string {
      const id = randomUUID();
      const ctx: VisitContext = {
        person: input.person,
        bill: input.bill,
        chargeBatchNo: `${input.bill.billId}-${id.slice(0, 8)}`,
        usePersonalAccount: input.usePersonalAccount,
        operator: { deptCode: input.bill.deptCode, deptName: input.bill.deptName, drCode: input.bill.drCode, drName: input.bill.drName },
      };
      journal.openSettlement({
        id,
        service: input.service,
        state: 'register-pending',
        context: ctx,
        patch: { psnNo: input.person.psnNo, insutype: input.person.insutype, insuplcAdmdvs: input.person.insuplcAdmdvs, billId: input.bill.billId, totalFen: input.bill.totalFen, chrgBchno: ctx.chargeBatchNo },
        call: registrationCall(ctx, now()),
      });
      options.onChange?.(view(id));
      return id;
    },

    pump,

    /** The patient confirmed the split on screen: queue the settlement itself. A second confirm is refused by the journal. */
    confirm(settlementId: string): Promise<SettlementView> {
      return exclusive(settlementId, async () => {
        journal.transition({ settlementId, from: ['awaiting-confirm'], to: 'settle-pending', note: 'patient confirmed', call: settleCall(context(settlementId), mdtrtIdOf(settlementId)) });
        options.onChange?.(view(settlementId));
      }).then(() => pump(settlementId));
    },

    /** Walks away from a visit that committed nothing yet (the patient cancelled before paying). */
    cancel(settlementId: string): Promise<SettlementView> {
      return exclusive(settlementId, async () => {
        journal.transition({ settlementId, from: ['awaiting-confirm'], to: 'cancelled', note: 'patient cancelled' });
        return view(settlementId);
      });
    },

    /** Marks the visit closed once the receipt is out and the HIS knows. */
    close(settlementId: string): void {
      journal.transition({ settlementId, from: ['settled'], to: 'closed', note: 'receipt issued' });
      options.onChange?.(view(settlementId));
    },

    /**
     * Replays every visit with queued calls: at start (a call left in flight by a crash is an unknown
     * outcome) and whenever the platform comes back. Concurrent across visits, in order within one.
     */
    async resumeAll(opts: { afterCrash: boolean }): Promise<SettlementView[]> {
      const rows = journal.openOutbox();
      if (opts.afterCrash) {
        for (const row of rows.filter((r) => r.status === 'in-flight' && r.settlementId)) {
          const next = onUnknown(row);
          journal.recordOutcome({ outboxId: row.id, status: 'unknown', error: 'terminal stopped while the call was in flight', then: next === 'retry' ? undefined : next });
        }
      }
      const ids = [...new Set(journal.openOutbox().map((r) => r.settlementId).filter((id): id is string => id !== null))];
      return Promise.all(ids.map((id) => pump(id)));
    },
  };
}

class MalformedAnswer extends Error {}

function setlinfoOf(output: Record<string, unknown>): Record<string, unknown> {
  const info = output.setlinfo;
  if (!info || typeof info !== 'object') throw new MalformedAnswer('answer has no setlinfo');
  return info as Record<string, unknown>;
}
