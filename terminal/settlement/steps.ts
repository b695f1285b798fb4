// The settlement's steps, in one table. A step is one platform call a visit waits on; for each step
// the table says the state the visit is in while the call is queued, its transaction number
// (outpatient / inpatient), what the call does on the platform's books, and what its answer does to
// the visit: ok, each refusal reason (insurance/refusal.ts), and unknown (no answer came). The engine
// (engine.ts) sends the calls and writes what this table returns; it decides nothing itself.
//
// A step has one name. Its state is `steps[step].state`, its infno `steps[step].infno`: the
// platform's numbers and the state names appear in the settlement only here and at the wire.
import type { RefusalReason } from '../insurance/refusal';
import type { SettlementState } from '../common/settlement-states';
import type { NewCall, OutboxRow, TransitionRequest } from '../journal/journal';
import { ORDER_PAID, ORDER_UNPAID } from '../insurance/mobile-pay';
import { admissionCall, dischargeCall, feesCall, isInpatient, preSettleCall, registrationCall, reversalCall, settleCall, settlementQueryCall } from './calls';
import { cashPayCall, cashQueryCall, cashUploadCall, chargedByCodeFen, orderOf, refundAfterRefusedSettle, revokeOrderCall, type SelfPayVisitContext } from './self-pay';
import { splitFromSetlinfo } from './split';
import { checkSettlingAnswer, overchargeFen } from './answer-checks';
import type { Split } from '../common/vocabulary';
import { repayAskTheCentre, repayNoOrder, repayPaid, repayQueried, repayRefused, repayUploaded } from './credit-repay';
import { refundCancelLost, refundCancelled, refundCancelRefused, refundCashDone, refundCashRefused, refundQueried, refundQueryRefused } from './refund';

export const stepNames = [
  'register',
  'admit',
  'upload-fees',
  'discharge',
  'pre-settle',
  'settle',
  'query',
  'reverse',
  'cash-upload',
  'cash-pay',
  'cash-query',
  'cash-refund',
  'undo-fees',
  'undo-register',
  // Refunds (refund.ts): the settlement cancelled, asked about when the answer was lost, the code refunded.
  'refund-cancel',
  'refund-query',
  'refund-cash',
  // What an inpatient visit that ended unpaid left (undo-calls.ts): its discharge, fee lines, admission.
  'undo-discharge',
  'undo-ipt-fees',
  'undo-admit',
  // A mobile order uploaded and not to be paid (self-pay.ts): revoked so it does not stay open.
  'revoke-order',
  // A credit debt repaid at the kiosk by code (credit-repay.ts): the self-pay calls on the debt's visit.
  'repay-upload',
  'repay-pay',
  'repay-query',
] as const;
export type Step = (typeof stepNames)[number];

/**
 * What the call does on the platform's books. read: nothing (safe to resend under its msgid);
 * commit: changes them; resolve: settles what an earlier unknown outcome left (runs under the
 * unknown-outcome deadline); undo: takes back what a visit that ended unpaid left (changes no state).
 */
export type Effect = 'read' | 'commit' | 'resolve' | 'undo';

/** The visit as a step's answer sees it, bound to the state the visit was in when the call was sent. */
export interface VisitEnv {
  id: string;
  /**
   * The state the visit was in when the call was dispatched (or a staff action read it): the one
   * state the transition may leave. If the visit has moved since, the journal refuses the write.
   */
  from: SettlementState;
  ctx: SelfPayVisitContext;
  /** The visit's mdtrt_id; throws before the platform gave one. */
  mdtrtId(): string;
  calls(): OutboxRow[];
  /** The split the patient confirmed (the pre-settlement's), when there was one. */
  presettled(): Split | null;
  /** True when another visit already holds this setl_id. */
  setlIdSeen(setlId: string): boolean;
  now(): Date;
  /** The transition from `from` to `state` (a visit that ends unpaid also queues its undo calls). */
  to(state: SettlementState, extra?: Omit<TransitionRequest, 'settlementId' | 'from' | 'to'>): TransitionRequest;
}
export interface StepEnv extends VisitEnv {
  /** The call whose answer this is. */
  row: OutboxRow;
}

