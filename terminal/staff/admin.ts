// What staff see and do behind the PIN: the queue of visits with work left (age, error, dead
// letters), today's totals, the last reconciliation; retry or cancel a visit with a reason, forward
// everything now, reconcile a day. Every action goes through the engine, so it is journaled like any
// other step, with the reason in the visit's history.
import type { AdminOverview, QueueItem, Reconciliation, RefundSlip, SettledItem, Split } from '../api/schema';
import { creditRepaidReasons, refundReasons, type CreditRepaidReason, type RefundReason } from '../common/refund-reasons';
import { cashRefundOf, refundableStates, type RefundVisitContext } from '../settlement/refund';
import type { PlatformClient } from '../insurance/client';
import { StaffActionRefused, type Journal, type SettlementRow } from '../journal/journal';
import type { SettlementEngine } from '../settlement/engine';
import type { SelfPayVisitContext } from '../settlement/self-pay';
import type { ReplayWorker } from '../settlement/replay-worker';
import { finalStates, settlementStates } from '../common/settlement-states';
import { localDate, localDayRange, reconcileDay } from '../settlement/reconcile';

export interface AdminDeps {
  journal: Journal;
  engine: SettlementEngine;
  replay: ReplayWorker;
  platform: PlatformClient;
  now: () => Date;
  /** Told of every reconciliation, from staff or from the daily schedule. */
  onReconciliation?: (result: Reconciliation) => void;
}

