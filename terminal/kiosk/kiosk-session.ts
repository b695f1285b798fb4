// One patient's pass through the kiosk: identify, fetch the bill, pre-settle, confirm, settle,
// receipt. It owns the SessionView the screens draw and nothing else: money moves only through the
// settlement engine, people are found only through identity.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { DirectedPayment, PatientView, ServiceKind, SessionView } from '../api/schema';
import type { HisBill, HisClient } from '../his/client';
import { ageOn, identifyByEcQr, identifyByIdCard, identifyBySsCard, maskName, type IdentifyResult, type IdentityOptions } from '../identity/resolve';
import type { Journal } from '../journal/journal';
import { openStates } from '../common/settlement-states';
import { BillTakenError, type SettlementEngine, type SettlementView } from '../settlement/engine';
import type { VisitPerson } from '../settlement/calls';
import { userError, type UserErrorCode } from '../common/user-errors';
import type { CashMethod } from '../api/schema';
import { CreditLimitError } from '../journal/credit';
import type { SelfPayOptions, SelfPayVisitContext } from '../settlement/self-pay';
import { familyPayerAt, noSelfPay, receiptSelfPay, selfPayNotice, selfPayView } from './self-pay-session';
import type { FaceService } from '../face/face-service';
import type { Frame } from '../face/frame';
import { loadHistory } from './history';

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

const medTypesFor: Record<ServiceKind, readonly string[]> = {
  outpatient: ['11', '13', '14'],
  registration: ['12'],
  discharge: ['21'],
};

const insuranceLabels: Record<string, string> = {
  '310': '职工基本医疗保险',
  '390': '城乡居民基本医疗保险',
  '320': '公务员医疗补助',
  '510': '生育保险',
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
  face?: { service: FaceService; idCard: 'never' | 'if-enrolled' | 'always'; offerEnrolment: boolean };
}

export type KioskSession = ReturnType<typeof createKioskSession>;

const faceOutcomeError = { 'not-same-person': 'face-mismatch', 'staff-check': 'face-needs-staff', 'not-enrolled': 'face-not-enrolled' } as const;