/** What an answer does: a transition, or null when the answer is recorded and the visit stays. */
export type Next = TransitionRequest | null;
export interface Refusal {
  reason: RefusalReason;
  errMsg: string;
}
type OnOk = (env: StepEnv, output: Record<string, unknown>) => Next;
type OnRefused = (env: StepEnv, refusal: Refusal) => Next;
/** 'resend': the same call again under its msgid, with backoff (a dead letter for staff after too many). */
type OnUnknown = (env: StepEnv) => Next | 'resend';

export interface StepSpec {
  /** The state the visit is in while this step's call is queued; null for the undo calls, sent after the visit ended. */
  state: SettlementState | null;
  infno: { outpatient: string | null; inpatient: string | null };
  effect: Effect;
  /** 2601 by its msgid takes it back: a staff cancel reverses such a call whose outcome is unknown. */
  reversible: boolean;
  onOk: OnOk;
  /** A reason not listed does what `other` does. */
  onRefused: { other: OnRefused } & Partial<Record<Exclude<RefusalReason, 'other'>, OnRefused>>;
  onUnknown: OnUnknown;
}

/** An answer the terminal cannot act on (a missing id, no setlinfo): the engine hands the visit to staff. */
export class MalformedAnswer extends Error {}

// ---- what answers do (used by the table below) ----

const resend = (): 'resend' => 'resend';
/** Undo calls change no state: their answer, a refusal too, is only recorded. */
const recordOnly = (): null => null;
const failVisit: OnRefused = (env, r) => env.to('failed', { note: `${env.row.infno} refused: ${r.errMsg}` });

/** 2201 answers in data, 2401 in result: either way the visit now has its mdtrt_id and uploads its fees. */
const opened =
  (node: 'data' | 'result'): OnOk =>
  (env, output) => {
    const mdtrtId = String((output[node] as Record<string, unknown> | undefined)?.mdtrt_id ?? '');
    if (!mdtrtId) throw new MalformedAnswer(`${env.row.infno} answered without mdtrt_id`);
    return env.to('fees-pending', { patch: { mdtrtId }, call: feesCall(env.ctx, mdtrtId) });
  };

/** The inpatient is discharged (2402) before the pre-settlement; the outpatient goes straight to it. */
const feesUploaded: OnOk = (env) =>
  isInpatient(env.ctx) ? env.to('discharge-pending', { call: dischargeCall(env.ctx, env.mdtrtId(), env.now()) }) : env.to('presettle-pending', { call: preSettleCall(env.ctx, env.mdtrtId()) });

const preSettleNext = (env: StepEnv, note?: string): TransitionRequest => env.to('presettle-pending', { ...(note ? { note } : {}), call: preSettleCall(env.ctx, env.mdtrtId()) });

const preSettled: OnOk = (env, output) => {
  const split = splitFromSetlinfo(setlinfoOf(output));
  // A visit captured offline was confirmed on its bill total; it settles as soon as it can.
  if (env.ctx.deferred) {
    return env.to('settle-pending', { patch: { splitJson: JSON.stringify(split) }, note: 'offline capture: settling without a second confirmation', call: settleCall(env.ctx, env.mdtrtId()) });
  }
  const pay = env.ctx.selfPay;
  if (pay?.presettleBeforeCharge) return chargeIfUnchanged(env, split, { ...pay, presettleBeforeCharge: false });
  return env.to('awaiting-confirm', { patch: { splitJson: JSON.stringify(split) } });
};

/**
 * The pre-settlement a pay-code confirm asked for: the code is charged only for the cash part the
 * patient confirmed. A split that moved meanwhile goes back to the patient, nothing charged.
 */
function chargeIfUnchanged(env: StepEnv, split: Split, selfPay: NonNullable<SelfPayVisitContext['selfPay']>): TransitionRequest {
  const ctx: SelfPayVisitContext = { ...env.ctx, selfPay };
  const patch = { splitJson: JSON.stringify(split) };
  if (split.cashFen !== selfPay.cashFen || split.cashFen === 0) {
    return env.to('awaiting-confirm', { patch, context: ctx, note: `pre-settled again before the charge: the cash part is now ${split.cashFen} fen, not the ${selfPay.cashFen} confirmed; nothing charged, patient to confirm again` });
  }
  const attempt = env.calls().filter((c) => c.step === 'cash-upload').length + 1;
  return env.to('cash-pending', { patch, context: ctx, note: 'pre-settled again: the cash part is as confirmed; paying it by code', call: cashUploadCall(ctx, attempt) });
}

