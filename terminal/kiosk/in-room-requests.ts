// 诊间支付 requests: a doctor's workstation asks this device to collect payment for one HIS bill.
// Each request becomes a directed visit on the device's one kiosk session, and follows it: the
// session's steps are the request's status, which the workstation reads back. One request is
// active at a time, because the device has one screen and one patient in front of it.
import { randomBytes } from 'node:crypto';
import type { DirectedPayment, SessionView, Split } from '../api/schema';
import type { HisClient } from '../his/client';
import type { SessionResult } from './session-pass';

/** refunded: paid, then taken back by staff (退费); read from the journal, so it holds whenever the refund ends. */
export type InRoomStatus = 'waiting' | 'paying' | 'paid' | 'failed' | 'cancelled' | 'expired' | 'refunded';

/** What a workstation may read back: the bill's money and the outcome, never who the patient is. */
export interface InRoomRequestView {
  requestId: string;
  status: InRoomStatus;
  billId: string;
  totalFen: number;
  split?: Split;
  setlId?: string;
  /** Why it failed, as the kiosk's error code (e.g. 'bill-not-for-patient', 'qr-expired'). */
  errorCode?: string;
  createdAt: string;
  updatedAt: string;
}

/** The part of the terminal a request drives: the kiosk session. */
export interface InRoomDevice {
  current(): SessionView;
  begin(directed: DirectedPayment, medType: string, certnoSha256?: string): SessionResult;
  reset(reason?: 'request-cancelled'): Promise<SessionResult>;
  /** Text the patient sent from the pay link (a 医保码 at identify, a payment code at the split), as if scanned. */
  credential?(text: string): Promise<SessionResult>;
  confirm?(settlementId: string): Promise<SessionResult>;
}

/**
 * What the patient's phone sees on the pay link (医保支付找人): the bill's lines, the status, the
 * split once identified, and what it may do next. No name or ID number: the link is a bearer secret.
 */
export interface InRoomPatientView {
  status: InRoomStatus;
  deptName: string;
  requester: string;
  items: Array<{ name: string; quantity: string; amountFen: number }>;
  totalFen: number;
  /** The split once the patient identified (at the confirm step), or the settled one. */
  split: Split | null;
  /** identify: send the 医保码 text; confirm: confirm the split, or send a payment code; none: nothing to do. */
  next: 'identify' | 'confirm' | 'none';
  errorCode?: string;
}

export type CreateOutcome =
  | { kind: 'created'; view: InRoomRequestView }
  | { kind: 'conflict'; reason: 'active-request' | 'device-busy' | 'bill-paid' }
  | { kind: 'not-found' }
  | { kind: 'his-unreachable' };

export type CancelOutcome = { kind: 'cancelled'; view: InRoomRequestView } | { kind: 'conflict'; reason: 'not-waiting'; view: InRoomRequestView } | { kind: 'not-found' };

interface Entry {
  view: InRoomRequestView;
  /** For the patient's pay link only (never in the workstation's view). */
  patient: { deptName: string; requester: string; items: InRoomPatientView['items']; split: Split | null; settlementId: string | null; step: SessionView['step'] | null };
  workstationId: string;
  /** The last session step seen for it: a visit left at the pending slip is queued, not abandoned. */
  lastStep: SessionView['step'] | null;
  timer: ReturnType<typeof setTimeout> | null;
}

const finalStatuses: ReadonlySet<InRoomStatus> = new Set(['paid', 'failed', 'cancelled', 'expired', 'refunded']);
/** Steps on which a new request may take the screen: nobody is mid-payment there. */
const freeSteps: ReadonlySet<SessionView['step']> = new Set(['idle', 'receipt', 'error', 'pending']);
/** Finished requests kept for workstations to read back; older ones are forgotten first. */
const KEEP_FINISHED = 200;

export type InRoomRequests = ReturnType<typeof createInRoomRequests>;

