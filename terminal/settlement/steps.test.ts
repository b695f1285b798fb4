// The step table walked edge by edge: every step's answer (ok in each of its shapes, each refusal
// reason, unknown) under each kind of visit moves the visit along an edge the state machine has,
// out of the step's own state; every edge of the state machine is made by some answer or some
// engine / staff action, or is listed below with why not. And the stale-write guard: an answer
// computed for a state the visit has since left is refused, not written.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canTransition, predecessorsOf, settlementStates, settlementTransitions, type SettlementState } from '../common/settlement-states';
import { refusalReasons } from '../insurance/refusal';
import type { CallOutcome, PlatformClient } from '../insurance/client';
import { formatMsgid } from '../insurance/msgid';
import { openJournal, StaleTransitionError, type NewCall, type OutboxRow, type TransitionRequest } from '../journal/journal';
import { admissionCall, feesCall, isInpatient, preSettleCall, registrationCall, settleCall, settlementQueryCall, reversalCall, dischargeCall, type VisitContext } from './calls';
import { cashPayCall, cashQueryCall, cashUploadCall, revokeOrderCall, type SelfPayVisitContext } from './self-pay';
import { inpatientUndoCalls, undoCalls } from './undo-calls';
import { refundCancelCall, refundQueryCall } from './refund';
import { repayUploadCall, type CreditRepayVisitContext } from './credit-repay';
import { createSettlementEngine } from './engine';
import { onRefusedFor, stepNames, stepOf, stepOfInfno, steps, type Step, type StepEnv } from './steps';

const bill = (medType: string): VisitContext['bill'] => ({
  billId: 'B1',
  medType,
  deptCode: 'D1',
  deptName: 'Dept',
  drCode: 'DR1',
  drName: 'Doctor',
  totalFen: 10_000,
  items: [{ feedetlSn: 'F1', name: 'item', medListCodg: 'X', medinsListCodg: 'Y', unitPriceFen: 10_000, quantity: '1', amountFen: 10_000, itemClass: '01', occurredAt: '2024-01-15 09:00:00' }],
  diagnosis: { code: 'A00', name: 'dx' },
});
const person: VisitContext['person'] = { psnNo: 'P1', insutype: '310', insuplcAdmdvs: '330100', certType: '01', certNo: 'TOKEN', cardSn: '', idNo: 'ID', name: 'N', gender: 'unknown', birthday: '', balanceFen: null };
const baseCtx = (medType: string): SelfPayVisitContext => ({ person, bill: bill(medType), chargeBatchNo: 'B1-x', usePersonalAccount: true, operator: { deptCode: 'D1', deptName: 'Dept', drCode: 'DR1', drName: 'Doctor' } });

/** The kinds of visit a step's answer may meet: each one a branch some handler takes. */
const contexts: Record<string, SelfPayVisitContext> = {
  outpatient: baseCtx('11'),
  inpatient: baseCtx('21'),
  'offline capture': { ...baseCtx('11'), deferred: true },
  "relative's account": { ...baseCtx('11'), familyPayerPsnNo: 'P2' },
  'paid by code': { ...baseCtx('11'), selfPay: { method: 'pay-code', cashFen: 1_000 } },
  'paid by code, pre-settled again before the charge': { ...baseCtx('11'), selfPay: { method: 'pay-code', cashFen: 1_000, presettleBeforeCharge: true } },
  'staff cancel reversal': { ...baseCtx('11'), reversalFor: 'staff-cancel' },
  'staff cancel reversal, paid by code': { ...baseCtx('11'), reversalFor: 'staff-cancel', selfPay: { method: 'pay-code', cashFen: 1_000 } },
  'failed visit asked about after its undo was refused as settled': { ...baseCtx('11'), queryFor: { endedAs: 'failed' } },
  'cancelled visit asked about after its undo was refused as settled': { ...baseCtx('11'), queryFor: { endedAs: 'cancelled' } },
};

let rowId = 0;
const rowOf = (call: NewCall, status: OutboxRow['status'] = 'in-flight'): OutboxRow => ({
  id: ++rowId,
  settlementId: 'S1',
  step: call.step,
  infno: call.infno,
  msgid: `M${rowId}`,
  insuplcAdmdvs: call.insuplcAdmdvs ?? null,
  input: call.input,
  status,
  attempts: 1,
  nextAttemptAt: null,
  lastError: null,
  createdAt: '2024-01-15T01:00:00.000Z',
});