/** A relative's account the platform will not draw on: the patient keeps the visit and pays otherwise. */
const preSettleRefused: OnRefused = (env, r) => {
  const psnNo = env.ctx.familyPayerPsnNo;
  if (!psnNo) return failVisit(env, r);
  const without: SelfPayVisitContext = { ...env.ctx, familyPayerPsnNo: null, familyAccountRefused: { psnNo, errMsg: r.errMsg } };
  return env.to('presettle-pending', { note: `family account refused (${r.errMsg}); pre-settling without it`, context: without, call: preSettleCall(without, env.mdtrtId()) });
};

/**
 * A settling answer is believed only after its check (answer-checks.ts): parts non-negative and
 * adding up, the bill's and the pre-settled total, the visit's person, the cash the code was charged,
 * a setl_id no other visit holds. One that fails goes to staff with the typed reason, prints
 * nothing, and gives back (6203) what the code charged beyond the answer's own cash part.
 */
function checkedSettlement(env: StepEnv, info: Record<string, unknown>, what: string): { split: Split } | { next: TransitionRequest } {
  const charged = chargedByCodeFen(env);
  const r = checkSettlingAnswer(info, { billTotalFen: env.ctx.bill.totalFen, presettled: env.presettled(), psnNo: env.ctx.person.psnNo, chargedByCodeFen: charged, setlIdSeen: (id) => env.setlIdSeen(id) });
  if (r.ok) return { split: r.split };
  const f = r.failure;
  const ctx: SelfPayVisitContext = { ...env.ctx, staffReason: { kind: 'amount-check', check: f.check, detail: f.detail, setlId: String(info.setl_id ?? '') } };
  const note = `${what} failed the amount check (${f.check}): ${f.detail}; not believed, staff to check with the platform`;
  const refund = charged === null ? 0 : overchargeFen(charged, f);
  const refundNext = refund > 0 ? refundAfterRefusedSettle({ ...env, ctx }, note, refund) : null;
  if (refundNext) return { next: { ...refundNext, context: ctx } };
  return { next: env.to('needs-staff', { note, context: ctx }) };
}

const settled: OnOk = (env, output) => {
  const info = setlinfoOf(output);
  const checked = checkedSettlement(env, info, `${env.row.infno} answer`);
  if ('next' in checked) return checked.next;
  return env.to('settled', { patch: { splitJson: JSON.stringify(checked.split), setlId: String(info.setl_id ?? '') } });
};

/** Cash already taken by code goes back before the visit fails. */
const settleRefused: OnRefused = (env, r) => refundAfterRefusedSettle(env, `settlement refused (${r.errMsg})`) ?? failVisit(env, r);

/** A settlement whose answer was lost is asked about (5203) before anything is undone. */
const askWhetherSettled: OnUnknown = (env) => env.to('query-pending', { note: `${env.row.infno} outcome unknown; asking the platform`, call: settlementQueryCall(env.ctx, env.mdtrtId()) });

/** The reversal the engine queues to redo a step (not a staff cancel's: that one is queued by cancelByStaff). */
const reversalForRedo = (env: VisitEnv, original: OutboxRow, note: string): TransitionRequest =>
  env.to('reversal-pending', { note, call: reversalCall(env.ctx, original), ...(env.ctx.reversalFor === 'staff-cancel' ? { context: { ...env.ctx, reversalFor: 'redo' } } : {}) });

/** A committing call whose answer never came is undone by its msgid (2601), then redone. */
const reverseLost: OnUnknown = (env) => reversalForRedo(env, env.row, `${env.row.infno} outcome unknown`);

/** The settlement call whose answer was lost, which a query is about. */
const lostSettleCall = (env: VisitEnv): OutboxRow | undefined => env.calls().filter((c) => c.step === 'settle' && c.status === 'superseded').pop();
/** Every settlement call of the visit that did not come back ok (lost, or taken for a refusal): any may stand. */
const unsettledCalls = (env: VisitEnv): OutboxRow[] => env.calls().filter((c) => c.step === 'settle' && c.status !== 'done' && c.status !== 'pending');

/**
 * What the platform's settlement query says about the lost settlement. Only a standing settlement
 * that echoes the lost call's msgid (medins_setl_id) is ours; anything else is reversed by the lost
 * msgid, which undoes it if it did commit and says "nothing to undo" if it did not. A query asked
 * because an ended visit's undo was refused as settled matches any settlement call of the visit, and
 * without a standing one the visit goes back to how it ended.
 */
