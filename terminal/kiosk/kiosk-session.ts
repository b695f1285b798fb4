// One patient's pass through the kiosk: identify, fetch the bill, pre-settle, confirm, settle,
// receipt. It owns the SessionView the screens draw and nothing else: money moves only through the
// settlement engine, people are found only through identity. Which step takes which event, and
// where it may go, is session-table.ts; this file does what each event means and moves only as that
// table allows. 查询 (history.ts), 刷脸 (face-flow.ts) and the bill a workstation or nurse chose
// (directed-payment.ts) are sub-flows that move the same pass.
import type { CashMethod, DirectedPayment, PatientView, ServiceKind, SessionView } from '../api/schema';
import type { HisBill, HisClient } from '../his/client';
import { areaName, samePool } from '../common/areas';
import { ageOn, benefitFor, identifyByEcQr, identifyByEcToken, identifyByIdCard, identifyBySsCard, maskName, type IdentifyResult, type IdentityOptions } from '../identity/resolve';
import { StaleTransitionError, type Journal } from '../journal/journal';
import { openStates } from '../common/settlement-states';
import { BillTakenError, CreditNotOwedError, JournalWriteFailedError, type SettlementEngine, type SettlementView } from '../settlement/engine';
import type { VisitPerson } from '../settlement/calls';
import { userError, type UserErrorCode } from '../common/user-errors';
import { CreditLimitError } from '../journal/credit';
import type { SelfPayOptions, SelfPayVisitContext } from '../settlement/self-pay';
import type { Frame } from '../face/frame';
import { familyPayerAt, noSelfPay, receiptSelfPay, selfPayNotice, selfPayView } from './self-pay-session';
import { repayCredit, showHistory } from './history';
import { receiptDetails } from './receipt-details';
import { createFaceFlow, type IdentifiedBy, type KioskFaceOptions } from './face-flow';
import { chooseBill, directedBill, serviceOfMedType } from './directed-payment';
import { accepts, leadsTo, SessionTableError, type SessionEvent } from './session-table';
import { accepted, createFailureLog, refused, type PassFlow, type SessionResult } from './session-pass';
import { openOnClaim, type BillClaims } from './bill-claim';

export type { SessionResult, SessionFailure } from './session-pass';

export const idleSession = (): SessionView => ({
  revision: 0,
  step: 'idle',
  service: null,
  settlementId: null,
  patient: null,
  bill: null,
  split: null,
  receipt: null,
  pending: null,
  error: null,
  directed: null,
});

const insuranceLabels: Record<string, string> = {
  '310': '职工基本医疗保险',
  '390': '城乡居民基本医疗保险',
  '320': '公务员医疗补助',
  '510': '生育保险',
  '410': '工伤保险',
};

export interface KioskSessionOptions {
  identity: IdentityOptions;
  his: HisClient;
  engine: SettlementEngine;
  usePersonalAccount: boolean;
  areaCode: string;
  journal: Journal;
  offline: { enabled: boolean; maxPerPatientFen: number; maxTotalFen: number; maxAgeHours: number; personCacheDays: number; drainWaitMs?: number };
  /**
   * True at once when no drain is running, or when the running one ends within the time; false when
   * it does not. An offline capture waits for a running drain so it cannot race a reconnect.
   */
  waitForDrain: (timeoutMs: number) => Promise<boolean>;
  now?: () => Date;
  onChange: (session: SessionView) => void;
  /** Told when the session reaches the identify step (simulated devices play then). */
  onIdentifyStep?: () => void;
  /** How the self-paid part may be paid at confirm (config settlement.selfPay); nothing offered when absent. */
  selfPay?: SelfPayOptions;
  /** 刷脸 (config `face`): absent when the terminal has no face check. */
  face?: KioskFaceOptions;
  /**
   * A charge to the payment account linked to the 医保码 above this (fen) is taken only with the
   * amount confirmed by the patient (config settlement.selfPay.confirmAmountAboveFen); null: never asked.
   */
  confirmAmountAboveFen?: number | null;
  /** 电子哨兵 (terminal/staff/alerts.ts, wired by the app): absent when no rules run. */
  alerts?: KioskAlerts;
  /** The bill's claim at the HIS (bill-claim.ts): without it a visit is guarded by this journal only. */
  claims?: BillClaims;
}