const at = new Date('2024-01-15T01:00:00Z');
/** A credit repayment under way (credit-repay.ts): its steps read the debt from the context. */
const repay = { payAuthNo: '1300000000000001', fen: 1000, requestedAt: at.toISOString(), outcome: null };
const order = { payOrdId: 'O1', payToken: 'T1', medOrgOrd: 'B1-x-1' };
/**
 * The call each step's row carries (for a reversal: one for each call it can undo, and one it cannot
 * redo); none where the step has no call for this kind of visit (no 2401 for an outpatient).
 */
function rowsOf(step: Step, ctx: SelfPayVisitContext): OutboxRow[] {
  const m = 'MDTRT1';
  if (!(isInpatient(ctx) ? steps[step].infno.inpatient : steps[step].infno.outpatient)) return [];
  switch (step) {
    case 'register':
      return [rowOf(registrationCall(ctx, at))];
    case 'admit':
      return [rowOf(admissionCall(ctx, at))];
    case 'upload-fees':
      return [rowOf(feesCall(ctx, m))];
    case 'discharge':
      return [rowOf(dischargeCall(ctx, m, at))];
    case 'pre-settle':
      return [rowOf(preSettleCall(ctx, m))];
    case 'settle':
      return [rowOf(settleCall(ctx, m))];
    case 'query':
      return [rowOf(settlementQueryCall(ctx, m))];
    case 'reverse':
      return ['2201', '2401', '2204', '2301', '2207', '2304', '5203'].map((oinfno) => rowOf(reversalCall(ctx, { msgid: 'LOST', infno: oinfno })));
    case 'cash-upload':
      return [rowOf(cashUploadCall(ctx, 1))];
    case 'cash-pay':
      return [rowOf(cashPayCall(ctx, order))];
    case 'cash-query':
      return [rowOf(cashQueryCall(order))];
    case 'cash-refund':
      return [rowOf({ step: 'cash-refund', infno: '6203', input: { payOrdId: 'O1' } })];
    case 'undo-fees':
    case 'undo-register':
      return undoCalls(ctx, m, true).filter((c) => c.step === step).map((c) => rowOf(c));
    case 'refund-cancel':
      return [rowOf(refundCancelCall(ctx, m, 'SET1'))];
    case 'refund-query':
      return [rowOf(refundQueryCall(ctx, m, 'SET1'))];
    case 'refund-cash':
      return [rowOf({ step: 'refund-cash', infno: '6203', input: { payOrdId: 'O1' } })];
    case 'undo-discharge':
    case 'undo-ipt-fees':
    case 'undo-admit': {
      const done = [rowOf(dischargeCall(ctx, m, at), 'done'), rowOf(feesCall(ctx, m), 'done')];
      return inpatientUndoCalls(ctx, m, done).filter((c) => c.step === step).map((c) => rowOf(c));
    }
    case 'revoke-order':
      return [rowOf(revokeOrderCall(order))];
    case 'repay-upload':
      return [rowOf(repayUploadCall(ctx, repay, 1))];
    case 'repay-pay':
      return [rowOf({ ...cashPayCall(ctx, order), step: 'repay-pay' })];
    case 'repay-query':
      return [rowOf({ ...cashQueryCall(order), step: 'repay-query' })];
  }
}