function afterQuery(env: StepEnv, info: Record<string, unknown> | undefined): TransitionRequest {
  const endedAs = env.ctx.queryFor?.endedAs;
  const standing = info && String(info.refd_setl_flag ?? '0') === '0';
  const echoed = standing ? String(info.medins_setl_id ?? '') : '';
  const candidates = endedAs ? unsettledCalls(env) : [lostSettleCall(env)].filter((c): c is OutboxRow => c !== undefined);
  const ours = candidates.find((c) => c.msgid === echoed);
  const context = endedAs ? { context: { ...env.ctx, queryFor: null } } : {};
  if (standing && ours) {
    const checked = checkedSettlement(env, info, `5203 of the lost ${ours.infno}`);
    if ('next' in checked) return checked.next;
    return env.to('settled', {
      ...context,
      patch: { splitJson: JSON.stringify(checked.split), setlId: String(info.setl_id ?? '') },
      note: `5203 shows the lost ${ours.infno} settled: kept, not reversed`,
      resolvesOutboxId: ours.id,
    });
  }
  // Another settlement stands for this visit: reversing ours could not make that one right.
  if (standing && info.medins_setl_id) return env.to('needs-staff', { ...context, note: `5203 shows a different settlement standing for this visit (${String(info.setl_id ?? '')})` });
  if (endedAs) return env.to(endedAs, { ...context, calls: [], note: `5203 shows no settlement standing: the undo's refusal was about lines already gone; the visit stays ${endedAs}` });
  const lost = lostSettleCall(env);
  if (!lost) return env.to('needs-staff', { note: 'settlement query without a lost settlement call' });
  return reversalForRedo(env, lost, `5203 shows no settlement for the lost ${lost.infno}; reversing it by its msgid`);
}

/**
 * An ended visit's undo refused because the thing is settled (2205 "无可撤销的未结算费用明细", 2202
 * "就诊已结算，请先撤销结算"): a settlement may stand, so the visit is asked about (5203), never left
 * failed. An undo of a visit already being asked about only records its answer.
 */
const settledAfterAll: OnRefused = (env, r) => {
  if (env.from !== 'failed' && env.from !== 'cancelled') return null;
  if (!env.calls().some((c) => c.step === 'settle')) return null;
  return env.to('query-pending', {
    note: `${env.row.infno} refused as settled (${r.errMsg}); asking the platform whether a settlement stands`,
    context: { ...env.ctx, queryFor: { endedAs: env.from } },
    call: settlementQueryCall(env.ctx, env.mdtrtId()),
  });
};
const queryAnswered: OnOk = (env, output) => afterQuery(env, output.setlinfo as Record<string, unknown> | undefined);
/** No settlement found, or the query itself refused: either way the reversal by msgid is safe. */
const queryRefused: OnRefused = (env) => afterQuery(env, undefined);

/** The call a 2601 undid (data.oinfno). */
export const reversedInfnoOf = (row: OutboxRow): string => String(((row.input as { data?: { oinfno?: unknown } }).data?.oinfno as string | undefined) ?? '');

/** The steps a reversal can be followed by: the same call again under a fresh msgid. */
const redoCall: Partial<Record<Step, (env: VisitEnv) => NewCall>> = {
  register: (env) => registrationCall(env.ctx, env.now()),
  admit: (env) => admissionCall(env.ctx, env.now()),
  'upload-fees': (env) => feesCall(env.ctx, env.mdtrtId()),
  settle: (env) => settleCall(env.ctx, env.mdtrtId()),
};

/**
 * After a reversal (or one found not needed): the reversed step again, or, when the reversal was a
 * staff cancel's (the visit context says so), the cancel completes instead; a cancelled visit keeps
 * no money of the patient's, so a code already charged is refunded first.
 */
