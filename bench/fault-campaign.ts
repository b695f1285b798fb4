// The fault campaign beside the kills (issue 11): garbled answers (each infcode class and each amount
// check), walk-aways at every step, disk-full windows between send and answer. Each scenario is one
// visit on the real engine, journal and simulator; the replay worker then finishes everything (time
// moved past settlement.stepTimeoutMs). Checked against the simulator's ledger:
//   lost                 the platform holds a standing settlement the journal does not (failed, cancelled, or still open)
//   duplicated           more than one standing settlement for one visit or one bill
//   charged_not_settled  a payment code charged for a visit that ended unpaid, not refunded
//   orphaned             an ended visit whose registration or fee lines stay open on the platform, or a visit left in a non-final state nobody works on
// needs-staff is a legitimate end (an answer that failed its check is for staff), and counted.
import { generateKeyPairSync } from 'node:crypto';
import { createSettlementEngine, JournalWriteFailedError, type SettlementEngine } from '../terminal/settlement/engine';
import { createReplayWorker } from '../terminal/settlement/replay-worker';
import { startSettlementRig, type SettlementRig } from '../terminal/testing/settlement.testkit';
import { createMobilePayClient, withMobilePay } from '../terminal/insurance/mobile-pay';
import { sm2KeysOf } from '../terminal/insurance/sm2';
import { SIM_MOBILE_PAY } from '../terminal/sim/platform/mobile-pay';
import type { FaultRule } from '../terminal/sim/platform/faults';
import type { HisBill } from '../terminal/his/client';
import type { VisitPerson } from '../terminal/settlement/calls';

interface Scenario {
  name: string;
  cls: 'infcode' | 'amount-check' | 'walk-away' | 'disk-full';
  payCode?: boolean;
  /** Faults while the visit is opened and pre-settled. */
  before?: FaultRule[];
  /** Faults while it is confirmed (none: the patient walks away at confirm). */
  confirm?: FaultRule[] | null;
  /** The journal fails to write the answer to this infno once. */
  diskFull?: string;
  /** The answer's setlinfo with values from the pre-settled split (fen), for the amount checks. */
  garble?: (split: { totalFen: number; fundFen: number; basicFundFen: number; cashFen: number }, ctx: { otherSetlId: string | null }) => Record<string, unknown>;
}

