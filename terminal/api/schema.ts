// The terminal's one API surface: every host (Electron IPC, web WebSocket) carries exactly these
// commands and events, and validates them with these schemas on both sides of the boundary.
// Money is integer fen everywhere in this file.
import { z } from 'zod';
import { CashMethod, CredentialKind, DeviceHealth, Fen, Reconciliation, ReconciliationGroup, ServiceKind, Split, UserError } from '../common/vocabulary';
import { creditRepaidReasonCodes, refundReasonCodes } from '../common/refund-reasons';

export { CashMethod, CredentialKind, DeviceHealth, Fen, Reconciliation, ReconciliationGroup, ServiceKind, Split, UserError };

/** Patient as shown on screen: masked name, no ID number. */
export const PatientView = z.object({
  maskedName: z.string(),
  gender: z.enum(['male', 'female', 'unknown']),
  age: z.number().int().nonnegative(),
  insuranceLabel: z.string(),
  /** The insurance type's code (310, 390, ...), so the screen can name it in the patient's language. */
  insutype: z.string().optional(),
  crossRegion: z.boolean(),
  /** 异地: the name of the area that insures the patient (参保地), shown beside the 异地 mark. */
  insuredAreaName: z.string().optional(),
});
export type PatientView = z.infer<typeof PatientView>;

export const BillItem = z.object({
  name: z.string(),
  quantity: z.string(),
  amountFen: Fen,
});
export type BillItem = z.infer<typeof BillItem>;

/**
 * The confirm step's choices for the self-paid part, as far as this terminal allows them. Relatives
 * are named by position and masked name only; the patient's own account balance is not shown.
 */
export const SelfPayView = z.object({
  /** Whether the patient may turn the personal account off or on, and whether it is on now. */
  personalAccount: z.object({ allowed: z.boolean(), on: z.boolean() }),
  /** Relatives whose account may pay (家庭共济), empty when none or not allowed here. */
  familyPayers: z.array(z.object({ index: z.number().int().nonnegative(), maskedName: z.string() })),
  familyPayer: z.number().int().nonnegative().nullable(),
  /** The ways offered for the cash part, and the one a single tap uses. */
  methods: z.array(CashMethod),
  method: CashMethod,
  /** Pay by code needs the patient to scan a payment code (they did not identify with a 医保码). */
  payCodeNeedsScan: z.boolean(),
  /** What happened to the last attempt, for the screen to say. */
  notice: z.enum(['pay-code-declined', 'family-account-refused']).nullable(),
  /**
   * A charge to the payment account linked to the 医保码 above this (fen) needs the patient to
   * confirm the amount itself (config settlement.selfPay.confirmAmountAboveFen); null: never.
   */
  confirmAmountAboveFen: Fen.nullable().optional(),
});
export type SelfPayView = z.infer<typeof SelfPayView>;

/** On the receipt: how the cash part was paid; owedFen is what the patient owes the hospital (credit). */
export const ReceiptSelfPay = z.object({ method: CashMethod, paidByCodeFen: Fen, owedFen: Fen, atCashierFen: Fen });
export type ReceiptSelfPay = z.infer<typeof ReceiptSelfPay>;

export const Receipt = z.object({
  settlementId: z.string(),
  /** The platform's setl_id, when settled online. */
  platformSettlementId: z.string().nullable(),
  settledAt: z.string(),
  split: Split,
  balanceAfterFen: Fen.nullable(),
  selfPay: ReceiptSelfPay.optional(),
  /** 异地就医: the receipt and the slip say so, with the insured area's name. */
  crossRegion: z.object({ insuredAreaName: z.string() }).optional(),
  /** The bill's items with their class (甲/乙/丙 from chrgitm_lv), for the slip the patient keeps. */
  items: z.array(z.object({ name: z.string(), itemClass: z.enum(['01', '02', '03']), amountFen: Fen })).optional(),
  /** 医疗收费电子票据, when the HIS returned one: its number and the QR content to print. */
  einvoice: z.object({ number: z.string(), qr: z.string() }).nullable().optional(),
});
export type Receipt = z.infer<typeof Receipt>;