/** What the session tells the suspicious-use rules, and the one answer it takes from them. */
export interface KioskAlerts {
  /** A visit about to be confirmed; hold: the patient is sent to staff and the visit released. */
  beforeConfirm(settlementId: string): { hold: boolean };
  /** A credential refused as someone else's, or a face not the card's; subject: the ID number read, when known. */
  identityMismatch(kind: 'card' | 'face', subject: string | null): void;
  offlineCaptured(settlementId: string): void;
}

export type KioskSession = ReturnType<typeof createKioskSession>;

/** One patient's go at the screen, from a begin to the next begin or reset. */
interface Pass extends PassFlow {
  readonly abort: AbortController;
  /** Set once identified for a payment: the face step and the enrolment offer need it. */
  identifiedBy: IdentifiedBy | null;
  /** A directed payment's check on the person, kept out of the SessionView. */
  readonly directedCertnoSha256: string | null;
  /** While the platform is away: the bill shown for the patient to confirm, taken only when they do. */
  offline: { service: ServiceKind; person: VisitPerson; bill: HisBill } | null;
}

/**
 * A patient at the kiosk may retry a card that did not read true (card-mismatch) once. The retry
 * goes through the attract screen (reset, begin), so the count is the kiosk's, not the pass's: it
 * lasts until someone is identified or the kiosk has been quiet this long.
 */
const MISMATCH_VISIT_MS = 10 * 60_000;