function afterReversal(env: StepEnv, done: string, redoing: string): TransitionRequest {
  if (env.ctx.reversalFor === 'staff-cancel') return refundAfterRefusedSettle(env, 'staff cancel') ?? env.to('cancelled', { note: `${done}; staff cancel completes` });
  const infno = reversedInfnoOf(env.row);
  const step = stepOfInfno(infno);
  const call = step ? redoCall[step] : undefined;
  const state = step ? steps[step].state : null;
  if (!call || !state) return env.to('needs-staff', { note: `cannot redo ${infno} after reversal` });
  return env.to(state, { note: `${done}; ${redoing}`, call: call(env) });
}
const reversed: OnOk = (env) => afterReversal(env, `reversed ${reversedInfnoOf(env.row)}`, 'redoing it');
/** Nothing there to undo (it never arrived, it was refused, or it is undone already): the original did not take effect. */
const reversalNotNeeded: OnRefused = (env, r) => afterReversal(env, `reversal not needed (${r.errMsg})`, 'redoing');

const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v));
/** The 6202 whose answer was lost and that a 6301 is about. */
const lostPay = (env: VisitEnv) => env.calls().filter((c) => c.step === 'cash-pay' && c.status === 'superseded').pop();

const orderUploaded: OnOk = (env, output) => {
  const order = { payOrdId: str(output.payOrdId), payToken: str(output.payToken), medOrgOrd: str((env.row.input as Record<string, unknown>).medOrgOrd) };
  return env.to('cash-pending', { note: `6201 order ${order.payOrdId} for the cash part`, call: cashPayCall(env.ctx, order) });
};
const orderPaid: OnOk = (env, output) => {
  if (str(output.ordStas) === ORDER_PAID) return env.to('settle-pending', { note: 'cash part paid by code (6202); settling', call: settleCall(env.ctx, env.mdtrtId()) });
  return env.to('awaiting-confirm', { note: `payment code not paid (ordStas ${str(output.ordStas)}); patient to choose again; order revoked (6401)`, calls: [revokeOrderCall(orderOf(env.row))] });
};
/**
 * Refused by the centre: nothing was charged. The patient sees the split again and chooses; an order
 * the refused 6202 was for is revoked, since another code makes a new one.
 */
const codeRefused: OnRefused = (env, r) =>
  env.row.step === 'cash-pay'
    ? env.to('awaiting-confirm', { note: `payment code refused: ${r.errMsg}; order revoked (6401)`, calls: [revokeOrderCall(orderOf(env.row))] })
    : env.to('awaiting-confirm', { note: `payment code refused: ${r.errMsg}` });
/** A 6202 whose answer never came is asked about (6301), never resent blind. */
const askTheCentre: OnUnknown = (env) => env.to('cash-query-pending', { note: '6202 outcome unknown; asking the centre (6301) before anything else', call: cashQueryCall(orderOf(env.row)) });
const orderQueried: OnOk = (env, output) => {
  const lost = lostPay(env);
  const stas = str(output.ordStas);
  if (stas === ORDER_PAID) {
    return env.to('settle-pending', { note: '6301 shows the lost 6202 paid: kept, settling', call: settleCall(env.ctx, env.mdtrtId()), ...(lost ? { resolvesOutboxId: lost.id } : {}) });
  }
  // Only an order that exists and is still unpaid is paid again: the query said the lost one did not go through.
  if (stas === ORDER_UNPAID && lost) return env.to('cash-pending', { note: '6301 shows the order unpaid; paying it again', call: cashPayCall(env.ctx, orderOf(lost)) });
  // Not paid and not to be paid again: revoked, so it does not stay open.
  return env.to('awaiting-confirm', { note: `6301 shows the order ${stas === '15' ? 'declined' : `in state ${stas}`}; patient to choose again; order revoked (6401)`, calls: [revokeOrderCall(orderOf(env.row))] });
};
/** No such order: the lost payment cannot have been made. */
const noOrder: OnRefused = (env, r) => env.to('awaiting-confirm', { note: `6301 found no order (${r.errMsg}); nothing was charged` });

// ---- the table ----