const y = (fen: number) => fen / 100;
const scenarios: Scenario[] = [
  // each infcode class, on committing and reading calls
  { name: '2207 refused (-1)', cls: 'infcode', confirm: [{ kind: 'wrong-infcode', infcode: -1, errMsg: '结算失败', infnos: ['2207'], count: 1 }] },
  { name: '2207 refused (-1) after commit', cls: 'infcode', confirm: [{ kind: 'wrong-infcode', infcode: -1, errMsg: '结算失败', afterCommit: true, infnos: ['2207'], count: 1 }] },
  { name: '2207 infcode 2 after commit', cls: 'infcode', confirm: [{ kind: 'wrong-infcode', infcode: 2, errMsg: '交易处理中，请稍后查询', afterCommit: true, infnos: ['2207'], count: 1 }] },
  { name: '2207 infcode 1, not committed', cls: 'infcode', confirm: [{ kind: 'wrong-infcode', infcode: 1, infnos: ['2207'], count: 1 }] },
  { name: '2201 infcode 2 after commit', cls: 'infcode', before: [{ kind: 'wrong-infcode', infcode: 2, errMsg: '交易处理中，请稍后查询', afterCommit: true, infnos: ['2201'], count: 1 }] },
  { name: '2204 infcode 7 after commit', cls: 'infcode', before: [{ kind: 'wrong-infcode', infcode: 7, afterCommit: true, infnos: ['2204'], count: 1 }] },
  { name: '2206 infcode 2', cls: 'infcode', before: [{ kind: 'wrong-infcode', infcode: 2, infnos: ['2206'], count: 1 }] },
  { name: '6202 infcode 2 after commit', cls: 'infcode', payCode: true, confirm: [{ kind: 'wrong-infcode', infcode: 2, errMsg: '交易处理中，请稍后查询', afterCommit: true, infnos: ['6202'], count: 1 }] },
  // each amount check
  { name: 'negative cash part', cls: 'amount-check', garble: (s) => ({ 'setlinfo.psn_cash_pay': -50, 'setlinfo.fund_pay_sumamt': y(s.fundFen + s.cashFen) + 50, 'setlinfo.hifp_pay': y(s.fundFen + s.cashFen) + 50 }) },
  { name: 'parts do not add up', cls: 'amount-check', garble: (s) => ({ 'setlinfo.psn_cash_pay': y(s.cashFen + 100) }) },
  { name: 'total differs', cls: 'amount-check', garble: (s) => ({ 'setlinfo.medfee_sumamt': y(s.totalFen + 100), 'setlinfo.psn_cash_pay': y(s.cashFen + 100) }) },
  { name: 'another person', cls: 'amount-check', garble: () => ({ 'setlinfo.psn_no': '33000000000000000999' }) },
  { name: 'cash differs from charged', cls: 'amount-check', payCode: true, garble: (s) => ({ 'setlinfo.psn_cash_pay': y(s.cashFen - 100), 'setlinfo.fund_pay_sumamt': y(s.fundFen + 100), 'setlinfo.hifp_pay': y(s.basicFundFen + 100) }) },
  { name: 'setl_id seen before', cls: 'amount-check', garble: (_s, c) => ({ 'setlinfo.setl_id': c.otherSetlId }) },
  // walk-aways: the patient leaves while each step waits (its call unanswered), or at confirm
  ...['2201', '2204', '2206'].map((infno): Scenario => ({ name: `walk-away while ${infno} waits`, cls: 'walk-away', before: [{ kind: 'reset-before', infnos: [infno], count: 3 }], confirm: null })),
  { name: 'walk-away at confirm', cls: 'walk-away', confirm: null },
  { name: 'walk-away while 2207 waits', cls: 'walk-away', confirm: [{ kind: 'reset-before', infnos: ['2207', '5203'], count: 4 }] },
  { name: 'walk-away while 6202 waits', cls: 'walk-away', payCode: true, confirm: [{ kind: 'reset-after-commit', infnos: ['6202'], count: 1 }, { kind: 'reset-before', infnos: ['6301'], count: 2 }] },
  // disk full between send and answer
  ...['2201', '2204', '2206', '2207', '6202'].map((infno): Scenario => ({ name: `disk full on the ${infno} answer`, cls: 'disk-full', diskFull: infno, payCode: infno === '6202' })),
];

export interface FaultCampaignResult {
  fault_visits: number;
  by_class: Record<string, number>;
  end_states: Record<string, number>;
  lost: number;
  duplicated: number;
  charged_not_settled: number;
  orphaned: number;
}