export function createKioskSession(options: KioskSessionOptions) {
  const now = options.now ?? (() => new Date());
  let session = idleSession();
  // Every step that awaits checks it is still the same pass: a reset mid-call must not be overwritten.
  let generation = 0;

  let revision = 0;
  // Who this pass identified and by what, kept out of the view (the ID number never goes to the
  // screen): the face step and the enrolment offer need them.
  let identifiedBy: { kind: 'ec-qr' | 'ss-card' | 'id-card'; idNo: string } | null = null;
  let faceAbort: AbortController | null = null;
  let awaitingStaff: { gen: number; resolve: (confirmed: boolean) => void } | null = null;
  function publish(next: SessionView): void {
    session = { ...next, revision: ++revision };
    options.onChange(session);
  }

  function set(next: Partial<SessionView>): void {
    publish({ ...session, ...next });
  }

  function fail(code: UserErrorCode): void {
    set({ step: 'error', error: userError(code) });
  }

  function patientView(person: VisitPerson): PatientView {
    return {
      maskedName: maskName(person.name),
      gender: person.gender,
      age: ageOn(person.birthday, now()),
      insuranceLabel: insuranceLabels[person.insutype] ?? person.insutype,
      crossRegion: person.insuplcAdmdvs !== options.areaCode,
    };
  }

  // A directed payment's own check, kept out of the SessionView: the workstation may name the
  // patient it meant by a hash of the certno, so a different person's code is refused.
  let directedCertnoSha256: string | null = null;

  function chooseBill(bills: HisBill[], service: ServiceKind): HisBill | null {
    return bills.find((b) => medTypesFor[service].includes(b.medType)) ?? null;
  }

  /** A directed visit takes only the bill it was started for, and only from the person it belongs to. */
  function directedBill(bills: HisBill[], directed: DirectedPayment, certno: string): HisBill | null {
    if (directedCertnoSha256 !== null) {
      const seen = createHash('sha256').update(certno).digest();
      if (!timingSafeEqual(seen, Buffer.from(directedCertnoSha256, 'hex'))) return null;
    }
    return bills.find((b) => b.billId === directed.billId) ?? null;
  }

  /** Follows the engine until the visit needs the patient again or is done. */
  function showSettlement(view: SettlementView, gen: number): void {
    if (gen !== generation) return;
    switch (view.state) {
      case 'awaiting-confirm':
        set({ step: 'confirm', split: view.split, selfPay: confirmChoices(view) });
        return;
      case 'settled':
      case 'closed':
        set({
          step: 'receipt',
          split: view.split,
          receipt: view.split && {
            settlementId: view.id,
            platformSettlementId: view.setlId,
            settledAt: now().toISOString(),
            split: view.split,
            balanceAfterFen: null,
            selfPay: receiptSelfPay(options.journal, view.id, view.split),
          },
          faceOffer: faceOfferFor(),
        });
        return;
      case 'failed':
      case 'cancelled':
        fail('settlement-refused');
        return;
      case 'needs-staff':
        fail('needs-staff');
        return;
      default:
        // Still queued: the platform did not answer. The visit is safe in the journal and will be
        // finished by the replay worker; the patient gets a pending slip.
        set({ step: 'pending' });
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
  function openVisit(input: Parameters<SettlementEngine['open']>[0]): string | null {
    try {
      return options.engine.open(input);
    } catch (err) {
      if (!(err instanceof BillTakenError)) throw err;
      fail(err.code);
      return null;
    }
  }

  /** 查询: the person identified, their past visits here and their reports; no bill is touched. */
  async function identifyForHistory(identify: () => Promise<IdentifyResult>): Promise<void> {
    const gen = generation;
    set({ step: 'identifying', error: null, notice: null });
    const identified = await identify();
    if (gen !== generation) return;
    if (identified.kind === 'unreachable') return fail('platform-unreachable');
    if (identified.kind === 'refused') return fail(identified.code);
    const history = await loadHistory({ journal: options.journal, his: options.his }, identified.person);
    if (gen !== generation) return;
    set({ step: 'history', patient: patientView(identified.person), history });
  }

  /** Offered only to a patient identified by 医保码 or social security card (the platform vouched
   * for them), with no face enrolled yet, on a terminal whose ID-card path looks at faces. */
  function faceOfferFor(): 'offer' | null {
    const face = options.face;
    if (!face || !face.offerEnrolment || face.idCard === 'never' || !identifiedBy || identifiedBy.kind === 'id-card') return null;
    return face.service.isEnrolled(identifiedBy.idNo) ? null : 'offer';
  }

  /**
   * The camera step for a patient who identified by ID card: the card says who, the face says it is
   * them. Null when they may go on, else what to tell them.
   */
  async function faceStep(idNo: string, gen: number): Promise<UserErrorCode | null> {
    const face = options.face;
    if (!face || face.idCard === 'never') return null;
    if (face.idCard === 'if-enrolled' && !face.service.isEnrolled(idNo)) return null;
    const abort = (faceAbort = new AbortController());
    set({ step: 'face', face: { mode: 'verify', prompt: null } });
    const result = await face.service.verify(
      idNo,
      (prompt) => {
        if (gen === generation) set({ face: { mode: 'verify', prompt } });
      },
      abort.signal,
    );
    if (gen !== generation) return null;
    set({ face: null });
    if (result.outcome === 'verified') return null;
    if (result.outcome !== 'staff-check') return faceOutcomeError[result.outcome];
    // What the camera could not settle, a person can: the patient waits on the screen that says
    // staff are coming; staff look at the card and the patient and confirm with their PIN and a
    // reason (audited), or the patient walks away (reset) and nothing goes on.
    set({ step: 'error', error: userError('face-needs-staff') });
    const confirmed = await new Promise<boolean>((resolve) => (awaitingStaff = { gen, resolve }));
    awaitingStaff = null;
    // Not confirmed only on a reset: the caller sees the new generation and stops there.
    if (confirmed && gen === generation) set({ error: null });
    return null;
  }

  async function identifyAndLoad(identify: () => Promise<IdentifyResult>, by?: { kind: 'ec-qr' | 'ss-card' | 'id-card'; idNo?: string }): Promise<void> {
    if (session.history && session.step === 'identify') return identifyForHistory(identify);
    const gen = generation;
    const service = session.service;
    if (session.step !== 'identify' || !service) return;
    set({ step: 'identifying', error: null, notice: null });
    const identified = await identify();
    if (gen !== generation) return;
    if (identified.kind === 'unreachable') return fail('platform-unreachable');
    if (identified.kind === 'refused') return fail(identified.code);
    const person = identified.person;
    identifiedBy = by ? { kind: by.kind, idNo: person.idNo } : null;
    if (by?.kind === 'id-card') {
      const refusal = await faceStep(person.idNo, gen);
      if (gen !== generation) return;
      if (refusal) return fail(refusal);
    }
    set({ step: 'loading-bill', patient: patientView(person) });

    let bills: HisBill[];
    try {
      bills = await options.his.pendingBills(person.idNo);
    } catch {
      if (gen === generation) fail('his-unreachable');
      return;
    }
    if (gen !== generation) return;
    const directed = session.directed;
    const bill = directed ? directedBill(bills, directed, person.idNo) : chooseBill(bills, service);
    if (!bill) return fail(directed ? 'bill-not-for-patient' : 'no-bill');
    const billView = { items: bill.items.map((i) => ({ name: i.name, quantity: i.quantity, amountFen: i.amountFen })), totalFen: bill.totalFen };

    if (identified.offline) {
      const refusal = offlineRefusal(person, bill.totalFen);
      if (refusal) return fail(refusal);
      // A reconnect may have started a drain meanwhile: the capture waits its turn behind it, and is
      // refused if the drain does not end in time. While the platform is away nothing drains, so
      // the capture does not wait at all.
      const drained = await options.waitForDrain(options.offline.drainWaitMs ?? 30_000);
      if (gen !== generation) return;
      if (!drained) return fail('offline-queue-draining');
      const settlementId = openVisit({ service, person, bill, usePersonalAccount: options.usePersonalAccount, deferred: true });
      if (!settlementId) return;
      const view = options.engine.view(settlementId);
      set({ step: 'pending', settlementId, bill: billView, pending: view.slipNo ? { slipNo: view.slipNo, capturedAt: view.createdAt } : null });
      return;
    }

    const settlementId = openVisit({ service, person, bill, usePersonalAccount: options.usePersonalAccount });
    if (!settlementId) return;
    set({ step: 'presettling', settlementId, bill: billView });
    showSettlement(await options.engine.pump(settlementId), gen);
  }

  const selfPayOpts = options.selfPay ?? noSelfPay;
  const contextOf = (settlementId: string) => options.journal.settlementContext<SelfPayVisitContext>(settlementId);

  /** The confirm step's choices for the self-paid part, from the visit as the engine keeps it. */
  function confirmChoices(view: SettlementView) {
    const ctx = contextOf(view.id);
    if (!ctx) return null;
    // The patient's pick lives on the screen and comes back with the confirm; the core offers the default.
    return selfPayView(selfPayOpts, ctx, view.split, null, selfPayNotice(options.journal, view.id));
  }

  async function settle(settlementId: string, method?: CashMethod, payAuthNo?: string): Promise<void> {
    const gen = generation;
    const offered = session.selfPay;
    const chosen = method ?? offered?.method ?? 'cashier';
    // A way this terminal does not offer is paid as before, at the cashier.
    const payment = { method: offered?.methods.includes(chosen) ? chosen : 'cashier', payAuthNo, credit: selfPayOpts.credit } as const;
    set({ step: 'settling', error: null });
    let view: SettlementView;
    try {
      view = await options.engine.confirm(settlementId, payment);
    } catch (err) {
      if (!(err instanceof CreditLimitError)) throw err;
      // Over a credit limit nothing was sent: the patient stays on the split and chooses otherwise.
      showSettlement(options.engine.view(settlementId), gen);
      if (gen === generation) set({ error: userError(err.limit === 'patient' ? 'credit-limit-patient' : 'credit-limit-terminal') });
      return;
    }
    // Settled with the platform: the HIS hears it now, or (if it is away) from the replay worker
    // later; either way the receipt stands, and the admin queue shows the visit until the HIS heard.
    // The receipt must stand whatever the notice meets: its failures are the worker's to retry.
    if (view.state === 'settled') await options.engine.notifyHis(settlementId).catch(() => undefined);
    showSettlement(options.engine.view(settlementId), gen);
  }

  return {
    current: (): SessionView => session,

    begin(service: ServiceKind): void {
      generation++;
      directedCertnoSha256 = null;
      publish({ ...idleSession(), step: 'identify', service });
      options.onIdentifyStep?.();
    },

    /**
     * A payment started by a doctor's workstation or a nurse: the bill is chosen, the patient only
     * identifies. Whatever the screen showed before is dropped, as a fresh begin would.
     */
    beginDirected(directed: DirectedPayment, medType: string, certnoSha256?: string): void {
      const service = (Object.keys(medTypesFor) as ServiceKind[]).find((k) => medTypesFor[k].includes(medType)) ?? 'outpatient';
      generation++;
      directedCertnoSha256 = certnoSha256 ?? null;
      publish({ ...idleSession(), step: 'identify', service, directed });
      options.onIdentifyStep?.();
    },

    /** 查询: the patient identifies, then sees their past payments here and their reports. */
    beginHistory(): void {
      generation++;
      directedCertnoSha256 = null;
      publish({ ...idleSession(), step: 'identify', history: { visits: [], reports: null, printedId: null } });
      options.onIdentifyStep?.();
    },

    /** A past receipt went to the printer: the list says so. */
    historyPrinted(settlementId: string): void {
      if (session.step === 'history' && session.history) set({ history: { ...session.history, printedId: settlementId } });
    },

    /** A card read failed on the reader: the identify screen says what to do, and the next read counts. */
    cardReadFailed(reason: 'card-removed' | 'bad-data' | 'timeout'): void {
      if (session.step !== 'identify') return;
      set({ notice: userError(reason === 'card-removed' ? 'card-removed' : 'card-unreadable') });
    },

    /** A scan or typed credential; only the identify step listens. */
    credential(text: string, kind: 'ec-qr' | 'pay-code' | 'hospital-barcode' | 'unknown'): Promise<void> {
      // A payment code shown at the split is the patient paying the rest with it (一码付).
      if (session.step === 'confirm' && kind === 'pay-code' && session.settlementId && session.selfPay?.methods.includes('pay-code')) {
        return settle(session.settlementId, 'pay-code', text).catch(() => fail('internal'));
      }
      if (session.step !== 'identify') return Promise.resolve();
      if (kind !== 'ec-qr') {
        fail('not-a-qr');
        return Promise.resolve();
      }
      return identifyAndLoad(() => identifyByEcQr(options.identity, text), { kind: 'ec-qr' }).catch(() => fail('internal'));
    },

    /** An ID card read whole on the reader: identifies online, or from this terminal's records when the platform is away. */
    idCard(card: { idNo: string; name: string }): Promise<void> {
      if (session.step !== 'identify') return Promise.resolve();
      const identity = { ...options.identity, personCacheMaxAgeMs: options.offline.personCacheDays * 86_400_000 };
      return identifyAndLoad(() => identifyByIdCard(identity, card), { kind: 'id-card' }).catch(() => fail('internal'));
    },

    /** A social security card read on the card reader (mdtrt_cert_type 03). */
    ssCard(card: { cardNo: string; cardSn: string; idNo: string; name: string }): Promise<void> {
      if (session.step !== 'identify') return Promise.resolve();
      return identifyAndLoad(() => identifyBySsCard(options.identity, card), { kind: 'ss-card' }).catch(() => fail('internal'));
    },

    /**
     * Staff confirmed, in person, a patient the face check sent to them (the caller checked the
     * PIN and keeps the reason in the audit trail). Refused unless a patient is waiting for that.
     */
    staffConfirmFace(): UserErrorCode | null {
      const waiting = awaitingStaff;
      if (!waiting || waiting.gen !== generation || session.error?.code !== 'face-needs-staff') return 'wrong-step';
      waiting.resolve(true);
      return null;
    },

    /** A camera frame: only the face step looks at the camera. */
    cameraFrame(frame: Frame): void {
      if (session.step === 'face') options.face?.service.push(frame);
    },

    /**
     * The patient accepted the receipt's offer to pay by face next time: a live face is taken now.
     * Returns at once (the screen follows the face step's prompts); refused outside the offer.
     */
    enrolFace(): UserErrorCode | null {
      const face = options.face;
      const who = identifiedBy;
      if (!face || !who || session.step !== 'receipt' || session.faceOffer !== 'offer') return 'wrong-step';
      const gen = generation;
      const receipt = session.receipt;
      const abort = (faceAbort = new AbortController());
      set({ step: 'face', face: { mode: 'enrol', prompt: null } });
      void face.service
        .enrol(
          who.idNo,
          (prompt) => {
            if (gen === generation) set({ face: { mode: 'enrol', prompt } });
          },
          abort.signal,
        )
        .then((result) => (result.outcome === 'verified' ? 'enrolled' : 'failed'), () => 'failed' as const)
        .then((faceOffer) => {
          if (gen === generation) set({ step: 'receipt', face: null, receipt, faceOffer });
        });
      return null;
    },

    confirm(settlementId: string, method?: CashMethod): Promise<void> | UserErrorCode {
      if (session.step !== 'confirm' || session.settlementId !== settlementId) return 'wrong-step';
      // Without a 医保码 there is no token to pay with: the code itself must be scanned (credential()).
      if (method === 'pay-code' && session.selfPay?.payCodeNeedsScan) return 'pay-code-scan';
      return settle(settlementId, method).catch(() => fail('internal'));
    },

    /** The personal account on or off, a relative's account or none: the split is pre-settled again. */
    changeSelfPay(settlementId: string, change: { usePersonalAccount: boolean; familyPayer: number | null }): Promise<void> | UserErrorCode {
      const ctx = contextOf(settlementId);
      if (session.step !== 'confirm' || session.settlementId !== settlementId || !ctx) return 'wrong-step';
      const gen = generation;
      const usePersonalAccount = selfPayOpts.personalAccount ? change.usePersonalAccount : ctx.usePersonalAccount;
      const familyPayerPsnNo = familyPayerAt(selfPayOpts, ctx, change.familyPayer);
      set({ step: 'presettling', error: null });
      return options.engine
        .changeSelfPay(settlementId, { usePersonalAccount, familyPayerPsnNo })
        .then((view) => showSettlement(view, gen))
        .catch(() => fail('internal'));
    },

    async reset(): Promise<void> {
      const settlementId = session.settlementId;
      const step = session.step;
      faceAbort?.abort();
      awaitingStaff?.resolve(false);
      identifiedBy = null;
      generation++;
      directedCertnoSha256 = null;
      publish(idleSession());
      // A patient who walks away from the split has committed nothing: release the visit.
      if (settlementId && step === 'confirm') await options.engine.cancel(settlementId).catch(() => undefined);
    },
  };
}