export const steps: Record<Step, StepSpec> = {
  register: {
    state: 'register-pending',
    infno: { outpatient: '2201', inpatient: null },
    effect: 'commit',
    reversible: true,
    onOk: opened('data'),
    onRefused: { other: failVisit },
    onUnknown: reverseLost,
  },
  admit: {
    state: 'register-pending',
    infno: { outpatient: null, inpatient: '2401' },
    effect: 'commit',
    reversible: true,
    onOk: opened('result'),
    onRefused: { other: failVisit },
    onUnknown: reverseLost,
  },
  'upload-fees': {
    state: 'fees-pending',
    infno: { outpatient: '2204', inpatient: '2301' },
    effect: 'commit',
    reversible: true,
    onOk: feesUploaded,
    onRefused: { other: failVisit },
    onUnknown: reverseLost,
  },
  discharge: {
    state: 'discharge-pending',
    infno: { outpatient: null, inpatient: '2402' },
    // Commits, but a resend is safe: the platform refuses a second discharge as "already discharged".
    effect: 'commit',
    reversible: false,
    onOk: (env) => preSettleNext(env),
    // A discharge resent after a lost answer finds the patient discharged already: that is its success.
    onRefused: { 'already-discharged': (env) => preSettleNext(env, 'already discharged'), other: failVisit },
    onUnknown: resend,
  },
  'pre-settle': {
    state: 'presettle-pending',
    infno: { outpatient: '2206', inpatient: '2303' },
    effect: 'read',
    reversible: false,
    onOk: preSettled,
    onRefused: { other: preSettleRefused },
    onUnknown: resend,
  },
  settle: {
    state: 'settle-pending',
    infno: { outpatient: '2207', inpatient: '2304' },
    effect: 'commit',
    reversible: true,
    onOk: settled,
    onRefused: { other: settleRefused },
    onUnknown: askWhetherSettled,
  },
  query: {
    state: 'query-pending',
    infno: { outpatient: '5203', inpatient: '5203' },
    effect: 'resolve',
    reversible: false,
    onOk: queryAnswered,
    onRefused: { other: queryRefused },
    onUnknown: resend,
  },
  reverse: {
    state: 'reversal-pending',
    infno: { outpatient: '2601', inpatient: '2601' },
    effect: 'resolve',
    reversible: false,
    onOk: reversed,
    onRefused: {
      'already-reversed': reversalNotNeeded,
      'not-found': reversalNotNeeded,
      'nothing-to-undo': reversalNotNeeded,
      other: (env, r) => env.to('needs-staff', { note: `reversal refused: ${r.errMsg}` }),
    },
    // The platform answers "already reversed" to a repeat.
    onUnknown: resend,
  },
  // 一码付: the cash part by payment code, before the settlement (self-pay.ts builds the calls).
  'cash-upload': {
    state: 'cash-pending',
    infno: { outpatient: '6201', inpatient: '6201' },
    // Keyed by medOrgOrd: a resend finds the same order.
    effect: 'commit',
    reversible: false,
    onOk: orderUploaded,
    onRefused: { other: codeRefused },
    onUnknown: resend,
  },
  'cash-pay': {
    state: 'cash-pending',
    infno: { outpatient: '6202', inpatient: '6202' },
    effect: 'commit',
    reversible: false,
    onOk: orderPaid,
    onRefused: { other: codeRefused },
    onUnknown: askTheCentre,
  },
  'cash-query': {
    state: 'cash-query-pending',
    infno: { outpatient: '6301', inpatient: '6301' },
    effect: 'resolve',
    reversible: false,
    onOk: orderQueried,
    onRefused: { other: noOrder },
    onUnknown: resend,
  },
  'cash-refund': {
    state: 'refund-pending',
    infno: { outpatient: '6203', inpatient: '6203' },
    // Keyed by appRefdSn: a resend finds the same refund.
    effect: 'commit',
    reversible: false,
    // A refund after a failed amount check: the platform may hold a settlement, so staff, not failed.
    onOk: (env) =>
      env.ctx.staffReason
        ? env.to('needs-staff', { note: `the cash paid by code beyond the answer's own was refunded (6203); staff to check the settlement (${env.ctx.staffReason.check})` })
        : env.to('failed', { note: 'settlement refused; the cash part paid by code was refunded (6203)' }),
    onRefused: { other: (env, r) => env.to('needs-staff', { note: `refund of the cash paid by code refused: ${r.errMsg}` }) },
    onUnknown: resend,
  },
  // What a visit that ended unpaid left on the platform (undo-calls.ts): owed, resent until answered, never a dead letter.
  'undo-fees': {
    state: null,
    infno: { outpatient: '2205', inpatient: null },
    effect: 'undo',
    reversible: false,
    onOk: recordOnly,
    // Nothing left to take back, or the platform will not: its words are kept with the call. A
    // refusal because the lines are settled sends the visit to query.
    onRefused: { 'already-settled': settledAfterAll, other: recordOnly },
    onUnknown: resend,
  },
  'undo-register': {
    state: null,
    infno: { outpatient: '2202', inpatient: null },
    effect: 'undo',
    reversible: false,
    onOk: recordOnly,
    onRefused: { 'already-settled': settledAfterAll, other: recordOnly },
    onUnknown: resend,
  },
  // A staff refund of a settled visit (refund.ts).
  'refund-cancel': {
    state: 'refund-cancel-pending',
    infno: { outpatient: '2208', inpatient: '2305' },
    effect: 'commit',
    reversible: false,
    onOk: refundCancelled,
    onRefused: { other: refundCancelRefused },
    onUnknown: refundCancelLost,
  },
  'refund-query': {
    state: 'refund-query-pending',
    infno: { outpatient: '5203', inpatient: '5203' },
    effect: 'resolve',
    reversible: false,
    onOk: refundQueried,
    onRefused: { other: refundQueryRefused },
    onUnknown: resend,
  },
  'refund-cash': {
    state: 'refund-cash-pending',
    infno: { outpatient: '6203', inpatient: '6203' },
    // Keyed by appRefdSn: a resend finds the same refund.
    effect: 'commit',
    reversible: false,
    onOk: refundCashDone,
    onRefused: { other: refundCashRefused },
    onUnknown: resend,
  },
  'undo-discharge': { state: null, infno: { outpatient: null, inpatient: '2405' }, effect: 'undo', reversible: false, onOk: recordOnly, onRefused: { 'already-settled': settledAfterAll, other: recordOnly }, onUnknown: resend },
  'undo-ipt-fees': { state: null, infno: { outpatient: null, inpatient: '2302' }, effect: 'undo', reversible: false, onOk: recordOnly, onRefused: { 'already-settled': settledAfterAll, other: recordOnly }, onUnknown: resend },
  'undo-admit': { state: null, infno: { outpatient: null, inpatient: '2404' }, effect: 'undo', reversible: false, onOk: recordOnly, onRefused: { 'already-settled': settledAfterAll, other: recordOnly }, onUnknown: resend },
  // Revoking twice is answered as once; a refusal (the order paid after all) is kept with the call for staff.
  'revoke-order': { state: null, infno: { outpatient: '6401', inpatient: '6401' }, effect: 'undo', reversible: false, onOk: recordOnly, onRefused: { other: recordOnly }, onUnknown: resend },
  // A credit debt repaid by code (credit-repay.ts), with the answer rules of cash-upload/-pay/-query.
  // 6201 is keyed by medOrgOrd (a resend finds the same order); a lost 6202 is asked about (6301).
  'repay-upload': { state: 'repay-pending', infno: { outpatient: '6201', inpatient: '6201' }, effect: 'commit', reversible: false, onOk: repayUploaded, onRefused: { other: repayRefused }, onUnknown: resend },
  'repay-pay': { state: 'repay-pending', infno: { outpatient: '6202', inpatient: '6202' }, effect: 'commit', reversible: false, onOk: repayPaid, onRefused: { other: repayRefused }, onUnknown: repayAskTheCentre },
  'repay-query': { state: 'repay-query-pending', infno: { outpatient: '6301', inpatient: '6301' }, effect: 'resolve', reversible: false, onOk: repayQueried, onRefused: { other: repayNoOrder }, onUnknown: resend },
};

/** Names an older journal may hold in its outbox rows, read as today's step. */
const formerNames: Readonly<Record<string, Step>> = { 'fee-upload': 'upload-fees' };

/** The step an outbox row's `step` names; null for a call that is not a visit's step. */
export function stepOf(name: string): Step | null {
  if ((stepNames as readonly string[]).includes(name)) return name as Step;
  return formerNames[name] ?? null;
}

/** The step whose call has this transaction number (2601 names the call it undid by infno). */
export function stepOfInfno(infno: string): Step | null {
  return stepNames.find((s) => steps[s].infno.outpatient === infno || steps[s].infno.inpatient === infno) ?? null;
}

/** What the step does with a refusal of this reason. */
export const onRefusedFor = (spec: StepSpec, reason: RefusalReason): OnRefused => (reason === 'other' ? spec.onRefused.other : (spec.onRefused[reason] ?? spec.onRefused.other));

function setlinfoOf(output: Record<string, unknown>): Record<string, unknown> {
  const info = output.setlinfo;
  if (!info || typeof info !== 'object') throw new MalformedAnswer('answer has no setlinfo');
  return info as Record<string, unknown>;
}