/** The refund slip (退费凭证): what was taken back and where the cash part goes, for the patient to keep. */
export const RefundSlip = z.object({
  settlementId: z.string(),
  /** The original settlement's setl_id (the one cancelled). */
  platformSettlementId: z.string().nullable(),
  refundedAt: z.string(),
  reason: z.string(),
  split: Split,
  cash: z.object({ method: z.enum(['pay-code', 'cashier', 'credit', 'none']), fen: Fen, text: z.string() }),
});
export type RefundSlip = z.infer<typeof RefundSlip>;

export const FacePrompt = z.enum(['look-at-camera', 'come-closer', 'more-light', 'face-the-camera', 'one-person-only', 'hold-still', 'turn-left', 'turn-right', 'blink']);
export type FacePrompt = z.infer<typeof FacePrompt>;
export const FaceStepView = z.object({ mode: z.enum(['verify', 'enrol']), prompt: FacePrompt.nullable() });
export type FaceStepView = z.infer<typeof FaceStepView>;

export const SessionStep = z.enum([
  'idle',
  'identify',
  'identifying',
  'loading-bill',
  'presettling',
  'confirm',
  'settling',
  'receipt',
  'pending',
  'error',
  /** 查询: the identified patient's past payments on this terminal and their reports. */
  'history',
  /** The camera: the patient's face checked against the face they enrolled, or being enrolled. */
  'face',
]);
export type SessionStep = z.infer<typeof SessionStep>;

/**
 * A payment someone else started for this patient: a doctor's workstation (诊间支付, origin
 * 'in-room') or a nurse at the bed (origin 'bedside'). The bill is chosen already; the patient only
 * identifies, and the bill must be theirs. Staff names only: nothing here names the patient.
 */
export const DirectedPayment = z.object({
  origin: z.enum(['in-room', 'bedside']),
  /** The in-room request this visit answers (the workstation follows it); null at the bedside. */
  requestId: z.string().nullable(),
  /** Who asked: the ordering or attending doctor as the HIS names them. */
  requester: z.string(),
  deptName: z.string(),
  billId: z.string(),
  totalFen: Fen,
  /** The bed at the bedside; null in a consultation room. */
  bed: z.string().nullable(),
  /** 医保支付找人: a link the patient can open on their phone instead, shown as a QR. */
  payLink: z.string().nullable(),
});
export type DirectedPayment = z.infer<typeof DirectedPayment>;

/** One past visit of the identified patient on this terminal: money and status, never an ID number. */
export const HistoryVisit = z.object({
  settlementId: z.string(),
  service: z.string(),
  /** When it settled, or when it was taken if it has not. */
  at: z.string(),
  totalFen: Fen.nullable(),
  /** What the insurance funds paid; null while the split is not known yet. */
  fundFen: Fen.nullable(),
  /** Personal and family account. */
  accountFen: Fen.nullable(),
  cashFen: Fen.nullable(),
  /**
   * How the cash part was or is to be paid: by payment code (paid), at the cashier (still owed
   * there), or on credit (owed, 待补缴); null while not known (not settled, or nothing in cash).
   */
  cashWay: z.enum(['pay-code', 'cashier', 'credit', 'repaid']).nullable().optional(),
  /** refunded: settled, then taken back by staff (已退费); refunding: staff's refund under way (退费处理中). */
  status: z.enum(['settled', 'pending', 'cancelled', 'refunded', 'refunding']),
  /** 一单式: each payer's part as the platform split it (the receipt's lines); null while not known. */
  split: Split.nullable().optional(),
  /** The platform's setl_id, or the pending slip's number. */
  reference: z.string().nullable(),
  /** A settled visit's receipt can be printed again. */
  printable: z.boolean(),
  /** A credit (信用就医) debt owed on this visit that the patient can repay here by payment code (还款). */
  repayable: z.boolean().optional(),
});
export type HistoryVisit = z.infer<typeof HistoryVisit>;

/** A lab or exam report as the HIS lists it for the patient. */
export const HistoryReport = z.object({
  reportId: z.string(),
  name: z.string(),
  dept: z.string(),
  issuedAt: z.string(),
  status: z.enum(['ready', 'pending']),
});
export type HistoryReport = z.infer<typeof HistoryReport>;

