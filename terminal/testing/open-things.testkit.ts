// The simulator ledger's "open things" check, for scenario tests to call after each scenario:
// nothing a visit started may be left open on the platform once the visit is over. An open
// registration, a fee line uploaded and never settled or taken back, an inpatient stay admitted or
// discharged and never settled or cancelled, a mobile-payment order uploaded and neither paid nor
// revoked: each is a hospital's reconciliation problem and a patient's next visit refused.
import assert from 'node:assert/strict';
import { afterEach } from 'node:test';
import type { Ledger } from '../sim/platform/state';
import type { MobilePayLedger } from '../sim/platform/mobile-pay';
import { ORDER_UNPAID } from '../insurance/mobile-pay';
import type { RunningTerminal } from '../app/start-terminal';

export interface OpenThing {
  kind: 'registration' | 'fee-line' | 'stay' | 'mobile-order';
  id: string;
  /** Whose it is (a wallet payment code's order: null). */
  psnNo: string | null;
  detail: string;
}

/**
 * What is left open on the platform's books. A visit with a standing settlement is done with (its
 * fee lines are settled); `except` names mdtrt_ids that are allowed to stay open (a stay the HIS
 * admitted and still owns, a mid-stay settlement's stay).
 */
export function openThings(ledger: Ledger, mobile?: MobilePayLedger, except: ReadonlySet<string> = new Set()): OpenThing[] {
  const found: OpenThing[] = [];
  const settledVisits = new Set(ledger.settlements.filter((s) => s.status === 'settled' && !s.midSetl).map((s) => s.mdtrtId));
  for (const v of ledger.visits) {
    if (except.has(v.mdtrtId)) continue;
    for (const f of v.fees) if (f.state === 'unsettled') found.push({ kind: 'fee-line', id: `${v.mdtrtId}/${f.feedetlSn}`, psnNo: v.psnNo, detail: `unsettled fee line of ${v.kind} visit ${v.mdtrtId}` });
    if (settledVisits.has(v.mdtrtId)) continue;
    if (v.status === 'open' && v.kind === 'outpatient') found.push({ kind: 'registration', id: v.mdtrtId, psnNo: v.psnNo, detail: 'outpatient registration neither settled nor cancelled' });
    if ((v.status === 'open' || v.status === 'discharged') && v.kind === 'inpatient') found.push({ kind: 'stay', id: v.mdtrtId, psnNo: v.psnNo, detail: `inpatient stay ${v.status}, neither settled nor cancelled` });
  }
  for (const o of mobile?.orders ?? []) {
    if (o.ordStas === ORDER_UNPAID) found.push({ kind: 'mobile-order', id: o.payOrdId, psnNo: o.payer.startsWith('psn:') ? o.payer.slice(4) : null, detail: `mobile order ${o.medOrgOrd} uploaded, neither paid nor revoked` });
  }
  return found;
}

/** Fails the test with the list when anything is left open. */
export function assertNothingOpen(sim: { ledger(): Ledger; mobilePayLedger?(): MobilePayLedger }, except?: ReadonlySet<string>): void {
  const open = openThings(sim.ledger(), sim.mobilePayLedger?.(), except);
  assert.deepEqual(open, [], `left open on the platform:\n${open.map((o) => `  ${o.kind} ${o.id}: ${o.detail}`).join('\n')}`);
}

/** A platform's books: a simulator (embedded or started by the test). */
export type PlatformBooks = { ledger(): Ledger; mobilePayLedger?(): MobilePayLedger };

/**
 * Something a test ends with open on purpose (an offline capture still queued, a visit sent to
 * staff): its kind, whose (psn_no), how many (1 unless said), and why. Stated per test; once seen,
 * the very things matched stay allowed in later tests of the suite until they are closed.
 */
export interface ExpectedOpen {
  kind: OpenThing['kind'];
  psnNo?: string;
  count?: number;
  reason: string;
}