const setlinfo = (extra: Record<string, unknown> = {}) => ({ setl_id: 'SET1', psn_no: 'P1', medfee_sumamt: 100, fund_pay_sumamt: 60, hifp_pay: 60, acct_pay: 30, psn_cash_pay: 10, ...extra });
/** Every shape of a good answer a handler tells apart. */
function okAnswers(step: Step, lostSettleMsgid: string): Record<string, unknown>[] {
  switch (step) {
    case 'register':
      return [{ data: { mdtrt_id: 'MDTRT1' } }];
    case 'admit':
      return [{ result: { mdtrt_id: 'MDTRT1' } }];
    case 'pre-settle':
      // The split as confirmed (10.00 cash), and one whose cash part moved since (a pay-code confirm goes back to the patient).
      return [{ setlinfo: setlinfo() }, { setlinfo: setlinfo({ psn_cash_pay: 20, acct_pay: 20 }) }];
    case 'settle':
      // Believed, and one that fails its amount check (to staff, or a refund first when paid by code).
      return [{ setlinfo: setlinfo() }, { setlinfo: setlinfo({ psn_cash_pay: -10, fund_pay_sumamt: 80, hifp_pay: 80 }) }];
    case 'query':
      return [
        { setlinfo: setlinfo({ medins_setl_id: lostSettleMsgid }) }, // ours: kept
        { setlinfo: setlinfo({ medins_setl_id: 'SOMEONE-ELSE' }) }, // another stands: staff
        { setlinfo: setlinfo({ medins_setl_id: lostSettleMsgid, refd_setl_flag: '1' }) }, // cancelled: reverse
        { setlinfo: setlinfo({ medins_setl_id: lostSettleMsgid, psn_cash_pay: 5, hifp_pay: 65, fund_pay_sumamt: 65 }) }, // ours, cash not what the code was charged: staff (refund first)
        {},
      ];
    case 'cash-upload':
      return [{ payOrdId: 'O1', payToken: 'T1' }];
    case 'cash-pay':
      return [{ ordStas: '6' }, { ordStas: '0' }];
    case 'cash-query':
      return [{ ordStas: '6' }, { ordStas: '0' }, { ordStas: '15' }];
    case 'refund-query':
      return [{ setlinfo: setlinfo({ refd_setl_flag: '1' }) }, { setlinfo: setlinfo({ refd_setl_flag: '0' }) }];
    // The debt's amount, another amount (not believed), and not paid.
    case 'repay-upload':
      return [{ payOrdId: 'O1', payToken: 'T1', ownPayAmt: 10 }, { payOrdId: 'O1', payToken: 'T1', ownPayAmt: 9 }];
    case 'repay-pay':
      return [{ ordStas: '6', ownPayAmt: 10 }, { ordStas: '6', ownPayAmt: 11 }, { ordStas: '15', ownPayAmt: 10 }];
    case 'repay-query':
      return [{ ordStas: '6', ownPayAmt: 10 }, { ordStas: '6', ownPayAmt: 11 }, { ordStas: '0' }, { ordStas: '15' }];
    default:
      return [{}];
  }
}

/** The visit's earlier calls a handler looks at: none, or a lost 2207 and a lost 6202 (and a paid one). */
function histories(ctx: SelfPayVisitContext): OutboxRow[][] {
  const lostSettle = rowOf(settleCall(ctx, 'MDTRT1'), 'superseded');
  const lostPay = rowOf(cashPayCall(ctx, order), 'superseded');
  const lostRepay = rowOf({ ...cashPayCall(ctx, order), step: 'repay-pay' }, 'superseded');
  const paid = rowOf(cashPayCall(ctx, order), 'done');
  // A refund's cancel refused (the query then tells "stands" from "cancelled already"), or lost.
  const refusedCancel = rowOf(refundCancelCall(ctx, 'MDTRT1', 'SET1'), 'rejected');
  const lostCancel = rowOf(refundCancelCall(ctx, 'MDTRT1', 'SET1'), 'superseded');
  return [[], [lostSettle, lostPay], [paid], [paid, lostSettle], [refusedCancel], [paid, lostCancel], [lostRepay]];
}

interface Made {
  step: Step;
  outcome: string;
  from: SettlementState;
  to: SettlementState;
}

/** Runs every handler of the table on every visit kind and history; what they returned. */
function walk(): Made[] {
  const made: Made[] = [];
  for (const step of stepNames) {
    const spec = steps[step];
    // The undo calls run after the visit ended (or while it is asked about): their answers move
    // nothing, except a refusal as settled, which sends an ended visit to query (checked below).
    const froms: SettlementState[] = spec.state ? [spec.state] : ['failed', 'cancelled', 'query-pending'];
    for (const [from, [kind, ctx]] of froms.flatMap((f) => Object.entries(contexts).map((c) => [f, c] as const))) {
      for (const history of histories(ctx)) {
        for (const row of rowsOf(step, ctx)) {
          const env: StepEnv = {
            id: 'S1',
            row,
            from,
            ctx: step.startsWith('repay-') ? ({ ...ctx, creditRepay: repay } as CreditRepayVisitContext) : ctx,
            mdtrtId: () => 'MDTRT1',
            calls: () => [...history, row],
            presettled: () => null,
            setlIdSeen: () => false,
            now: () => at,
            to: (to, extra) => ({ settlementId: 'S1', from: [from], to, ...extra }),
          };
          const record = (outcome: string, next: TransitionRequest | null | 'resend') => {
            const label = `${step} ${outcome} (${kind}, ${row.infno}${history.length ? `, history ${history.map((h) => `${h.step}:${h.status}`).join('+')}` : ''})`;
            if (spec.state === null) {
              // A 6401 is about the centre's order, not the visit: its refusal says nothing about a settlement.
              const reopens = step !== 'revoke-order' && outcome === 'refused:already-settled' && from !== 'query-pending' && history.some((h) => h.step === 'settle');
              if (!reopens) {
                assert.ok(next === null || next === 'resend', `${label}: an undo call's answer moves nothing`);
                return;
              }
              assert.ok(next && next !== 'resend' && next.to === 'query-pending', `${label}: an undo refused as settled asks whether a settlement stands`);
            }
            if (next === null || next === 'resend') {
              made.push({ step, outcome, from, to: from });
              return;
            }
            assert.deepEqual(next.from, [from], `${label}: leaves only the state the call was sent from`);
            assert.ok(canTransition(from, next.to as SettlementState), `${label}: ${from} -> ${next.to} is not an edge of settlementTransitions`);
            made.push({ step, outcome, from, to: next.to as SettlementState });
          };
          for (const output of okAnswers(step, history.find((h) => h.step === 'settle')?.msgid ?? '')) record('ok', spec.onOk(env, output));
          for (const reason of refusalReasons) record(`refused:${reason}`, onRefusedFor(spec, reason)(env, { reason, errMsg: 'x' }));
          record('unknown', spec.onUnknown(env));
        }
      }
    }
  }
  return made;
}