export function createKioskSession(options: KioskSessionOptions) {
  const now = options.now ?? (() => new Date());
  const failures = createFailureLog(now);
  let mismatches = { count: 0, lastAt: 0 };
  /** One more card/person mismatch in this patient's visit; how many there have been. */
  const countMismatch = (): number => {
    const at = now().getTime();
    mismatches = { count: at - mismatches.lastAt > MISMATCH_VISIT_MS ? 1 : mismatches.count + 1, lastAt: at };
    return mismatches.count;
  };
  const face = createFaceFlow(options.face);
  const selfPayOpts = options.selfPay ?? noSelfPay;
  const contextOf = (settlementId: string) => options.journal.settlementContext<SelfPayVisitContext>(settlementId);

  // The whole of the session's state: the view the screens draw, its revision, and the current pass.
  let view = idleSession();
  let revision = 0;
  let pass: Pass = openPass(null);

  function publish(next: SessionView): void {
    view = { ...next, revision: ++revision };
    options.onChange(view);
  }

  /** The one way the view changes within a pass: as the table allows from the step it is on. */
  function enter(event: SessionEvent, patch: Partial<SessionView>): void {
    const to = patch.step ?? view.step;
    if (!leadsTo(view.step, event, to)) throw new SessionTableError(view.step, event, to);
    publish({ ...view, ...patch });
  }

  function openPass(directedCertnoSha256: string | null): Pass {
    const abort = new AbortController();
    const self: Pass = {
      abort,
      signal: abort.signal,
      identifiedBy: null,
      directedCertnoSha256,
      offline: null,
      live: () => self === pass,
      move(event, patch) {
        if (self !== pass) return false;
        enter(event, patch);
        return true;
      },
      fail(event, code, cause) {
        const shown = self === pass && leadsTo(view.step, event, 'error');
        failures.record({ context: event, step: view.step, code, shown }, cause);
        if (shown) enter(event, { step: 'error', error: userError(code) });
      },
      note(context, cause) {
        failures.record({ context, step: view.step, code: null, shown: false }, cause);
      },
    };
    return self;
  }

  /**
   * A begin or a reset: the pass on the screen ends (its camera and waits stop) and a new one starts.
   * Returns the release of a visit left at the confirm step, for a caller that waits for it.
   */
  function startPass(event: 'begin' | 'reset', next: SessionView, directedCertnoSha256: string | null = null): Promise<void> {
    if (!leadsTo(view.step, event, next.step)) throw new SessionTableError(view.step, event, next.step);
    // A patient left at the confirm step (a new begin, a bedside start, a reset): the visit is
    // cancelled now rather than holding its bill until the step timeout. It is released once, here:
    // a second cancel was refused as stale and logged as a failure on every reset at the split.
    // Left while the visit was still being registered and pre-settled: released as soon as its
    // pump brings it to the split.
    let released = Promise.resolve();
    const left = view.settlementId;
    const step = view.step;
    const atSplit = step === 'confirm';
    if (left && (atSplit || step === 'loading-bill' || step === 'presettling')) {
      const where = atSplit ? 'at the split' : 'before the split';
      const cancel = () => options.engine.cancel(left, `patient left ${atSplit ? 'the confirm step' : 'before the split'} (${event})`);
      released = (atSplit ? cancel() : options.engine.pump(left).then((v) => (v.state === 'awaiting-confirm' ? cancel() : undefined)))
        .then(() => undefined)
        // A visit that moved on meanwhile (confirmed elsewhere, expired) has nothing left to release here.
        .catch((err: unknown) => void (err instanceof StaleTransitionError || failures.record({ context: `releasing the visit left ${where}`, step, code: null, shown: false }, err)));
    }
    pass.abort.abort();
    pass = openPass(directedCertnoSha256);
    publish(next);
    return released;
  }

  /** A credit repayment by code ended (or is being asked about): the list and its receipt line say so. */
  function historyRepaid(repay: NonNullable<NonNullable<SessionView['history']>['repay']>): void {
    if (!accepts(view.step, 'history-repaid') || !view.history) return;
    const visits = view.history.visits.map((v) => (v.settlementId === repay.settlementId && repay.outcome !== 'declined' ? { ...v, repayable: false, ...(repay.outcome === 'repaid' ? { cashWay: 'repaid' as const } : {}) } : v));
    pass.move('history-repaid', { history: { ...view.history, visits, repay, repayFor: null } });
  }

  /**
   * The engine journals and sends the repayment (engine.repayCreditByCode); a start it refuses (the
   * debt no longer owed, the journal not writing) is recorded with its cause and told as a refusal.
   */
  async function repayOnList(settlementId: string, payCode: string): Promise<SessionResult> {
    const p = pass;
    try {
      const why = await repayCredit({ current: () => view, repay: (id, code) => options.engine.repayCreditByCode(id, code), repaid: (r) => p.live() && historyRepaid(r) }, settlementId, payCode);
      return why ? refused(why) : accepted;
    } catch (err) {
      const code = err instanceof CreditNotOwedError ? 'wrong-step' : err instanceof JournalWriteFailedError ? err.code : 'internal';
      failures.record({ context: 'credit repayment by code', step: view.step, code, shown: false }, err);
      return refused(code);
    }
  }

  /** Runs the flow a command started; what it throws is recorded with its cause and shown as 'internal'. */
  async function run(p: Pass, context: string, flow: () => Promise<void>): Promise<SessionResult> {
    try {
      await flow();
    } catch (err) {
      const shown = p.live() && accepts(view.step, 'failed');
      failures.record({ context, step: view.step, code: 'internal', shown }, err);
      if (shown) enter('failed', { step: 'error', error: userError('internal') });
    }
    return accepted;
  }

  function patientView(person: VisitPerson): PatientView {
    return {
      maskedName: maskName(person.name),
      gender: person.gender,
      age: ageOn(person.birthday, now()),
      insuranceLabel: insuranceLabels[person.insutype] ?? person.insutype,
      insutype: person.insutype,
      crossRegion: !samePool(person.insuplcAdmdvs, options.areaCode),
      ...(samePool(person.insuplcAdmdvs, options.areaCode) ? {} : { insuredAreaName: areaName(person.insuplcAdmdvs) }),
    };
  }

  /** Follows the engine until the visit needs the patient again or is done. */
  function showSettlement(p: Pass, settlement: SettlementView): void {
    if (!p.live()) return;
    switch (settlement.state) {
      case 'awaiting-confirm':
        if (options.alerts?.beforeConfirm(settlement.id).hold) {
          // A rule holds the visit: nothing is settled here; the patient waits for staff, the visit is released.
          p.fail('settlement-changed', 'alert-hold', 'an alert rule holds the visit for staff');
          void options.engine.cancel(settlement.id).catch((err: unknown) => p.note('releasing a held visit', err));
          return;
        }
        p.move('settlement-changed', { step: 'confirm', split: settlement.split, selfPay: confirmChoices(settlement) });
        return;
      case 'settled':
      case 'closed':
        p.move('settlement-changed', {
          step: 'receipt',
          split: settlement.split,
          receipt: settlement.split && {
            settlementId: settlement.id,
            platformSettlementId: settlement.setlId,
            settledAt: now().toISOString(),
            split: settlement.split,
            // The account balance the platform returned with the settlement (balc).
            balanceAfterFen: settlement.split.balanceAfterFen ?? null,
            selfPay: receiptSelfPay(options.journal, settlement.id, settlement.split),
            ...receiptDetails(options.journal, settlement.id),
            ...(view.patient?.crossRegion ? { crossRegion: { insuredAreaName: view.patient.insuredAreaName ?? '' } } : {}),
          },
          faceOffer: face.offerFor(p.identifiedBy),
        });
        return;
      case 'failed':
      case 'cancelled':
        p.fail('settlement-changed', 'settlement-refused', `visit ${settlement.state}`);
        return;
      case 'needs-staff':
        p.fail('settlement-changed', 'needs-staff', 'visit needs staff');
        return;
      default:
        // Still queued: the platform did not answer. The visit is safe in the journal and will be
        // finished by the replay worker; the patient gets a pending slip.
        p.move('settlement-changed', { step: 'pending' });
    }
  }

  /** Whether one more offline capture of this amount stays within the configured limits. */
  function offlineRefusal(person: VisitPerson, amountFen: number): UserErrorCode | null {
    const limits = options.offline;
    if (!limits.enabled) return 'platform-unreachable';
    const exposure = options.journal.offlineExposure(person.psnNo, openStates);
    if (exposure.oldestAt && now().getTime() - Date.parse(exposure.oldestAt) > limits.maxAgeHours * 3_600_000) return 'offline-queue-too-old';
    if (exposure.patientFen + amountFen > limits.maxPerPatientFen) return 'offline-limit-patient';
    if (exposure.terminalFen + amountFen > limits.maxTotalFen) return 'offline-limit-terminal';
    return null;
  }

  /** Opens the visit, or tells the patient why this bill cannot be paid again here. */
  function openVisit(p: Pass, input: Parameters<SettlementEngine['open']>[0]): string | null {
    try {
      // 就医一卡通: a maternity or work-injury bill settles under that insutype, on the same card.
      return options.engine.open({ ...input, person: benefitFor(input.person, input.bill) });
    } catch (err) {
      // The journal stopped writing since this pass began: nothing is opened, and the patient is told why.
      if (err instanceof JournalWriteFailedError) {
        p.fail('bill-refused', err.code, err);
        return null;
      }
      if (!(err instanceof BillTakenError)) throw err;
      p.fail('bill-refused', err.code, err);
      return null;
    }
  }

  /** From a credential to the next screen: 查询's history, or the bill, its split and (maybe) the face step first. */
  async function identifyAndLoad(p: Pass, identify: () => Promise<IdentifyResult>, by: IdentifiedBy['kind'], event: 'credential' | 'ec-voucher' = 'credential', subject: string | null = null): Promise<void> {
    const service = view.service;
    const forHistory = Boolean(view.history);
    p.move(event, { step: 'identifying', error: null, notice: null });
    const identified = await identify();
    if (!p.live()) return;
    if (identified.kind === 'unreachable') return p.fail('identify-refused', 'platform-unreachable', identified.detail);
    if (identified.kind === 'refused') {
      if (identified.code !== 'card-mismatch') return p.fail('identify-refused', identified.code, identified.detail);
      // Every mismatch is an alert row for staff; the second in one visit ends the retries: a worn
      // card (or someone else's) must not be read until it happens to give a bill.
      options.alerts?.identityMismatch('card', subject);
      const count = countMismatch();
      if (count >= 2) return p.fail('identify-refused', 'card-mismatch-staff', `${identified.detail}; mismatch ${count} in this visit: sent to staff`);
      return p.fail('identify-refused', 'card-mismatch', identified.detail);
    }
    mismatches = { count: 0, lastAt: 0 };
    const person = identified.person;
    if (forHistory) return showHistory(p, { journal: options.journal, his: options.his }, person, patientView(person));
    if (!service) throw new Error('a payment pass without a service');
    p.identifiedBy = { kind: by, idNo: person.idNo };
    if (by === 'id-card') {
      const refusal = await face.verify(p, person.idNo);
      if (!p.live()) return;
      if (refusal === 'face-mismatch') options.alerts?.identityMismatch('face', person.idNo);
      if (refusal) return p.fail('face-refused', refusal, `face check: ${refusal}`);
    }
    p.move('person-confirmed', { step: 'loading-bill', patient: patientView(person) });

    let bills: HisBill[];
    try {
      bills = await options.his.pendingBills(person.idNo);
    } catch (err) {
      return p.fail('bill-refused', 'his-unreachable', err);
    }
    if (!p.live()) return;
    const directed = view.directed;
    const bill = directed ? directedBill(bills, directed, person.idNo, p.directedCertnoSha256) : chooseBill(bills, service);
    if (!bill) return p.fail('bill-refused', directed ? 'bill-not-for-patient' : 'no-bill', directed ? 'directed bill not among the person’s bills' : `no ${service} bill`);
    const billView = { items: bill.items.map((i) => ({ name: i.name, quantity: i.quantity, amountFen: i.amountFen })), totalFen: bill.totalFen, billId: bill.billId };

    if (identified.offline) {
      // Checked before the bill is shown, so a patient is not asked to confirm what cannot be taken;
      // checked again when they confirm.
      const refusal = offlineRefusal(person, bill.totalFen);
      if (refusal) return p.fail('bill-refused', refusal, 'offline capture over its limits');
      // The patient sees the items and the amount and confirms, as online: nothing is taken before.
      p.offline = { service, person, bill };
      p.move('offline-bill', { step: 'confirm', settlementId: null, bill: billView, split: null, selfPay: null, offlineCapture: true });
      return;
    }

    // Claimed at the HIS before anything is sent: a bill another terminal is paying is refused here.
    const settlementId = await openOnClaim(options.claims, p, bill.billId, false, () => openVisit(p, { service, person, bill, usePersonalAccount: options.usePersonalAccount }));
    if (!settlementId) return;
    p.move('visit-opened', { step: 'presettling', settlementId, bill: billView });
    showSettlement(p, await options.engine.pump(settlementId));
  }

  /** The patient confirmed an offline bill: it is taken to settle when the platform is back. */
  async function captureOffline(p: Pass, taken: NonNullable<Pass['offline']>): Promise<void> {
    const { service, person, bill } = taken;
    p.move('confirm', { step: 'settling', error: null });
    const refusal = offlineRefusal(person, bill.totalFen);
    if (refusal) return p.fail('bill-refused', refusal, 'offline capture over its limits');
    // A reconnect may have started a drain meanwhile: the capture waits its turn behind it, and is
    // refused if the drain does not end in time. While the platform is away nothing drains, so
    // the capture does not wait at all.
    const drained = await options.waitForDrain(options.offline.drainWaitMs ?? 30_000);
    if (!p.live()) return;
    if (!drained) return p.fail('bill-refused', 'offline-queue-draining', 'the running drain did not end in time');
    // An offline capture claims the bill at the HIS with the long hold: it waits for the platform.
    const settlementId = await openOnClaim(options.claims, p, bill.billId, true, () => openVisit(p, { service, person, bill, usePersonalAccount: options.usePersonalAccount, deferred: true }));
    if (!settlementId || !p.live()) return;
    p.offline = null;
    const opened = options.engine.view(settlementId);
    p.move('captured-offline', { step: 'pending', settlementId, pending: opened.slipNo ? { slipNo: opened.slipNo, capturedAt: opened.createdAt } : null });
    options.alerts?.offlineCaptured(settlementId);
  }

  /** The confirm step's choices for the self-paid part, from the visit as the engine keeps it. */
  function confirmChoices(settlement: SettlementView) {
    const ctx = contextOf(settlement.id);
    if (!ctx) return null;
    // The patient's pick lives on the screen and comes back with the confirm; the core offers the default.
    return { ...selfPayView(selfPayOpts, ctx, settlement.split, null, selfPayNotice(options.journal, settlement.id)), confirmAmountAboveFen: options.confirmAmountAboveFen ?? null };
  }

  async function settle(p: Pass, event: 'confirm' | 'pay-code', settlementId: string, method?: CashMethod, payAuthNo?: string): Promise<void> {
    const offered = view.selfPay;
    const chosen = method ?? offered?.method ?? 'cashier';
    // A way this terminal does not offer is paid as before, at the cashier.
    const payment = { method: offered?.methods.includes(chosen) ? chosen : 'cashier', payAuthNo, credit: selfPayOpts.credit } as const;
    p.move(event, { step: 'settling', error: null });
    // The claim must outlive the settlement, its query and the paid notice: extended now. A bill found
    // taken or paid meanwhile is not settled (a claim the keeper lost while the patient decided ends here too).
    const billId = options.claims ? options.engine.view(settlementId).billId : null;
    const hold = options.claims && billId ? await options.claims.holdForSettle(billId) : { ok: true as const };
    if (!hold.ok) {
      await options.engine.cancel(settlementId, `bill claim not held for the settlement: ${hold.code}`).catch((err: unknown) => p.note('releasing a visit whose claim was not held', err));
      return p.fail('bill-refused', hold.code, 'the bill claim was not held for the settlement');
    }
    let settled: SettlementView;
    try {
      settled = await options.engine.confirm(settlementId, payment);
    } catch (err) {
      if (!(err instanceof CreditLimitError)) throw err;
      // Over a credit limit nothing was sent: the patient stays on the split and chooses otherwise.
      showSettlement(p, options.engine.view(settlementId));
      const code = err.limit === 'patient' ? 'credit-limit-patient' : 'credit-limit-terminal';
      failures.record({ context: 'credit-refused', step: view.step, code, shown: p.live() }, err.message);
      p.move('credit-refused', { error: userError(code) });
      return;
    }
    // Settled with the platform: the HIS hears it now, or (if it is away) from the replay worker
    // later; either way the receipt stands, and the admin queue shows the visit until the HIS heard.
    // The receipt must stand whatever the notice meets: its failures are the worker's to retry.
    if (settled.state === 'settled') await options.engine.notifyHis(settlementId).catch((err: unknown) => p.note('HIS notice after settling (the replay worker retries it)', err));
    showSettlement(p, options.engine.view(settlementId));
  }

  /** A scan or a card: 医保码 and cards identify at the identify step; a payment code pays at the split. */
  function credential(event: 'credential' | 'ec-voucher', by: IdentifiedBy['kind'], identify: () => Promise<IdentifyResult>, subject: string | null = null): Promise<SessionResult> {
    if (!accepts(view.step, event)) return Promise.resolve(refused('wrong-step'));
    const p = pass;
    return run(p, `identify by ${by}`, () => identifyAndLoad(p, identify, by, event, subject));
  }

  return {
    current: (): SessionView => view,

    /** What went wrong in recent passes and why (the newest last): for support and tests. */
    failures: failures.list,

    begin(service: ServiceKind): SessionResult {
      // A journal that cannot write what the platform answers, is still being checked after the
      // start, or was found damaged takes no payment (the status bar says which).
      const health = options.engine.journalHealth().state;
      if (health !== 'ok') return refused(health);
      void startPass('begin', { ...idleSession(), step: 'identify', service });
      options.onIdentifyStep?.();
      return accepted;
    },

    /**
     * A payment started by a doctor's workstation or a nurse: the bill is chosen, the patient only
     * identifies. Whatever the screen showed before is dropped, as a fresh begin would.
     */
    beginDirected(directed: DirectedPayment, medType: string, certnoSha256?: string): SessionResult {
      const health = options.engine.journalHealth().state;
      if (health !== 'ok') return refused(health);
      void startPass('begin', { ...idleSession(), step: 'identify', service: serviceOfMedType(medType), directed }, certnoSha256 ?? null);
      options.onIdentifyStep?.();
      return accepted;
    },

    /**
     * A bedside visit that failed (the wrong patient's code, a card that did not read through): the
     * same bed's bill waits for the right patient again, so the nurse does not go back through the
     * staff door, the PIN and the ward list. Nothing was charged on the failed try (it never reached
     * a settlement); only the bedside offers this, a doctor's request reports its failure instead.
     */
    retryDirected(): SessionResult {
      const directed = view.directed;
      if (view.step !== 'error' || directed?.origin !== 'bedside' || view.settlementId) return refused('wrong-step');
      void startPass('begin', { ...idleSession(), step: 'identify', service: view.service, directed }, pass.directedCertnoSha256);
      options.onIdentifyStep?.();
      return accepted;
    },

    /** 查询: the patient identifies, then sees their past payments here and their reports. */
    beginHistory(): SessionResult {
      void startPass('begin', { ...idleSession(), step: 'identify', history: { visits: [], reports: null, printedId: null } });
      options.onIdentifyStep?.();
      return accepted;
    },

    /** A past receipt went to the printer: the list says so. */
    historyPrinted(settlementId: string): SessionResult {
      if (!accepts(view.step, 'history-printed') || !view.history) return refused('wrong-step');
      pass.move('history-printed', { history: { ...view.history, printedId: settlementId } });
      return accepted;
    },

    /**
     * 还款: the patient opened (null: closed) the repayment of a debt on their list. While it is open a
     * payment code scanned at the history step repays that debt (credential, below).
     */
    historyRepayFor(settlementId: string | null): SessionResult {
      if (!accepts(view.step, 'history-repay-for') || !view.history) return refused('wrong-step');
      if (settlementId !== null && !view.history.visits.some((v) => v.settlementId === settlementId && v.repayable)) return refused('wrong-step');
      pass.move('history-repay-for', { history: { ...view.history, repayFor: settlementId } });
      return accepted;
    },

    /** 还款 with a payment code, scanned or typed, for a debt on the list the patient is looking at. */
    repayCredit(settlementId: string, payCode: string): Promise<SessionResult> {
      return repayOnList(settlementId, payCode);
    },

    /** A card read failed on the reader: the identify screen says what to do, and the next read counts. */
    cardReadFailed(reason: 'card-removed' | 'bad-data' | 'timeout'): SessionResult {
      if (!accepts(view.step, 'card-read-failed')) return refused('wrong-step');
      pass.move('card-read-failed', { notice: userError(reason === 'card-removed' ? 'card-removed' : 'card-unreadable') });
      return accepted;
    },

    /** A scan or typed credential: a 医保码 at the identify step, or a payment code at the split (一码付). */
    credential(text: string, kind: 'ec-qr' | 'pay-code' | 'hospital-barcode' | 'unknown'): Promise<SessionResult> {
      const event = kind === 'pay-code' ? 'pay-code' : 'credential';
      if (!accepts(view.step, event)) return Promise.resolve(refused('wrong-step'));
      const p = pass;
      // 还款 open on 查询: the scanned payment code repays that debt.
      if (view.step === 'history') {
        const debt = view.history?.repayFor;
        if (!debt || kind !== 'pay-code') return Promise.resolve(refused('wrong-step'));
        return repayOnList(debt, text);
      }
      if (view.step === 'confirm') {
        const settlementId = view.settlementId;
        if (!settlementId || !view.selfPay?.methods.includes('pay-code')) return Promise.resolve(refused('wrong-step'));
        return run(p, 'pay by payment code', () => settle(p, 'pay-code', settlementId, 'pay-code', text));
      }
      if (kind !== 'ec-qr') {
        p.fail(event, 'not-a-qr', `a ${kind} scanned at the identify step`);
        return Promise.resolve(accepted);
      }
      return credential('credential', 'ec-qr', () => identifyByEcQr(options.identity, text));
    },

    /** An ID card read whole on the reader: identifies online, or from this terminal's records when the platform is away. */
    idCard(card: { idNo: string; name: string }): Promise<SessionResult> {
      const identity = { ...options.identity, personCacheMaxAgeMs: options.offline.personCacheDays * 86_400_000 };
      return credential('credential', 'id-card', () => identifyByIdCard(identity, card), card.idNo);
    },

    /**
     * An e-voucher a certified vendor library decoded (a 医保码 on its scanner, or a face capture on a
     * certified face terminal): identified by its token, the holder checked against the platform's.
     */
    ecVoucher(voucher: { ecToken: string; idNo: string; idType: string; userName: string }): Promise<SessionResult> {
      return credential('ec-voucher', 'ec-qr', () => identifyByEcToken(options.identity, voucher), voucher.idNo);
    },

    /** The vendor library refused the code or failed: the identify screen says what to do, the next try counts. */
    ecVoucherFailed(reason: 'refused' | 'bad-data' | 'timeout', detail: string): SessionResult {
      if (!accepts(view.step, 'ec-voucher-failed')) return refused('wrong-step');
      const code = reason !== 'refused' ? 'qr-invalid' : /过期|失效|expired/i.test(detail) ? 'qr-expired' : /已使用|重复|used/i.test(detail) ? 'qr-used' : 'qr-invalid';
      pass.move('ec-voucher-failed', { notice: userError(code) });
      return accepted;
    },

    /** A social security card read on the card reader (mdtrt_cert_type 03). */
    ssCard(card: { cardNo: string; cardSn: string; idNo: string; name: string }): Promise<SessionResult> {
      return credential('credential', 'ss-card', () => identifyBySsCard(options.identity, card), card.idNo);
    },

    /**
     * Staff confirmed, in person, a patient the face check sent to them (the caller checked the
     * PIN and keeps the reason in the audit trail). Refused unless a patient is waiting for that.
     */
    staffConfirmFace(): SessionResult {
      if (!accepts(view.step, 'staff-confirm') || view.error?.code !== 'face-needs-staff' || !face.staffConfirm(pass)) return refused('wrong-step');
      return accepted;
    },

    /** A camera frame: only the face step looks at the camera. */
    cameraFrame(frame: Frame): SessionResult {
      if (!accepts(view.step, 'camera-frame')) return refused('wrong-step');
      face.push(frame);
      return accepted;
    },

    /**
     * The patient accepted the receipt's offer to pay by face next time: a live face is taken now.
     * Answers at once (the screen follows the face step's prompts); refused outside the offer.
     */
    enrolFace(): SessionResult {
      const who = pass.identifiedBy;
      if (!face.canEnrol() || !who || !accepts(view.step, 'enrol-face') || view.faceOffer !== 'offer') return refused('wrong-step');
      face.enrol(pass, who.idNo, view.receipt);
      return accepted;
    },

    confirm(settlementId: string, method?: CashMethod, confirmedFen?: number): Promise<SessionResult> {
      if (!accepts(view.step, 'confirm') || view.settlementId !== settlementId) return Promise.resolve(refused('wrong-step'));
      // Without a 医保码 there is no token to pay with: the code itself must be scanned (credential()).
      if (method === 'pay-code' && view.selfPay?.payCodeNeedsScan) return Promise.resolve(refused('pay-code-scan'));
      // A large charge to the 医保码's linked account is not one tap: the patient confirms the amount itself.
      const chosen = method ?? view.selfPay?.method;
      const above = options.confirmAmountAboveFen ?? null;
      const cash = view.split?.cashFen ?? 0;
      if (chosen === 'pay-code' && above !== null && cash > above && confirmedFen !== cash) return Promise.resolve(refused('amount-not-confirmed'));
      const p = pass;
      return run(p, 'confirm', () => settle(p, 'confirm', settlementId, method));
    },

    /** While the platform is away: the patient confirmed the bill on the screen, which is taken to settle later. */
    confirmOffline(billId: string): Promise<SessionResult> {
      const p = pass;
      const taken = p.offline;
      if (!accepts(view.step, 'confirm') || !view.offlineCapture || !taken || taken.bill.billId !== billId) return Promise.resolve(refused('wrong-step'));
      return run(p, 'offline capture', () => captureOffline(p, taken));
    },

    /** The personal account on or off, a relative's account or none: the split is pre-settled again. */
    changeSelfPay(settlementId: string, change: { usePersonalAccount: boolean; familyPayer: number | null }): Promise<SessionResult> {
      const ctx = contextOf(settlementId);
      if (!accepts(view.step, 'change-self-pay') || view.settlementId !== settlementId || !ctx) return Promise.resolve(refused('wrong-step'));
      const p = pass;
      const usePersonalAccount = selfPayOpts.personalAccount ? change.usePersonalAccount : ctx.usePersonalAccount;
      const familyPayerPsnNo = familyPayerAt(selfPayOpts, ctx, change.familyPayer);
      p.move('change-self-pay', { step: 'presettling', error: null });
      return run(p, 'self-pay change', async () => showSettlement(p, await options.engine.changeSelfPay(settlementId, { usePersonalAccount, familyPayerPsnNo })));
    },

    /**
     * Back to the attract screen. A cancel (the patient's 取消, a doctor withdrawing the request) says
     * there that nothing was charged, and offers the same service again.
     */
    async reset(reason?: 'cancel' | 'request-cancelled'): Promise<SessionResult> {
      const { step, service } = view;
      const charged = step === 'settling' || step === 'receipt' || step === 'pending';
      const ended = reason && !charged && step !== 'idle' ? { reason: reason === 'cancel' ? ('cancelled' as const) : ('request-cancelled' as const), service } : null;
      // A patient who walks away from the split has committed nothing: the visit is released (startPass).
      await startPass('reset', { ...idleSession(), ended });
      return accepted;
    },
  };
}