export const HistoryView = z.object({
  /** Newest first. */
  visits: z.array(HistoryVisit),
  /** Null when the HIS could not be asked. */
  reports: z.array(HistoryReport).nullable(),
  /** The visit whose receipt was last sent to the printer in this pass. */
  printedId: z.string().nullable(),
  /**
   * The last credit repayment by code in this pass: repaid (已还款), declined (the debt still owed,
   * with the centre's words), or pending (the outcome is being asked about: not to be paid again).
   */
  /** The debt whose 还款 is open: a payment code scanned now repays it. */
  repayFor: z.string().nullable().optional(),
  repay: z.object({ settlementId: z.string(), fen: Fen, outcome: z.enum(['repaid', 'declined', 'pending']), reason: z.string().nullable() }).nullable().optional(),
});
export type HistoryView = z.infer<typeof HistoryView>;

export const SessionView = z.object({
  /** Grows with every change, so a host that may deliver views out of order (IPC) lets the UI drop stale ones. */
  revision: z.number().int().nonnegative(),
  step: SessionStep,
  service: ServiceKind.nullable(),
  settlementId: z.string().nullable(),
  patient: PatientView.nullable(),
  /** billId: the HIS bill, which an offline capture's confirm names. */
  bill: z.object({ items: z.array(BillItem), totalFen: Fen, billId: z.string().optional() }).nullable(),
  split: Split.nullable(),
  receipt: Receipt.nullable(),
  /** An offline capture's slip: a short number staff can look up, and when the bill was taken. */
  pending: z.object({ slipNo: z.string().min(4).max(16), capturedAt: z.string() }).nullable(),
  error: UserError.nullable(),
  directed: DirectedPayment.nullable(),
  /** At the confirm step: how the self-paid part may be paid. */
  selfPay: SelfPayView.nullable().optional(),
  /** Set from `history.begin`: the patient identifies to see past payments (empty until identified). */
  history: HistoryView.nullable().optional(),
  /** A problem on the identify step the patient can fix there (a card read that failed): the screen stays. */
  notice: UserError.nullable().optional(),
  /** The face step: what it is for and what the patient is asked to do now (look, come closer, turn). */
  face: FaceStepView.nullable().optional(),
  /** At the receipt: whether to offer paying by face next time (the patient has no face enrolled). */
  faceOffer: z.enum(['offer', 'enrolled', 'failed']).nullable().optional(),
  /**
   * At the confirm step while the platform is away: the bill is shown for the patient to confirm its
   * capture (no split yet: the funds' share is known once the platform is back).
   */
  offlineCapture: z.boolean().optional(),
  /** On the attract screen after a pass was cancelled (by the patient or the doctor): nothing was charged. */
  ended: z.object({ reason: z.enum(['cancelled', 'request-cancelled']), service: ServiceKind.nullable() }).nullable().optional(),
});
export type SessionView = z.infer<typeof SessionView>;

export const TerminalStatus = z.object({
  terminalId: z.string(),
  platformOnline: z.boolean(),
  /** While the platform is away, a patient this terminal served before can have a bill taken by ID card (settlement.offline, an ID card reader). */
  offlineCapture: z.boolean().optional(),
  outboxPending: z.number().int().nonnegative(),
  /** The identify step reads a code from the kiosk window's own camera (a camera device with source push). */
  windowCameraQr: z.boolean().optional(),
  /** The last receipt's slip: still printing, out, or not out (the receipt screen tells the patient). */
  lastPrint: z.object({ settlementId: z.string(), state: z.enum(['printing', 'printed', 'failed']) }).nullable().optional(),
  devices: z.array(DeviceHealth),
  /**
   * 'journal-write-failed': an answer could not be written (disk full); new visits are stopped until writes work.
   * 'journal-checking': the journal's pages are being checked after the start; no payment until it passes.
   * 'journal-damaged': that check found damage; no payment, and `error` says what and the restore command.
   */
  journal: z.object({ state: z.enum(['ok', 'journal-write-failed', 'journal-checking', 'journal-damaged']), error: z.string().nullable(), since: z.string().nullable() }).optional(),
});
export type TerminalStatus = z.infer<typeof TerminalStatus>;