export interface OpenThingsCheck {
  /**
   * Checks these books after every test from now on: a terminal's embedded simulator, or a
   * simulator. A terminal also sends what it has queued before each check and before it closes
   * (its undo calls wait for the replay worker), through admin.forward with `pin` (the demo PIN
   * unless said); `books` names the simulator a terminal on a remote platform talks to.
   */
  track<T extends RunningTerminal | PlatformBooks>(tracked: T, options?: { pin?: string; books?: PlatformBooks }): T;
  /** The running test ends with this open on purpose. */
  expect(thing: ExpectedOpen): void;
}

const keyOf = (o: OpenThing) => `${o.kind} ${o.id}`;

/**
 * What is wrong with what is open, given what this test stated and what earlier tests did
 * (`allowed`, by key, kept up to date here: an allowance ends once its thing is closed). Empty when
 * all is as stated.
 */
export function judgeOpenThings(open: OpenThing[], stated: ExpectedOpen[], allowed: Map<string, string>): string[] {
  const openKeys = new Set(open.map(keyOf));
  for (const k of [...allowed.keys()]) if (!openKeys.has(k)) allowed.delete(k);
  let unexplained = open.filter((o) => !allowed.has(keyOf(o)));
  const problems: string[] = [];
  for (const e of stated) {
    const want = e.count ?? 1;
    const matched = unexplained.filter((o) => o.kind === e.kind && (e.psnNo === undefined || o.psnNo === e.psnNo));
    if (matched.length !== want) problems.push(`  expected ${want} open ${e.kind}${e.psnNo ? ` of ${e.psnNo}` : ''} (${e.reason}), found ${matched.length}`);
    for (const m of matched) allowed.set(keyOf(m), e.reason);
    unexplained = unexplained.filter((o) => !matched.includes(o));
  }
  for (const o of unexplained) problems.push(`  ${o.kind} ${o.id}: ${o.detail}`);
  return problems;
}

/** What the terminal's replay worker would send at its next run, sent now (staff's 立即转发). */
async function sendQueued(terminal: RunningTerminal, pin: string): Promise<void> {
  const status = await terminal.api.execute({ type: 'status.get' });
  if (!status.ok) throw new Error(`status.get refused: ${JSON.stringify(status.error)}`);
  if (status.status.outboxPending === 0) return;
  const forwarded = await terminal.api.execute({ type: 'admin.forward', pin });
  if (!forwarded.ok) throw new Error(`the queued calls could not be forwarded before the open-things check: ${JSON.stringify(forwarded.error)}`);
}

/**
 * The open-things check after every test of the calling suite (or file, at top level): every
 * platform tracked must have nothing open but what the test expected, each expected thing exactly
 * as many times as said. Call at the suite's top; track each terminal (or simulator) as it starts.
 */
export function nothingOpenAfterEach(): OpenThingsCheck {
  const books = new Set<PlatformBooks>();
  /** Running terminals, to send their queued calls before each check. */
  const running = new Map<RunningTerminal, string>();
  let expected: ExpectedOpen[] = [];
  /** Open things an earlier test expected, by key, with the reason. */
  const allowed = new Map<string, string>();
  afterEach(async () => {
    const stated = expected;
    expected = [];
    for (const [terminal, pin] of running) await sendQueued(terminal, pin);
    const open = [...books].flatMap((b) => openThings(b.ledger(), b.mobilePayLedger?.()));
    const problems = judgeOpenThings(open, stated, allowed);
    if (problems.length > 0) assert.fail(`left open on the platform:\n${problems.join('\n')}`);
  });
  return {
    track(tracked, options = {}) {
      if (!('api' in tracked)) {
        books.add(tracked);
        return tracked;
      }
      const platform = options.books ?? tracked.simulators.platform;
      if (!platform) throw new Error('this terminal runs no embedded platform simulator: name the one it talks to (books)');
      books.add(platform);
      const pin = options.pin ?? '000000';
      running.set(tracked, pin);
      const close = tracked.close.bind(tracked);
      tracked.close = async () => {
        try {
          if (running.delete(tracked)) await sendQueued(tracked, pin);
        } finally {
          await close();
        }
      };
      return tracked;
    },
    expect(thing) {
      expected.push(thing);
    },
  };
}
