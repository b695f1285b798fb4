// The kiosk session as data: for every step the screen can be on, the events that step takes and the
// steps each event may lead to. An event a step does not list is refused ('wrong-step'), and the
// session checks every move it makes against this table, so the table is the machine, not a
// picture of it (XState's "flows as data"). Pure data: no I/O, printable, walked by its test.
import type { SessionStep } from '../api/schema';

/** What the patient, staff, a workstation or a device asks of the session. */
export const commandEvents = [
  /** A new pass: 缴费 for a service, 查询, or a payment a workstation or nurse chose the bill for. */
  'begin',
  /** The patient walked away, the idle timer ran out, or a request was cancelled. */
  'reset',
  /** A 医保码, ID card or social security card read (or text typed at the identify step). */
  'credential',
  /**
   * An e-voucher a certified vendor library decoded itself (its token and holder): identifies as a
   * 医保码 does, without the platform's decode.
   */
  'ec-voucher',
  /** The vendor library refused the code (expired, used), answered garbage or nothing: the next try counts. */
  'ec-voucher-failed',
  /** A payment code (付款码) scanned: at the split it pays the self-paid part. */
  'pay-code',
  'card-read-failed',
  'confirm',
  'change-self-pay',
  'camera-frame',
  'enrol-face',
  'staff-confirm',
  'history-printed',
  'history-repaid',
  'history-repay-for',
] as const;

/** What the session's own calls come back with: identity, the camera, the HIS, the settlement engine. */
export const outcomeEvents = [
  'identify-refused',
  'history-loaded',
  'face-check',
  'face-prompt',
  'face-result',
  'face-refused',
  'face-needs-staff',
  'staff-confirmed',
  /** The person is who they say (no face check needed, the face passed, or staff confirmed). */
  'person-confirmed',
  'bill-refused',
  /** The platform is away: the bill is shown for the patient to confirm its capture. */
  'offline-bill',
  'captured-offline',
  'visit-opened',
  'settlement-changed',
  'credit-refused',
  'face-enrolled',
  /** Something threw: recorded with its cause, the patient sent to the counter. */
  'failed',
] as const;

export type SessionEvent = (typeof commandEvents)[number] | (typeof outcomeEvents)[number];
export const sessionEvents: readonly SessionEvent[] = [...commandEvents, ...outcomeEvents];

/** Where every pass starts and every reset returns: the attract screen. */
export const initialStep: SessionStep = 'idle';

type Row = Partial<Record<SessionEvent, readonly SessionStep[]>>;

// On every screen a new pass may start and the patient may walk away.
const anyStep = { begin: ['identify'], reset: ['idle'] } as const;
// While a call is out, what it throws ends the pass on the error screen.
const callOut = { failed: ['error'] } as const;
const settlementOutcome = ['confirm', 'receipt', 'error', 'pending'] as const;

export const sessionTable: Readonly<Record<SessionStep, Row>> = {
  idle: { ...anyStep },
  identify: {
    ...anyStep,
    // To identifying; straight to the error screen when what was scanned is not a 医保码.
    credential: ['identifying', 'error'],
    'pay-code': ['error'],
    'ec-voucher': ['identifying'],
    // The screen stays and says what to do; the next read counts.
    'card-read-failed': ['identify'],
    'ec-voucher-failed': ['identify'],
  },
  identifying: {
    ...anyStep,
    ...callOut,
    'identify-refused': ['error'],
    'history-loaded': ['history'],
    // An ID-card patient shows their face (config face.idCard) before the bill is fetched.
    'face-check': ['face'],
    'person-confirmed': ['loading-bill'],
  },
  face: {
    ...anyStep,
    ...callOut,
    'camera-frame': ['face'],
    'face-prompt': ['face'],
    'face-result': ['face'],
    'face-refused': ['error'],
    // The camera could not settle it: the patient waits on the screen that says staff are coming.
    'face-needs-staff': ['error'],
    'person-confirmed': ['loading-bill'],
    // Enrolment at the receipt ends back on the receipt, enrolled or not.
    'face-enrolled': ['receipt'],
  },
  'loading-bill': { ...anyStep, ...callOut, 'bill-refused': ['error'], 'offline-bill': ['confirm'], 'visit-opened': ['presettling'] },
  presettling: { ...anyStep, ...callOut, 'settlement-changed': settlementOutcome },
  confirm: {
    ...anyStep,
    confirm: ['settling'],
    'pay-code': ['settling'],
    'change-self-pay': ['presettling'],
    // Over a credit limit nothing was sent: the split stays and says why.
    'credit-refused': ['confirm'],
  },
  settling: {
    ...anyStep,
    ...callOut,
    'settlement-changed': settlementOutcome,
    // bill-refused: the bill's claim at the HIS was found taken (or paid) at confirm, so nothing was sent.
    // An offline capture the patient confirmed: taken for later, or refused at the last moment
    // (a limit reached or a drain still running meanwhile).
    'captured-offline': ['pending'],
    'bill-refused': ['error'],
  },
  receipt: { ...anyStep, 'enrol-face': ['face'] },
  pending: { ...anyStep },
  error: {
    ...anyStep,
    ...callOut,
    // Only while a face check waits for staff (the session checks that): staff confirm in person,
    // the error is cleared and the visit goes on to the bill.
    'staff-confirm': ['error'],
    'staff-confirmed': ['error'],
    'person-confirmed': ['loading-bill'],
  },
  history: { ...anyStep, 'history-printed': ['history'], 'history-repaid': ['history'], 'history-repay-for': ['history'], 'pay-code': ['history'] },
};

/** The steps an event may lead to from a step; empty when the step refuses it. */
export function targetsOf(step: SessionStep, event: SessionEvent): readonly SessionStep[] {
  return sessionTable[step][event] ?? [];
}

export function accepts(step: SessionStep, event: SessionEvent): boolean {
  return targetsOf(step, event).length > 0;
}

export function leadsTo(step: SessionStep, event: SessionEvent, to: SessionStep): boolean {
  return targetsOf(step, event).includes(to);
}

/** A move the table does not have: a bug in the session, not something a patient did. */
export class SessionTableError extends Error {
  constructor(
    readonly step: SessionStep,
    readonly event: SessionEvent,
    readonly to: SessionStep,
  ) {
    super(`session table: '${event}' at '${step}' may not lead to '${to}'`);
    this.name = 'SessionTableError';
  }
}