export function createInRoomRequests(opts: {
  his: Pick<HisClient, 'bill'>;
  device: InRoomDevice;
  payLinkBase: string;
  ttlMs: number;
  now?: () => Date;
  /** Whether the visit a request paid was refunded since (the journal's word). */
  refunded?: (settlementId: string) => boolean;
}) {
  const now = opts.now ?? (() => new Date());
  const entries = new Map<string, Entry>();
  let activeId: string | null = null;
  // Held across the HIS lookup, so two POSTs at once cannot both pass the "one active" check.
  let creating = false;

  function update(entry: Entry, patch: Partial<InRoomRequestView>): void {
    entry.view = { ...entry.view, ...patch, updatedAt: now().toISOString() };
    if (finalStatuses.has(entry.view.status)) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
      if (activeId === entry.view.requestId) activeId = null;
    }
  }

  function prune(): void {
    const finished = [...entries.values()].filter((e) => finalStatuses.has(e.view.status));
    for (const e of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) entries.delete(e.view.requestId);
  }

  /** The request's status as it stands now: a paid one whose visit staff refunded reads 已退费. */
  function current(entry: Entry): InRoomRequestView {
    const settlementId = entry.patient.settlementId;
    if (entry.view.status === 'paid' && settlementId && opts.refunded?.(settlementId)) entry.view = { ...entry.view, status: 'refunded' };
    return { ...entry.view };
  }

  function shown(requestId: string): boolean {
    return opts.device.current().directed?.requestId === requestId;
  }

  function expire(entry: Entry): void {
    if (entry.view.status !== 'waiting') return;
    update(entry, { status: 'expired' });
    if (shown(entry.view.requestId)) void opts.device.reset();
  }

  return {
    async create(workstationId: string, input: { billId: string; patientCertnoSha256?: string | undefined }): Promise<CreateOutcome> {
      if (creating || activeId !== null) return { kind: 'conflict', reason: 'active-request' };
      const session = opts.device.current();
      if (!freeSteps.has(session.step) && !(session.step === 'identify' && session.directed === null)) return { kind: 'conflict', reason: 'device-busy' };
      creating = true;
      try {
        let found: Awaited<ReturnType<HisClient['bill']>>;
        try {
          found = await opts.his.bill(input.billId);
        } catch {
          return { kind: 'his-unreachable' };
        }
        if (!found) return { kind: 'not-found' };
        if (found.paid) return { kind: 'conflict', reason: 'bill-paid' };
        // Checked again: a patient may have started paying at the screen while the HIS answered.
        const after = opts.device.current();
        if (!freeSteps.has(after.step) && !(after.step === 'identify' && after.directed === null)) return { kind: 'conflict', reason: 'device-busy' };

        // 128 random bits: the id is also the pay link, so it must not be guessable.
        const requestId = randomBytes(16).toString('base64url');
        const at = now().toISOString();
        const entry: Entry = {
          view: { requestId, status: 'waiting', billId: found.bill.billId, totalFen: found.bill.totalFen, createdAt: at, updatedAt: at },
          patient: {
            deptName: found.bill.deptName,
            requester: found.bill.drName,
            items: found.bill.items.map((i) => ({ name: i.name, quantity: i.quantity, amountFen: i.amountFen })),
            split: null,
            settlementId: null,
            step: null,
          },
          workstationId,
          lastStep: null,
          timer: null,
        };
        entries.set(requestId, entry);
        activeId = requestId;
        entry.timer = setTimeout(() => expire(entry), opts.ttlMs);
        entry.timer.unref?.();
        prune();
        opts.device.begin(
          {
            origin: 'in-room',
            requestId,
            requester: found.bill.drName,
            deptName: found.bill.deptName,
            billId: found.bill.billId,
            totalFen: found.bill.totalFen,
            bed: null,
            payLink: opts.payLinkBase + requestId,
          },
          found.bill.medType,
          input.patientCertnoSha256,
        );
        return { kind: 'created', view: { ...entry.view } };
      } finally {
        creating = false;
      }
    },

    /** A workstation sees its own requests only; another's is as good as absent. */
    get(workstationId: string, requestId: string): InRoomRequestView | null {
      const entry = entries.get(requestId);
      if (!entry || entry.workstationId !== workstationId) return null;
      return current(entry);
    },

    async cancel(workstationId: string, requestId: string): Promise<CancelOutcome> {
      const entry = entries.get(requestId);
      if (!entry || entry.workstationId !== workstationId) return { kind: 'not-found' };
      // Once the patient has identified, money may be moving: only the patient (or the outcome) ends it.
      if (entry.view.status !== 'waiting') return { kind: 'conflict', reason: 'not-waiting', view: current(entry) };
      update(entry, { status: 'cancelled' });
      if (shown(requestId)) await opts.device.reset('request-cancelled');
      return { kind: 'cancelled', view: { ...entry.view } };
    },

    /** Every session change: the active request follows what its visit does on the screen. */
    onSession(view: SessionView): void {
      if (activeId === null) return;
      const entry = entries.get(activeId);
      if (!entry) return;
      if (view.directed?.requestId !== activeId) {
        // The screen moved on without an outcome: the patient cancelled or walked away. A visit
        // left on the pending slip is queued and will settle, so it is not cancelled.
        if (entry.lastStep !== 'pending') update(entry, { status: 'cancelled' });
        else activeId = null;
        return;
      }
      entry.lastStep = view.step;
      entry.patient.step = view.step;
      if (view.step === 'confirm') entry.patient = { ...entry.patient, split: view.split, settlementId: view.settlementId };
      switch (view.step) {
        case 'identify':
          return;
        case 'receipt':
          if (view.receipt) {
            // The visit the request paid: what a later refund is found by.
            entry.patient.settlementId = view.receipt.settlementId;
            update(entry, {
              status: 'paid',
              totalFen: view.receipt.split.totalFen,
              split: view.receipt.split,
              ...(view.receipt.platformSettlementId ? { setlId: view.receipt.platformSettlementId } : {}),
            });
          }
          return;
        case 'error':
          update(entry, { status: 'failed', ...(view.error ? { errorCode: view.error.code } : {}) });
          return;
        default:
          if (entry.view.status === 'waiting') update(entry, { status: 'paying' });
      }
    },

    /** The pay link's view: anyone holding the request id (128 random bits) may read it. */
    patientView(requestId: string): InRoomPatientView | null {
      const entry = entries.get(requestId);
      if (!entry) return null;
      const { status, totalFen, split, errorCode } = current(entry);
      const live = entry.view.status === 'waiting' || entry.view.status === 'paying';
      const next = !live || !shown(requestId) ? 'none' : entry.patient.step === 'identify' || entry.patient.step === null ? 'identify' : entry.patient.step === 'confirm' ? 'confirm' : 'none';
      return {
        status,
        deptName: entry.patient.deptName,
        requester: entry.patient.requester,
        items: entry.patient.items,
        totalFen,
        split: split ?? (live ? entry.patient.split : null),
        next,
        ...(errorCode ? { errorCode } : {}),
      };
    },

    /**
     * The patient acts from the pay link: a 医保码 (or, at the split, a payment code) as text, or the
     * confirm of the split shown. Only while this request's visit is the one on the device's screen.
     */
    async patientAct(requestId: string, act: { code: string } | { confirm: true }): Promise<{ ok: true } | { ok: false; reason: 'not-found' | 'not-now' | 'refused'; code?: string }> {
      const entry = entries.get(requestId);
      if (!entry) return { ok: false, reason: 'not-found' };
      const view = this.patientView(requestId);
      if (!view || view.next === 'none' || !shown(requestId)) return { ok: false, reason: 'not-now' };
      let result: SessionResult | undefined;
      if ('code' in act) result = await opts.device.credential?.(act.code);
      else if (view.next === 'confirm' && entry.patient.settlementId) result = await opts.device.confirm?.(entry.patient.settlementId);
      if (!result) return { ok: false, reason: 'not-now' };
      return result.ok ? { ok: true } : { ok: false, reason: 'refused', code: result.error.code };
    },

    close(): void {
      for (const e of entries.values()) if (e.timer) clearTimeout(e.timer);
    },
  };
}