/** One visit in the admin screen's queue: what it waits for, since when, and why it is stuck. No patient data. */
export const QueueItem = z.object({
  settlementId: z.string(),
  state: z.string(),
  service: z.string(),
  slipNo: z.string().nullable(),
  deferred: z.boolean(),
  totalFen: Fen.nullable(),
  createdAt: z.string(),
  ageSeconds: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** Dead letters: a reason is required to retry or cancel. */
  needsStaff: z.boolean(),
});
export type QueueItem = z.infer<typeof QueueItem>;

export const SimFaultPreset = z.enum(['none', 'platform-down', 'slow-platform', 'lost-settlement-answers', 'platform-errors']);
export type SimFaultPreset = z.infer<typeof SimFaultPreset>;

/** What the terminal is set up to talk to, and what a hospital should not go live with. */
export const ConfigCheck = z.object({
  items: z.array(z.object({ key: z.string(), value: z.string() })),
  warnings: z.array(
    z.enum(['demo-admin-pin', 'embedded-platform', 'embedded-his', 'unsigned-platform', 'no-msgid-slot', 'no-scanner', 'no-printer', 'in-room-loopback', 'in-room-no-workstation', 'device-config']),
  ),
  /** The embedded platform simulator's rehearsal faults; null when the platform is a real one. */
  simulatorFaults: SimFaultPreset.nullable(),
});
export type ConfigCheck = z.infer<typeof ConfigCheck>;

/**
 * 电子哨兵: one suspicious-use alert as the staff screen shows it. The person is only the first digits
 * of an HMAC (two alerts with the same subject are the same person); detail is counts and thresholds.
 */