export async function runFaultCampaign(opts: { rounds: number; log: (line: string) => void }): Promise<FaultCampaignResult> {
  const rig: SettlementRig = await startSettlementRig({ timeoutMs: 3_000 });
  let clock = Date.now();
  const now = () => new Date(clock);
  const mobile = createMobilePayClient({ baseUrl: rig.platform.url, timeoutMs: 3_000, orgCodg: 'H33010000001', ...SIM_MOBILE_PAY, signKeys: sm2KeysOf(generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey) });
  const engine: SettlementEngine = createSettlementEngine({ journal: rig.journal, platform: withMobilePay(rig.client, mobile), random: () => 0, now, stepTimeoutMs: 60_000, onAlert: () => undefined });
  const worker = createReplayWorker({ engine, online: () => true, probe: () => Promise.resolve(true) });
  const byClass: Record<string, number> = {};
  const visits: Array<{ id: string; billId: string; code: string | null; cash: number }> = [];
  const result = { lost: 0, duplicated: 0, charged_not_settled: 0, orphaned: 0 };
  try {
    const person: VisitPerson = await rig.person('employee');
    const template = (await rig.hisBills(person.idNo))[0];
    if (!template) throw new Error('no employee bill');
    let n = 0;
    const freshBill = (): HisBill => {
      const billId = `FC-${++n}`;
      return { ...template, billId, items: template.items.map((i, k) => ({ ...i, feedetlSn: `${billId}-${k}` })) };
    };
    const quiet = async <T>(p: Promise<T>): Promise<T | null> => p.catch((err: unknown) => {
      if (err instanceof JournalWriteFailedError) return null;
      throw err;
    });
    for (let round = 0; round < opts.rounds; round++) {
      for (const sc of scenarios) {
        const bill = freshBill();
        const restoreDisk = sc.diskFull ? diskFullOnce(rig, sc.diskFull) : () => undefined;
        rig.platform.setFaults({ rules: sc.before ?? [] });
        const id = engine.open({ service: 'outpatient', person, bill, usePersonalAccount: !sc.payCode });
        await quiet(engine.pump(id));
        rig.platform.setFaults({ rules: [] });
        let code: string | null = null;
        let cash = 0;
        if (sc.confirm !== null && engine.view(id).state === 'awaiting-confirm') {
          const split = engine.view(id).split!;
          cash = split.cashFen;
          const settledBefore = visits.map((v) => engine.view(v.id).setlId).find((s) => s);
          const garble: FaultRule[] = sc.garble ? [{ kind: 'garble', infnos: ['2207'], count: 1, set: sc.garble(split, { otherSetlId: settledBefore ?? null }) }] : [];
          rig.platform.setFaults({ rules: [...(sc.confirm ?? []), ...garble] });
          if (sc.payCode && cash > 0) {
            code = rig.platform.mintPayCode(cash);
            await quiet(engine.confirm(id, { method: 'pay-code', payAuthNo: code }));
          } else await quiet(engine.confirm(id));
          rig.platform.setFaults({ rules: [] });
        }
        restoreDisk();
        visits.push({ id, billId: bill.billId, code, cash });
        byClass[sc.cls] = (byClass[sc.cls] ?? 0) + 1;
        // The worker finishes what is left, time moving past the step timeout and every backoff.
        for (let i = 0; i < 6 && (engine.visitsWithQueuedCalls().length > 0 || engine.view(id).state === 'awaiting-confirm' || engine.journalHealth().state !== 'ok'); i++) {
          clock += 61_000;
          await worker.forceNow();
        }
      }
    }
    // Checked against the platform's books.
    const ledger = rig.platform.ledger();
    const wallets = new Map(rig.platform.mobilePayLedger().wallets.map((w) => [w.payer, w.balanceFen]));
    const endStates: Record<string, number> = {};
    const standingPerBill = new Map<string, number>();
    for (const v of visits) {
      const row = rig.journal.settlement(v.id)!;
      endStates[row.state] = (endStates[row.state] ?? 0) + 1;
      const mdtrtId = row.mdtrtId;
      const standing = ledger.settlements.filter((s) => s.mdtrtId === mdtrtId && s.status === 'settled');
      standingPerBill.set(v.billId, (standingPerBill.get(v.billId) ?? 0) + standing.length);
      if (standing.length > 1) result.duplicated++;
      const ended = row.state === 'failed' || row.state === 'cancelled';
      if (standing.length > 0 && row.state !== 'settled' && row.state !== 'closed' && row.state !== 'needs-staff') result.lost++;
      if (standing.length > 0 && (row.state === 'settled' || row.state === 'closed') && row.setlId !== standing[0]!.setlId) result.lost++;
      if (ended && v.code && wallets.get(`code:${v.code}`) !== v.cash) result.charged_not_settled++;
      const visit = ledger.visits.find((x) => x.mdtrtId === mdtrtId);
      if (ended && visit && (visit.status === 'open' || visit.fees.some((f) => f.state === 'unsettled'))) result.orphaned++;
      if (!ended && !['settled', 'closed', 'needs-staff'].includes(row.state)) result.orphaned++;
    }
    for (const count of standingPerBill.values()) if (count > 1) result.duplicated++;
    opts.log(`fault campaign: ${visits.length} visits, end states ${JSON.stringify(endStates)}`);
    return { fault_visits: visits.length, by_class: byClass, end_states: endStates, ...result };
  } finally {
    await worker.stop();
    await rig.close();
  }
}

/** The disk fills once, as the answer to this infno is written (the journal's own write, made to throw SQLITE_FULL). */
function diskFullOnce(rig: SettlementRig, infno: string): () => void {
  const original = rig.journal.recordOutcome;
  let fired = false;
  rig.journal.recordOutcome = ((outcome: Parameters<typeof original>[0]) => {
    if (!fired && rig.journal.outboxRow(outcome.outboxId)?.infno === infno) {
      fired = true;
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    }
    return original(outcome);
  }) as typeof original;
  return () => {
    rig.journal.recordOutcome = original;
  };
}