export function createAdmin(deps: AdminDeps) {
  const { journal, engine, replay } = deps;

  /** The refund slip of a refunded visit, from the journal: what was cancelled and where the cash goes. */
  function refundSlipOf(settlementId: string): RefundSlip | null {
    const row = journal.settlement(settlementId);
    if (!row || row.state !== 'refunded' || !row.splitJson) return null;
    const ctx = journal.settlementContext<RefundVisitContext>(settlementId);
    if (!ctx) return null;
    const refundedAt = journal.events(settlementId).find((e) => e.to_state === 'refunded')?.at ?? row.updatedAt;
    return {
      settlementId,
      platformSettlementId: row.setlId,
      refundedAt,
      reason: refundReasons[ctx.refund?.reason ?? 'patient-request'],
      split: JSON.parse(row.splitJson) as Split,
      cash: cashRefundOf(ctx, journal.callsOf(settlementId)),
    };
  }

  function queue(): QueueItem[] {
    const now = deps.now().getTime();
    // A visit settled with the platform but not closed is a HIS that has not heard: the bill still
    // looks unpaid there, so staff must see it until the notice gets through (or sort it out by hand).
    const item = (row: SettlementRow, lastError: string | null, needsStaff: boolean): QueueItem => ({
      settlementId: row.id,
      state: row.state,
      service: row.service,
      slipNo: row.slipNo,
      deferred: row.deferred,
      totalFen: row.totalFen,
      createdAt: row.createdAt,
      ageSeconds: Math.max(0, Math.floor((now - Date.parse(row.createdAt)) / 1000)),
      lastError,
      needsStaff,
    });
    // Every state that is not final, awaiting-confirm too (a visit nobody finishes holds its bill), with its age.
    const items: QueueItem[] = journal.settlementsIn(settlementStates.filter((s) => !(finalStates as readonly string[]).includes(s))).map((row) => {
      const his = row.state === 'settled' ? journal.hisNotice(row.id) : null;
      return item(row, row.state === 'settled' ? (his?.lastError ?? 'HIS not told yet') : journal.lastCallError(row.id), row.state === 'needs-staff' || his?.status === 'conflict');
    });
    // A visit that ended unpaid but whose undo (2205, 2202) has not gone through yet: staff see
    // what it still owes the platform, so an orphaned registration does not go unnoticed.
    // A refunded visit whose HIS has not heard: the bill still looks paid there until it does.
    for (const id of journal.refundHisNoticesDue()) {
      const row = journal.settlement(id);
      if (row) items.push(item(row, journal.refundHisNotice(id)?.lastError ?? 'HIS not told of the refund yet', false));
    }
    const listed = new Set(items.map((i) => i.settlementId));
    for (const id of journal.settlementsWithOpenCalls()) {
      const row = journal.settlement(id);
      if (!row || listed.has(id)) continue;
      items.push(item(row, journal.nextOpenCall(id)?.lastError ?? 'undo (2205 / 2202) not sent yet', false));
    }
    return items;
  }

  /** Today's settled visits, newest first, in their state now: the list staff refund from. */
  function settledToday(): SettledItem[] {
    const { fromIso } = localDayRange(localDate(deps.now()));
    return journal.settledSince(fromIso, 50).map((row) => {
      const split = JSON.parse(row.splitJson ?? 'null') as Split | null;
      return {
        settlementId: row.id,
        service: row.service,
        state: row.state,
        billId: row.billId,
        totalFen: split?.totalFen ?? row.totalFen,
        cashFen: split?.cashFen ?? null,
        settledAt: row.settledAt,
        refundable: (refundableStates as readonly string[]).includes(row.state),
        lastError: journal.lastCallError(row.id),
      };
    });
  }

  function today(): AdminOverview['today'] {
    const date = localDate(deps.now());
    const { fromIso, toIso } = localDayRange(date);
    const totals = { date, settledCount: 0, totalFen: 0, fundFen: 0, accountFen: 0, cashFen: 0, payCodeFen: 0, atCashierFen: 0, creditFen: 0 };
    for (const row of journal.settledBetween(fromIso, toIso)) {
      const split = JSON.parse(row.splitJson ?? 'null') as Split | null;
      if (!split) continue;
      totals.settledCount++;
      totals.totalFen += split.totalFen;
      totals.fundFen += split.fundFen;
      totals.accountFen += split.personalAccountFen + split.familyAccountFen;
      totals.cashFen += split.cashFen;
      // Credit is owed, not cash in hand; a visit with no choice recorded (an offline capture) pays at the cashier.
      const method = row.payMethod ?? journal.settlementContext<SelfPayVisitContext>(row.id)?.selfPay?.method ?? 'cashier';
      if (method === 'pay-code') totals.payCodeFen += split.cashFen;
      else if (method === 'credit') totals.creditFen += split.cashFen;
      else totals.atCashierFen += split.cashFen;
    }
    return totals;
  }

  function lastReconciliation(): Reconciliation | null {
    const last = journal.metaValue('last_reconciliation');
    return last ? (JSON.parse(last) as Reconciliation) : null;
  }

  return {
    overview(): AdminOverview {
      /** 信用就医: what patients owe the hospital, newest first, by visit and bill (no name, no ID number). */
      const credit = () => {
        const debts = journal.credit.debts().reverse().slice(0, 50);
        const outstanding = journal.credit.debts().filter((d) => d.status === 'owed' || d.status === 'reserved').reduce((s, d) => s + d.amountFen, 0);
        return { outstandingFen: outstanding, debts: debts.map((d) => ({ settlementId: d.settlementId, billId: journal.settlement(d.settlementId)?.billId ?? null, status: d.status, amountFen: d.amountFen, createdAt: d.createdAt })) };
      };
      // The worker's own count is as of its last run; staff see the queue as it is now.
      const replayState = { ...replay.state(), queuedVisits: engine.visitsWithQueuedCalls().length };
      return { queue: queue(), settled: settledToday(), replay: replayState, today: today(), reconciliation: lastReconciliation(), credit: credit() };
    },
    lastReconciliation,
    // A settled visit has nothing left on the platform: its retry is the HIS notice (of a refund, for a refunded one).
    retry: (settlementId: string, reason: string) => {
      const state = journal.settlement(settlementId)?.state;
      if (state === 'refunded') return engine.notifyHisRefunded(settlementId);
      return state === 'settled' ? engine.notifyHis(settlementId, { staffReason: reason }) : engine.retryByStaff(settlementId, reason);
    },
    /**
     * 退费: the settlement cancelled on the platform, the cash part back the way it was paid, the HIS
     * told. Returns the visit and, once refunded, the slip to print (null while a lost answer is asked about).
     */
    async refund(settlementId: string, reason: RefundReason): Promise<{ state: string; slip: RefundSlip | null }> {
      const after = await engine.refundByStaff(settlementId, reason);
      if (after.state !== 'refunded') return { state: after.state, slip: null };
      await engine.notifyHisRefunded(settlementId);
      return { state: after.state, slip: refundSlipOf(settlementId) };
    },
    refundSlip: (settlementId: string) => refundSlipOf(settlementId),
    /** A credit debt repaid outside the kiosk (at the cashier, online, written off), as staff saw it; audited. */
    creditRepaid(settlementId: string, reason: CreditRepaidReason): void {
      // A repayment by code under way at the kiosk may be charging the code now: marking it repaid
      // too would take the money twice. Staff wait for it to end (or resolve it from the queue).
      const state = journal.settlement(settlementId)?.state;
      if (state === 'repay-pending' || state === 'repay-query-pending') throw new StaffActionRefused('a repayment by payment code is under way for this debt; wait for it to end');
      journal.markCreditRepaid(settlementId, { by: 'staff', reason, detail: { label: creditRepaidReasons[reason] } });
    },
    cancel: (settlementId: string, reason: string) => engine.cancelByStaff(settlementId, reason),
    forward: () => replay.forceNow(),
    reconcile: async (date?: string) => {
      const result = await reconcileDay(journal, deps.platform, date ?? localDate(deps.now()), deps.now);
      deps.onReconciliation?.(result);
      return result;
    },
  };
}
