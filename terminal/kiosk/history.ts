// 查询: what a patient who identified at this terminal may see of their own past visits here (from
// the journal: when, which service, the split, settled/pending/cancelled/refunded) and of their lab and exam
// reports (from the HIS), and the reprint of a past receipt. Nothing here carries an ID number or a
// name; visits are found by the platform's person number of the person just identified.
import type { HistoryReport, HistoryView, HistoryVisit, PatientView, Receipt, SessionView, Split } from '../api/schema';
import type { HisClient } from '../his/client';
import type { Journal, SettlementRow } from '../journal/journal';
import type { UserErrorCode } from '../common/user-errors';
import type { PassFlow } from './session-pass';
import type { SelfPayVisitContext } from '../settlement/self-pay';
import { receiptDetails } from './receipt-details';

/** How many visits the screen lists: a patient looks for the last few, not a year of them. */
export const HISTORY_LIMIT = 20;

// A credit debt being repaid by code (repay-pending, credit-repay.ts) is a settled visit still.
const settledStates = new Set(['settled', 'closed', 'repay-pending', 'repay-query-pending']);
const cancelledStates = new Set(['failed', 'cancelled']);
const refundingStates = new Set(['refund-cancel-pending', 'refund-query-pending', 'refund-cash-pending']);

export function historyStatus(state: string): HistoryVisit['status'] {
  if (settledStates.has(state)) return 'settled';
  if (state === 'refunded') return 'refunded';
  // A staff refund under way: paid still, and not back to the patient yet, but no longer just "settled".
  if (refundingStates.has(state)) return 'refunding';
  if (cancelledStates.has(state)) return 'cancelled';
  // Anything else still has work left (queued for the platform, waiting for staff): not final yet.
  return 'pending';
}

function splitOf(row: SettlementRow): Split | null {
  if (!row.splitJson) return null;
  try {
    return JSON.parse(row.splitJson) as Split;
  } catch {
    return null;
  }
}

export function historyVisit(row: SettlementRow & { settledAt: string | null }, cashWay: HistoryVisit['cashWay'] = null): HistoryVisit {
  const status = historyStatus(row.state);
  const split = splitOf(row);
  return {
    settlementId: row.id,
    service: row.service,
    at: row.settledAt ?? row.createdAt,
    totalFen: split?.totalFen ?? row.totalFen,
    fundFen: split?.fundFen ?? null,
    accountFen: split ? split.personalAccountFen + split.familyAccountFen : null,
    cashFen: split?.cashFen ?? null,
    cashWay: status === 'settled' && split && split.cashFen > 0 ? cashWay : null,
    status,
    split,
    reference: row.setlId || row.slipNo || null,
    printable: status === 'settled' && split !== null,
    // Only a closed visit's debt (the HIS heard of its settlement) is repaid here: engine.repayCreditByCode.
    repayable: row.state === 'closed' && cashWay === 'credit' && split !== null && split.cashFen > 0,
  };
}

type HistoryJournal = Pick<Journal, 'settlementsOfPerson'> & Partial<Pick<Journal, 'settlementContext' | 'credit'>>;

/** How a settled visit's cash part was paid or is still owed, from its sealed context and the credit ledger. */
export function cashWayOf(journal: HistoryJournal, settlementId: string): HistoryVisit['cashWay'] {
  const method = journal.settlementContext?.<SelfPayVisitContext>(settlementId)?.selfPay?.method ?? 'cashier';
  if (method !== 'credit') return method;
  return journal.credit?.debtOf(settlementId)?.status === 'repaid' ? 'repaid' : 'credit';
}

export function historyVisits(journal: HistoryJournal, psnNo: string): HistoryVisit[] {
  return journal.settlementsOfPerson(psnNo, HISTORY_LIMIT).map((row) => historyVisit(row, cashWayOf(journal, row.id)));
}

type HistoryDeps = { journal: HistoryJournal; his: Pick<HisClient, 'reports'> };