export const AlertView = z.object({
  id: z.number().int(),
  at: z.string(),
  rule: z.enum(['rapid-repeat', 'identity-mismatch', 'negotiated-drug', 'family-payer', 'offline-cluster']),
  subject: z.string().nullable(),
  settlementId: z.string().nullable(),
  /** The visit was held for staff before the patient could confirm. */
  hold: z.boolean(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type AlertView = z.infer<typeof AlertView>;

/**
 * A visit settled today as the staff screen lists it, to refund (退费) from: its state now (closed,
 * being refunded, refunded), the bill and the money. No patient data.
 */
export const SettledItem = z.object({
  settlementId: z.string(),
  service: z.string(),
  state: z.string(),
  billId: z.string().nullable(),
  totalFen: Fen.nullable(),
  cashFen: Fen.nullable(),
  settledAt: z.string(),
  /** The core would take a refund of it now (settled or closed). */
  refundable: z.boolean(),
  /** The last platform error on the visit (a refused cancel's err_msg), or null. */
  lastError: z.string().nullable(),
});
export type SettledItem = z.infer<typeof SettledItem>;

export const AdminOverview = z.object({
  queue: z.array(QueueItem),
  /** Today's settled visits, newest first (at most 50): what staff may refund. */
  settled: z.array(SettledItem).optional(),
  replay: z.object({ queuedVisits: z.number().int().nonnegative(), draining: z.boolean(), lastRunAt: z.string().nullable(), lastProbeOk: z.boolean().nullable() }),
  today: z.object({
    date: z.string(),
    settledCount: z.number().int().nonnegative(),
    totalFen: Fen,
    fundFen: Fen,
    accountFen: Fen,
    /** The self-paid part in all, and how it splits: paid by code, still owed at the cashier, on credit. */
    cashFen: Fen,
    payCodeFen: Fen.optional(),
    atCashierFen: Fen.optional(),
    creditFen: Fen.optional(),
  }),
  reconciliation: Reconciliation.nullable(),
  /** Credit (信用就医): what patients owe the hospital, per visit; no name or ID number. */
  config: ConfigCheck.optional(),
  /** 电子哨兵: the newest alerts, newest first, and how many so far by rule. */
  alerts: z.object({ recent: z.array(AlertView), counts: z.record(z.string(), z.number().int().nonnegative()) }).optional(),
  credit: z
    .object({
      outstandingFen: Fen,
      debts: z.array(z.object({ settlementId: z.string(), billId: z.string().nullable(), status: z.enum(['reserved', 'owed', 'void', 'repaid']), amountFen: Fen, createdAt: z.string() })),
    })
    .optional(),
});
export type AdminOverview = z.infer<typeof AdminOverview>;

/** One inpatient awaiting discharge on the nurse's list: the masked name only, never an ID number. */
export const BedsideInpatient = z.object({
  billId: z.string(),
  ward: z.string(),
  wardName: z.string(),
  bed: z.string(),
  maskedName: z.string(),
  admittedAt: z.string(),
  drName: z.string(),
  totalFen: Fen,
});
export type BedsideInpatient = z.infer<typeof BedsideInpatient>;

const Pin = z.string().regex(/^\d{4,12}$/);
const RehearsalPersonKey = z.string().regex(/^[a-z][a-z-]{1,39}$/);
/** What the rehearsal panel shows and did: keys and descriptions of demo people, never their names. */
export const RehearsalView = z.object({
  people: z.array(z.object({ key: z.string(), shows: z.object({ zh: z.string(), en: z.string() }) })),
  issued: z.object({ billId: z.string(), totalFen: Fen, bed: z.string().nullable() }).nullable(),
  reissued: z.number().int().nonnegative().nullable(),
});
export type RehearsalView = z.infer<typeof RehearsalView>;
const Reason = z.string().trim().min(2).max(200);

export const Command = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session.begin'), service: ServiceKind }),
  /** Text typed by a keyboard-wedge scanner in the renderer, or entered by staff. */
  z.object({ type: z.literal('credential.text'), text: z.string().min(1).max(4096) }),
  /** confirmedFen: the amount the patient confirmed, needed for a 医保码-linked charge over the configured amount. */
  z.object({ type: z.literal('session.confirm'), settlementId: z.string().min(1), method: CashMethod.optional(), confirmedFen: Fen.optional() }),
  /** While the platform is away: the patient confirmed the bill shown, which is taken to settle later. */
  z.object({ type: z.literal('session.confirmOffline'), billId: z.string().min(1).max(64) }),
  /** At the confirm step: the personal account on or off, a relative's account or none; the split is pre-settled again. */
  z.object({ type: z.literal('session.selfPay'), settlementId: z.string().min(1), usePersonalAccount: z.boolean(), familyPayer: z.number().int().nonnegative().nullable() }),
  /** reason 'cancel': the patient pressed 取消 (the attract screen then says nothing was charged). */
  z.object({ type: z.literal('session.reset'), reason: z.enum(['cancel']).optional() }),
  /** One camera frame from the renderer's stream, as JPEG in base64; taken only at the face step. */
  z.object({ type: z.literal('camera.frame'), jpegBase64: z.string().min(16).max(700_000).regex(/^[A-Za-z0-9+/]+={0,2}$/) }),
  /** At the receipt: the patient agrees to pay by ID card and face next time. */
  z.object({ type: z.literal('face.enrol') }),
  /** Staff checked in person a patient the face check sent to them: PIN and reason, both audited. */
  z.object({ type: z.literal('face.staffConfirm'), pin: Pin, reason: Reason }),
  z.object({ type: z.literal('status.get') }),
  // Staff only: each admin command carries the staff PIN, checked by the core (not by the screen).
  z.object({ type: z.literal('admin.overview'), pin: Pin }),
  z.object({ type: z.literal('admin.retry'), pin: Pin, settlementId: z.string().min(1), reason: Reason }),
  z.object({ type: z.literal('admin.cancel'), pin: Pin, settlementId: z.string().min(1), reason: Reason }),
  z.object({ type: z.literal('admin.forward'), pin: Pin }),
  /** Rehearsal faults on the embedded platform simulator (refused against a real platform). */
  z.object({ type: z.literal('admin.simFaults'), pin: Pin, preset: SimFaultPreset }),
  z.object({ type: z.literal('admin.reconcile'), pin: Pin, date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }),
  /** SQLite's full integrity check of the journal; its result shows in the configuration check ('journal check'). */
  z.object({ type: z.literal('admin.integrityCheck'), pin: Pin }),
  /** Refund (退费) a settled visit: the reason from the list; audited; the refund slip is printed. */
  z.object({ type: z.literal('admin.refund'), pin: Pin, settlementId: z.string().min(1), reason: z.enum(refundReasonCodes) }),
  /** A credit (信用就医) debt repaid outside the kiosk, as staff saw it: the reason from the list; audited. */
  z.object({ type: z.literal('admin.creditRepaid'), pin: Pin, settlementId: z.string().min(1), reason: z.enum(creditRepaidReasonCodes) }),
  // Bedside (staff, same PIN): the ward's inpatients awaiting discharge, then one of them chosen.
  z.object({ type: z.literal('bedside.list'), pin: Pin, ward: z.string().min(1).max(20).optional() }),
  z.object({ type: z.literal('bedside.begin'), pin: Pin, billId: z.string().min(1).max(40) }),
  // 查询: past payments and reports after the patient identifies; a past receipt printed again.
  z.object({ type: z.literal('history.begin') }),
  /** A bedside visit that failed (the wrong patient's code): the same bed waits for its patient again. */
  z.object({ type: z.literal('session.retry') }),
  /** Rehearsal on the embedded simulators (refused otherwise): the demo people, what each shows. */
  z.object({ type: z.literal('rehearsal.people') }),
  /** A demo person presents a credential, as their phone or card would at the device. */
  z.object({ type: z.literal('rehearsal.present'), person: RehearsalPersonKey, credential: z.enum(['ec-qr', 'ss-card', 'id-card']) }),
  /** The simulated HIS issues a new bill for a demo person. */
  z.object({ type: z.literal('rehearsal.newBill'), person: RehearsalPersonKey, kind: ServiceKind }),
  /** Every demo person's fixture bill again (under new numbers), and the platform's faults off. */
  z.object({ type: z.literal('rehearsal.reset') }),
  z.object({ type: z.literal('history.print'), settlementId: z.string().min(1).max(64) }),
  /** 查询: a credit debt on the list repaid with a payment code (the scanner's credential text, or typed). */
  /** 查询: 还款 opened for a debt on the list (null: closed); a payment code scanned meanwhile repays it. */
  z.object({ type: z.literal('history.repayFor'), settlementId: z.string().min(1).max(64).nullable() }),
  z.object({ type: z.literal('history.repay'), settlementId: z.string().min(1).max(64), payCode: z.string().trim().min(1).max(64) }),
]);
export type Command = z.infer<typeof Command>;

export const CommandResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    session: SessionView,
    status: TerminalStatus,
    admin: AdminOverview.optional(),
    bedside: z.object({ inpatients: z.array(BedsideInpatient) }).optional(),
    rehearsal: RehearsalView.optional(),
  }),
  /** A wrong staff PIN says how many tries that role has left before its pad locks (and for how long). */
  z.object({ ok: z.literal(false), error: UserError, triesLeft: z.number().int().nonnegative().optional(), lockedMinutes: z.number().int().nonnegative().optional() }),
]);
export type CommandResult = z.infer<typeof CommandResult>;