/**
 * Edges no step's answer makes, made by the engine or by a person, from the table's own data:
 * - a dead letter (no answer after maxAttempts, for a resent call) or an answer the terminal cannot
 *   use (a missing id, an unbalanced split) or an unknown outcome past its deadline: step state -> needs-staff;
 * - staff retry of a dead letter: needs-staff -> the state of its step;
 * - the patient at confirm: awaiting-confirm -> settle-pending (confirm), presettle-pending
 *   (changeSelfPay, and a pay-code confirm, which is pre-settled again before the charge), cancelled (cancel);
 * - staff cancel: needs-staff / awaiting-confirm -> cancelled, needs-staff -> reversal-pending
 *   (a reversible call's outcome unknown) or refund-pending (the code was charged);
 * - the HIS told the bill is paid: settled -> closed.
 */
function actionEdges(): [SettlementState, SettlementState][] {
  const edges: [SettlementState, SettlementState][] = [];
  for (const step of stepNames) {
    const state = steps[step].state;
    if (!state) continue;
    edges.push([state, 'needs-staff'], ['needs-staff', state]);
  }
  edges.push(
    ['awaiting-confirm', 'settle-pending'],
    ['awaiting-confirm', 'presettle-pending'],
    ['awaiting-confirm', 'cancelled'],
    ['needs-staff', 'cancelled'],
    ['needs-staff', 'reversal-pending'],
    ['needs-staff', 'refund-pending'],
    ['settled', 'closed'],
    // Staff refund of a settled visit (engine.refundByStaff).
    ['settled', 'refund-cancel-pending'],
    ['closed', 'refund-cancel-pending'],
    // A credit debt repaid at the kiosk by code (engine.repayCreditByCode).
    ['closed', 'repay-pending'],
  );
  return edges;
}

/**
 * Legal edges nothing makes today, and why they stay: a visit waiting on the platform is cancelled
 * only through needs-staff (staff cancel applies at needs-staff and awaiting-confirm), and a lost
 * settlement is queried before it is reversed. Kept so a journal written by an older terminal that
 * took them still reads as a legal history.
 */
const unmade: [SettlementState, SettlementState][] = [
  ['register-pending', 'cancelled'],
  ['fees-pending', 'cancelled'],
  ['discharge-pending', 'cancelled'],
  ['presettle-pending', 'cancelled'],
  ['settle-pending', 'reversal-pending'],
  // A refused refund goes back to where it started: 'settled' when the HIS had not heard yet; the walk's
  // contexts carry no refund, so they read as started from 'closed'.
  ['refund-query-pending', 'settled'],
  // A pay-code confirm charged the split on screen at once; it is pre-settled again first now.
  ['awaiting-confirm', 'cash-pending'],
];