/** The person's visits and reports; reports are null when the HIS does not answer (visits still show). */
export async function loadHistory(deps: HistoryDeps, person: { psnNo: string; idNo: string }, onReportsFailed?: (cause: unknown) => void): Promise<HistoryView> {
  const visits = historyVisits(deps.journal, person.psnNo);
  let reports: HistoryReport[] | null;
  try {
    reports = (await deps.his.reports(person.idNo)).map((r) => ({ reportId: r.reportId, name: r.name, dept: r.dept, issuedAt: r.issuedAt, status: r.status }));
  } catch (err) {
    onReportsFailed?.(err);
    reports = null;
  }
  return { visits, reports, printedId: null };
}

/**
 * The 查询 sub-flow of the kiosk session, once the patient identified: their visits and reports on
 * the history step. No bill is touched; what the HIS does not answer is recorded and left empty.
 */
export async function showHistory(pass: PassFlow, deps: HistoryDeps, person: { psnNo: string; idNo: string }, patient: PatientView): Promise<void> {
  const history = await loadHistory(deps, person, (err) => pass.note('HIS reports for 查询', err));
  pass.move('history-loaded', { step: 'history', patient, history });
}

/** A settled visit's receipt as it was when it settled, rebuilt from the journal for a reprint. */
export function receiptOf(journal: Pick<Journal, 'settlement' | 'events' | 'settlementContext'>, settlementId: string): Receipt | null {
  const row = journal.settlement(settlementId);
  if (!row || historyStatus(row.state) !== 'settled') return null;
  const split = splitOf(row);
  if (!split) return null;
  const settledAt = journal.events(settlementId).find((e) => e.to_state === 'settled')?.at ?? row.updatedAt;
  return { settlementId: row.id, platformSettlementId: row.setlId || null, settledAt, split, balanceAfterFen: split.balanceAfterFen ?? null, ...receiptDetails(journal, settlementId) };
}

/**
 * Prints a past receipt again, only for a visit on the list the identified patient is looking at
 * (so nobody prints another person's receipt by guessing an id). Returns why not, or null when the
 * printer took it.
 */
export async function reprintReceipt(
  deps: {
    journal: Pick<Journal, 'settlement' | 'events' | 'settlementContext'>;
    current: () => SessionView;
    print: (receipt: Receipt) => Promise<{ ok: true } | { ok: false; reason: string }>;
    printed: (settlementId: string) => void;
  },
  settlementId: string,
): Promise<UserErrorCode | null> {
  const session = deps.current();
  const listed = session.step === 'history' && session.history?.visits.some((v) => v.settlementId === settlementId && v.printable);
  if (!listed) return 'wrong-step';
  const receipt = receiptOf(deps.journal, settlementId);
  if (!receipt) return 'wrong-step';
  const result = await deps.print(receipt);
  if (!result.ok) {
    // Why, for staff; the line names no patient.
    console.error(`receipt not reprinted: ${result.reason}`);
    return 'printer-unavailable';
  }
  deps.printed(settlementId);
  return null;
}

type RepayOutcome = NonNullable<HistoryView['repay']>;

/**
 * 还款: a credit debt on the list the identified patient is looking at (so nobody repays, or learns
 * of, another person's debt by guessing an id) repaid with a payment code. The engine journals and
 * sends the calls (engine.repayCreditByCode); this says how it ended on the list. Returns why not,
 * or null when the repayment ran (repaid, declined or still being asked about: `repaid` is told).
 */
export async function repayCredit(
  deps: {
    current: () => SessionView;
    repay: (settlementId: string, payCode: string) => Promise<{ kind: RepayOutcome['outcome']; fen: number; reason?: string }>;
    repaid: (outcome: RepayOutcome) => void;
  },
  settlementId: string,
  payCode: string,
): Promise<UserErrorCode | null> {
  const session = deps.current();
  const listed = session.step === 'history' && session.history?.visits.some((v) => v.settlementId === settlementId && v.repayable);
  if (!listed) return 'wrong-step';
  const result = await deps.repay(settlementId, payCode);
  deps.repaid({ settlementId, fen: result.fen, outcome: result.kind, reason: result.reason ?? null });
  return null;
}