/**
 * What happens in the settlement queue, for the admin screen and remote support: a visit's state
 * changes, a call that became a dead letter, the replay worker's state, and a reconciliation that
 * does not balance. Identifiers, states and money only: nothing names or identifies the patient.
 */
export const QueueEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('visit'), settlementId: z.string(), state: z.string(), deferred: z.boolean(), at: z.string() }),
  z.object({ kind: z.literal('dead-letter'), settlementId: z.string(), infno: z.string(), at: z.string() }),
  z.object({ kind: z.literal('replay'), replay: AdminOverview.shape.replay }),
  z.object({ kind: z.literal('reconciliation-alert'), reconciliation: Reconciliation }),
]);
export type QueueEvent = z.infer<typeof QueueEvent>;

export const TerminalEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session'), session: SessionView }),
  z.object({ type: z.literal('status'), status: TerminalStatus }),
  z.object({ type: z.literal('queue'), queue: QueueEvent }),
]);
export type TerminalEvent = z.infer<typeof TerminalEvent>;

/** What a host needs from the terminal core. The core implements it; hosts only carry it. */
export interface TerminalApi {
  execute(command: Command): Promise<CommandResult>;
  subscribe(listener: (event: TerminalEvent) => void): () => void;
}

/** The channel names the hosts use; one place so preload, main and web agree. */
export const channels = {
  command: 'terminal:command',
  event: 'terminal:event',
} as const;