describe('the step table', () => {
  const made = walk();
  const key = ([a, b]: [string, string]) => `${a} -> ${b}`;

  it('every step has one state, and a visit call is named by exactly one step', () => {
    for (const step of stepNames) {
      const spec = steps[step];
      assert.ok(spec.infno.outpatient || spec.infno.inpatient, `${step} has an infno`);
      assert.equal(spec.state === null, spec.effect === 'undo', `${step}: only the undo calls have no state of their own`);
    }
    assert.equal(stepOf('fee-upload'), 'upload-fees', 'an older journal’s name reads as today’s');
    assert.equal(stepOf('person-query'), null);
  });

  it('the calls the settlement builds carry the step’s own infno', () => {
    for (const [kind, ctx] of Object.entries(contexts)) {
      const inpatient = isInpatient(ctx);
      for (const step of stepNames) {
        for (const row of rowsOf(step, ctx)) {
          const s = stepOf(row.step);
          assert.ok(s, `${row.step} is a step`);
          const want = inpatient ? steps[s].infno.inpatient : steps[s].infno.outpatient;
          assert.equal(row.infno, want, `${kind}: ${row.step}`);
        }
      }
    }
    assert.equal(stepOfInfno('2301'), 'upload-fees');
    assert.equal(stepOfInfno('2401'), 'admit');
  });

  it('each step’s answers, for every outcome class, move the visit only along edges of the state machine', () => {
    // walk() asserts each one; here: every step with a state was walked for ok, each reason and unknown.
    for (const step of stepNames.filter((s) => steps[s].state)) {
      const outcomes = new Set(made.filter((m) => m.step === step).map((m) => m.outcome));
      assert.deepEqual([...outcomes].sort(), ['ok', 'unknown', ...refusalReasons.map((r) => `refused:${r}`)].sort(), step);
    }
  });

  it('a lost answer: reversible commits are reversed (or, for the settlement, asked about), never resent blind', () => {
    const unknownTo = (step: Step) => new Set(made.filter((m) => m.step === step && m.outcome === 'unknown').map((m) => m.to));
    for (const step of stepNames) {
      const spec = steps[step];
      if (!spec.reversible) continue;
      assert.deepEqual([...unknownTo(step)], [step === 'settle' ? 'query-pending' : 'reversal-pending'], step);
    }
    assert.deepEqual([...unknownTo('cash-pay')], ['cash-query-pending'], 'a lost 6202 is asked about');
  });

  it('every edge of settlementTransitions is made by a step’s answer or an action, or listed with why not', () => {
    const byAnswer = new Set(made.filter((m) => m.from !== m.to || m.outcome !== 'unknown').map((m) => key([m.from, m.to])));
    const byAction = new Set(actionEdges().map(key));
    const listed = new Set(unmade.map(key));
    const legal = settlementStates.flatMap((from) => (settlementTransitions[from] as readonly SettlementState[]).map((to) => key([from, to])));
    const missing = legal.filter((e) => !byAnswer.has(e) && !byAction.has(e) && !listed.has(e));
    assert.deepEqual(missing, [], 'legal edges nothing makes and nobody listed');
    for (const e of listed) {
      assert.ok(legal.includes(e), `${e} is listed but is not an edge`);
      assert.ok(!byAnswer.has(e) && !byAction.has(e), `${e} is listed as unmade but something makes it: drop it from the list`);
    }
    for (const e of byAction) assert.ok(legal.includes(e), `the action edge ${e} is not an edge of settlementTransitions`);
  });
});

describe('the stale-write guard', () => {
  it('refuses an answer computed for a state the visit has since left', async () => {
    const journal = openJournal({ dataDir: mkdtempSync(join(tmpdir(), 'steps-')), institutionCode: 'H12345678901', formatMsgid, msgidSlot: '00' });
    try {
      const ctx = baseCtx('11');
      journal.openSettlement({ id: 'S1', service: 'outpatient', state: 'settle-pending', context: ctx, patch: { mdtrtId: 'MDTRT1' }, call: settleCall(ctx, 'MDTRT1') });
      // While the 2207 is on the wire, another actor moves the visit on (settle-pending -> query-pending).
      const platform: PlatformClient = {
        async call(): Promise<CallOutcome> {
          journal.transition({ settlementId: 'S1', from: ['settle-pending'], to: 'query-pending', note: 'moved by another actor', call: settlementQueryCall(ctx, 'MDTRT1') });
          const output = { setlinfo: setlinfo({ medins_setl_id: 'x' }), setldetail: [] };
          return { kind: 'ok', output, response: { infcode: 0, output } as never, rawResponse: JSON.stringify({ infcode: 0, output }) };
        },
        decodeEcQr: () => Promise.reject(new Error('not used')),
      };
      // The old guard (any predecessor of the target) would have written this: query-pending may become settled.
      assert.ok(predecessorsOf('settled').includes('query-pending'));
      const engine = createSettlementEngine({ journal, platform, random: () => 0 });
      await assert.rejects(engine.pump('S1'), StaleTransitionError);
      assert.equal(journal.settlement('S1')?.state, 'query-pending', 'the answer computed for settle-pending was not written');
      assert.ok(!journal.events('S1').some((e) => e.to_state === 'settled'));
    } finally {
      journal.close();
    }
  });
});
