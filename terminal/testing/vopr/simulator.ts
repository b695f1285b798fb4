// The seeded whole-terminal simulation (TigerBeetle's VOPR is the model). One seed drives everything
// that can vary: the virtual clock, which patients come with which credential and bill, what they
// tap, the platform's faults per call (lost request, answer lost after commit, HTTP error, timeout,
// malformed answer, outage, an answer garbled by a gateway: an undocumented infcode on a call the
// platform committed, amounts that do not add up, another person, a setl_id seen before), the HIS's
// (a "paid" notice lost before or after the HIS heard), a disk that fills between a send and the
// write of its answer, patients who walk away without a word, two kiosks paying one HIS bill (each
// claims the bill at the HIS first, bill-claim.ts), and crashes: a crash drops every in-memory object (engine, worker, locks) and reopens the journal from
// its SQLite file, then recovers what was in flight, as a restarted terminal does. The terminal's
// own code runs unchanged (identity, engine, replay worker, journal); the platform and HIS are the
// simulators' books called in-process (PlatformCore, HisBooks), so a run takes milliseconds.
// After the run the faults stop, the worker drains, and the books are checked (see `check`).
// A failing seed replays exactly: `npm run sim:seed -- --seed N`.
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seededRandom } from '../../common/seeded-random';
import type { Split } from '../../common/vocabulary';
import { finalStates, settlementStates } from '../../common/settlement-states';
import { classifyCallAnswer, type CallOutcome, type EcDecodeOutcome, type PlatformCall, type PlatformClient } from '../../insurance/client';
import { RequestEnvelope } from '../../insurance/envelope';
import { isMobilePayInfno, mobilePaySchemas, ORDER_PAID } from '../../insurance/mobile-pay';
import { formatMsgid, formatWireTime } from '../../insurance/msgid';
import { openJournal, type Journal, type TransitionRequest } from '../../journal/journal';
import { claimAnswer, HisError, type HisBill, type HisClient } from '../../his/client';
import { CLAIM_TTL_SECONDS, createBillClaims, type BillClaims } from '../../kiosk/bill-claim';
import { identifyByEcQr, identifyByIdCard, type IdentifyResult } from '../../identity/resolve';
import { BillTakenError, createSettlementEngine, JournalWriteFailedError, type SettlementEngine } from '../../settlement/engine';
import { createReplayWorker, type ReplayWorker } from '../../settlement/replay-worker';
import { PlatformCore } from '../../sim/platform/core';
import { loadFixtures, type SimFixtures } from '../../sim/platform/fixtures';
import { simEnvelopeContext } from '../../sim/platform/context';
import { HisBooks, HisOrdersFixture, type HisBillFixture } from '../../sim/his/server';
import { fenToYuan, yuanToFen } from '../../common/money';
import { readFileSync } from 'node:fs';
import { refusalReasonOf } from '../../insurance/refusal';
import { garbleOutput } from '../../sim/platform/faults';

const fixturesDir = resolve(import.meta.dirname, '..', '..', '..', 'fixtures');

/**
 * Guards the simulation can break on purpose, to show a seed catches them. 'resend-unknown': a
 * committing call whose answer never came (lost on the wire, or in flight at a crash) is sent again
 * under a fresh msgid instead of being asked about (5203) or reversed (2601). Since the platform
 * refuses a second settlement of one stay and the engine queries a refusal it cannot place, that
 * bug now doubles nothing; 'fail-unknown' is the guard that still matters alone: a settlement whose
 * answer never came is marked failed without asking, so a settlement that went through is lost.
 */
export type InjectedBug = 'resend-unknown' | 'fail-unknown';

export interface SeedOptions {
  bug?: InjectedBug;
  /** Keeps every event of the run, printed by sim:seed. */
  trace?: boolean;
}

export interface SeedResult {
  seed: number;
  failures: string[];
  /** How often each of issue 11's fault classes was drawn in this seed. */
  drawn: { garbled: number; diskFull: number; walkedAway: number; secondKiosk: number };
  /** Failures that match a finding in KNOWN_FINDINGS: reported, not counted, until the engine is fixed. */
  known: string[];
  visits: number;
  settled: number;
  crashes: number;
  faults: number;
  events: number;
  trace: string[];
}

/**
 * What the simulation found in code it may not change (terminal/settlement belongs to another
 * change): each is printed by sim:seed and counted by bench:sim, and stays here until fixed there.
 */
export const KNOWN_FINDINGS: ReadonlyArray<{ pattern: RegExp; finding: string }> = [];

export const reproduceLine = (seed: number, bug?: InjectedBug): string => `reproduce: npm run sim:seed -- --seed ${seed}${bug ? ` --bug ${bug}` : ''}`;

/** What every seed shares and nothing mutates: the fixtures. */
interface Shared {
  fx: SimFixtures;
  bills: HisBillFixture[];
}
let shared: Shared | null = null;
function sharedOnce(): Shared {
  shared ??= {
    fx: loadFixtures(fixturesDir),
    bills: HisOrdersFixture.parse(JSON.parse(readFileSync(join(fixturesDir, 'his', 'orders.json'), 'utf8'))).bills,
  };
  return shared;
}

/** A crash: thrown from the crash point on, until every object of the old terminal is dropped. */
class Crash extends Error {
  constructor() {
    super('simulated crash');
  }
}

/** tmpfs where there is one: the journal fsyncs every write, and a crash here is in-process anyway. */
const scratchRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

const JOURNAL_WRITES = new Set(['openSettlement', 'transition', 'enqueueCall', 'markInFlight', 'markInFlightGrouped', 'recordOutcome', 'recordOutcomeGrouped', 'requeue', 'recordHisNotice', 'cachePerson', 'setMetaValue']);
/** The calls that commit something on the platform's books: what a gateway's undocumented infcode leaves unknown. */
const COMMITTING = new Set(['2201', '2204', '2207', '2401', '2301', '2304']);

/** What SQLite throws when the disk is full (better-sqlite3's SqliteError carries the code). */
class DiskFull extends Error {
  readonly code = 'SQLITE_FULL';
  constructor() {
    super('database or disk is full');
  }
}

export async function runSeed(seed: number, options: SeedOptions = {}): Promise<SeedResult> {
  const { fx, bills: fixtureBills } = sharedOnce();
  // Separate streams, so adding a draw to one (a new fault kind) does not reshuffle the others.
  const pick = seededRandom(seed);
  const faultRandom = seededRandom(seed ^ 0x5bd1e995);
  const crashRandom = seededRandom(seed ^ 0x27d4eb2f);
  const engineRandom = seededRandom(seed ^ 0x165667b1);
  const uuidRandom = seededRandom(seed ^ 0x1b873593);
  const chance = (p: number) => pick() < p;
  const between = (lo: number, hi: number) => lo + Math.floor(pick() * (hi - lo + 1));
  const oneOf = <T>(xs: readonly T[]): T => xs[Math.floor(pick() * xs.length)] as T;

  const trace: string[] = [];
  const log = (line: string) => {
    if (options.trace) trace.push(`${new Date(clockMs).toISOString().slice(11, 19)} ${line}`);
  };
  const result: SeedResult = { seed, failures: [], drawn: { garbled: 0, diskFull: 0, walkedAway: 0, secondKiosk: 0 }, known: [], visits: 0, settled: 0, crashes: 0, faults: 0, events: 0, trace };

  // The clock: virtual, moved by the simulation only (calls take time, patients dawdle, the worker waits).
  let clockMs = Date.UTC(2025, 2, 3, 1, 0, 0) + Math.floor(pick() * 8 * 3_600_000);
  const now = () => new Date(clockMs);
  const advance = (ms: number) => {
    clockMs += ms;
  };

  // The seed's knobs: how rough this run's platform, HIS and power supply are.
  const rates = {
    lostRequest: pick() * 0.08,
    lostAnswer: pick() * 0.12,
    httpError: pick() * 0.05,
    malformed: pick() * 0.03,
    hisLost: pick() * 0.3,
    crashPerWrite: chance(0.7) ? pick() * 0.03 : 0,
    crashAfterCommit: chance(0.7) ? pick() * 0.05 : 0,
    outage: pick() * 0.15,
  };
  // Issue 11's faults draw from their own stream, so they leave a seed's older draws where they were.
  const field = seededRandom(seed ^ 0x68e31da4);
  const fieldChance = (p: number) => field() < p;
  const fieldRates = {
    garble: fieldChance(0.5) ? field() * 0.12 : 0,
    diskFull: fieldChance(0.4) ? field() * 0.06 : 0,
    walkAwaySilently: field() * 0.25,
    twoKiosks: fieldChance(0.4),
  };
  /** The settling calls whose answer a gateway garbled: a visit held for staff over one is the checks working. */
  const garbledMsgids = new Set<string>();
  /** Per kiosk: until when its disk is full (virtual ms). */
  const diskFullUntil = [0, 0];
  /** Which kiosk the simulation is driving now (only kiosk 0 crashes; the other is a second machine on the same HIS). */
  let acting = 0;
  let faultsOn = true;
  let platformUp = true;
  let crashesOn = true;
  let dead = false;

  // The engine's own log lines (a journal write failed, writes work again) belong to the seed's trace.
  const realConsoleError = console.error;
  console.error = (...args: unknown[]) => log(`log: ${args.map(String).join(' ')}`);
  // Visit ids come from randomUUID inside the engine; seeded here so a run replays exactly.
  const realUuid = crypto.randomUUID;
  crypto.randomUUID = () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(uuidRandom() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}` as ReturnType<typeof realUuid>;
  };
  syncBuiltinESMExports();

  // The world outside the terminal.
  const core = new PlatformCore({ fx, now });
  const peopleByCertno = new Map(fx.people.map((p) => [p.certno, p]));
  const visitBills: HisBillFixture[] = [];
  const visitCount = between(2, 7);
  for (let i = 0; i < visitCount; i++) {
    const base = oneOf(fixtureBills);
    const billId = `${base.billId}-${seed}-${i}`;
    visitBills.push({ ...base, billId, items: base.items.map((item, n) => ({ ...item, feedetlSn: `${billId}-${n}` })) });
  }
  const hisBooks = new HisBooks(visitBills, () => clockMs);

  /** A fault for this call, or none; also moves the clock by the call's time on the wire. */
  function faultFor(infno: string): 'lost-request' | 'lost-answer' | 'http-error' | 'malformed' | null {
    advance(20 + Math.floor(faultRandom() * 200));
    if (!faultsOn) return null;
    const r = faultRandom();
    const kinds = [
      ['lost-request', rates.lostRequest],
      ['lost-answer', rates.lostAnswer],
      ['http-error', rates.httpError],
      ['malformed', rates.malformed],
    ] as const;
    let fault: ReturnType<typeof faultFor> = null;
    let edge = 0;
    for (const [kind, rate] of kinds) {
      edge += rate;
      if (r < edge) {
        fault = kind;
        break;
      }
    }
    if (fault) {
      result.faults++;
      log(`fault ${fault} on ${infno}`);
      // A lost answer is a timeout: the terminal waited out its deadline.
      if (fault === 'lost-answer') advance(15_000);
    }
    return fault;
  }

  function crashPoint(p: number, where: string): void {
    if (acting !== 0) return;
    if (dead) throw new Crash();
    if (crashesOn && p > 0 && crashRandom() < p) {
      dead = true;
      result.crashes++;
      log(`CRASH ${where}`);
      throw new Crash();
    }
  }

  const unreachable = (detail: string): CallOutcome => ({ kind: 'unknown', reason: 'connection', detail, rawResponse: null });

  const platform: PlatformClient = {
    async call(call: PlatformCall): Promise<CallOutcome> {
      await Promise.resolve();
      crashPoint(0, 'send');
      if (!platformUp) {
        advance(3_000);
        return unreachable('platform unreachable (outage)');
      }
      const fault = faultFor(call.infno);
      if (fault === 'lost-request') return unreachable('connection reset before the platform read it');
      let text: string;
      let status = 200;
      if (isMobilePayInfno(call.infno)) {
        const given = call.input as Record<string, unknown>;
        const data = 'orgCodg' in given ? given : { ...given, orgCodg: simEnvelopeContext.fixmedins_code };
        const checked = mobilePaySchemas[call.infno].input.safeParse(data);
        if (!checked.success) throw new Error(`the engine built a bad ${call.infno}: ${checked.error.message}`);
        // The centre's books without the SM4/SM2 wrapping (pure-JS SM2 would be most of a run's time).
        const answer = core.mobilePay.handleOpened(call.infno, data);
        crashPoint(rates.crashAfterCommit, `after the centre answered ${call.infno}`);
        if (fault === 'lost-answer') return { kind: 'unknown', reason: 'timeout', detail: 'answer lost after the centre committed', rawResponse: null };
        if (fault === 'http-error') return { kind: 'unknown', reason: 'http-status', detail: 'HTTP 503', rawResponse: null };
        if (fault === 'malformed') return { kind: 'unknown', reason: 'malformed', detail: 'answer cut off', rawResponse: null };
        const response = { infcode: answer.code, err_msg: answer.message, output: answer.data ?? null };
        if (answer.code !== 0) return { kind: 'rejected', infcode: answer.code, errMsg: answer.message, reason: refusalReasonOf(answer.code, answer.message), response, rawResponse: JSON.stringify(answer) };
        const out = mobilePaySchemas[call.infno].output.safeParse(answer.data);
        if (!out.success) return { kind: 'unknown', reason: 'malformed', detail: `output of ${call.infno} does not match its schema`, rawResponse: JSON.stringify(answer) };
        return { kind: 'ok', output: answer.data, response, rawResponse: JSON.stringify(answer.data) };
      }
      const envelope = RequestEnvelope.parse({
        ...simEnvelopeContext,
        infno: call.infno,
        msgid: call.msgid,
        insuplc_admdvs: call.insuplcAdmdvs ?? '',
        inf_time: formatWireTime(now()),
        sign_no: call.signNo ?? '',
        input: call.input,
      });
      text = core.callService(envelope, now());
      if (!fault) text = garbled(call, text);
      if (faultsOn && fieldChance(fieldRates.diskFull)) {
        // The disk fills while the answer is on its way: the write of what it means fails.
        diskFullUntil[acting] = clockMs + 1_000 + Math.floor(field() * 600_000);
        result.drawn.diskFull++;
        log(`DISK FULL on kiosk ${acting} after sending ${call.infno} ${call.msgid}`);
      }
      crashPoint(rates.crashAfterCommit, `after the platform answered ${call.infno} ${call.msgid}`);
      if (fault === 'lost-answer') return { kind: 'unknown', reason: 'timeout', detail: 'answer lost after the platform committed', rawResponse: null };
      if (fault === 'http-error') {
        status = 503;
        text = '<html>503</html>';
      }
      if (fault === 'malformed') text = text.slice(0, Math.floor(text.length / 2));
      return classifyCallAnswer(call.infno, { kind: 'answered', status, text });
    },
    async decodeEcQr(req): Promise<EcDecodeOutcome> {
      await Promise.resolve();
      if (!platformUp) return { kind: 'unknown', reason: 'connection', detail: 'platform unreachable (outage)' };
      const fault = faultFor('ecQuery');
      if (fault) return { kind: 'unknown', reason: 'connection', detail: fault };
      const answer = core.decodeQr(req.qrCode);
      if (String(answer.code) !== '0') return { kind: 'rejected', code: String(answer.code), message: answer.message };
      return { kind: 'ok', person: answer.data as Extract<EcDecodeOutcome, { kind: 'ok' }>['person'] };
    },
  };

  /**
   * A gateway between the terminal and the platform that garbles an answer the platform committed:
   * an undocumented infcode on any committing call, or (on a settlement) amounts that are negative or
   * do not add up, another person, a setl_id another visit holds.
   */
  function garbled(call: PlatformCall, text: string): string {
    if (!faultsOn || !COMMITTING.has(call.infno) || !fieldChance(fieldRates.garble)) return text;
    const answer = JSON.parse(text) as { infcode: number; err_msg?: string; output?: { setlinfo?: Record<string, unknown> } };
    if (answer.infcode !== 0) return text;
    const settling = call.infno === '2207' || call.infno === '2304';
    const kinds = settling ? (['in-progress', 'negative-cash', 'unbalanced', 'other-person', 'seen-setl-id'] as const) : (['in-progress'] as const);
    const kind = kinds[Math.floor(field() * kinds.length)] ?? 'in-progress';
    result.faults++;
    result.drawn.garbled++;
    log(`GARBLED ${call.infno} ${call.msgid}: ${kind}`);
    if (kind === 'in-progress') return JSON.stringify({ ...answer, infcode: 2, err_msg: '交易处理中，请稍后查询', output: null });
    const info = answer.output?.setlinfo ?? {};
    const cash = yuanToFen(info.psn_cash_pay ?? 0);
    const fund = yuanToFen(info.fund_pay_sumamt ?? 0);
    // A setl_id another visit of this kiosk holds (a kiosk cannot know another kiosk's).
    const other = (terms[acting] as Terminal).raw.settlementsIn(['settled', 'closed']).find((v) => v.setlId && v.setlId !== info.setl_id)?.setlId;
    const set: Record<string, unknown> =
      kind === 'negative-cash'
        ? { 'setlinfo.psn_cash_pay': fenToYuan(-5_000), 'setlinfo.fund_pay_sumamt': fenToYuan(fund + cash + 5_000) }
        : kind === 'unbalanced'
          ? { 'setlinfo.fund_pay_sumamt': fenToYuan(fund + 100) }
          : kind === 'other-person'
            ? { 'setlinfo.psn_no': '33000000000000009999' }
            : other
              ? { 'setlinfo.setl_id': other }
              : { 'setlinfo.fund_pay_sumamt': fenToYuan(fund + 100) };
    garbledMsgids.add(call.msgid);
    return JSON.stringify({ ...answer, output: garbleOutput(answer.output, set) });
  }

  let hisUp = true;
  const his: Pick<HisClient, 'markPaid'> = {
    async markPaid(billId, receipt) {
      await Promise.resolve();
      crashPoint(0, 'HIS notice');
      advance(10 + Math.floor(faultRandom() * 50));
      const lost = hisUp && faultsOn && faultRandom() < rates.hisLost;
      if (!hisUp || (lost && faultRandom() < 0.5)) throw new HisError('HIS unreachable: connection refused', null);
      const answer = hisBooks.markPaid(billId, receipt);
      crashPoint(rates.crashAfterCommit, 'after the HIS heard it was paid');
      if (lost) throw new HisError('HIS unreachable: timeout after it heard', null);
      if (answer.status !== 200) throw new HisError(`HIS mark paid: HTTP ${answer.status}`, answer.status);
    },
  };
  /** The HIS's claim calls, answered by its books and read by the HIS client's own answer check. */
  const hisClaims: Pick<HisClient, 'claim' | 'renewClaim' | 'releaseClaim'> = {
    async claim(billId, req) {
      await Promise.resolve();
      if (!hisUp) throw new HisError('HIS unreachable: connection refused', null);
      const a = hisBooks.claim(billId, req);
      const answer = claimAnswer('claim', a.status, a.json);
      if (answer.kind === 'lost') throw new HisError('HIS claim: HTTP 410', 410);
      return answer;
    },
    async renewClaim(billId, req) {
      await Promise.resolve();
      if (!hisUp) throw new HisError('HIS unreachable: connection refused', null);
      const a = hisBooks.renewClaim(billId, req);
      return claimAnswer('renew', a.status, a.json);
    },
    async releaseClaim(billId, claimId) {
      await Promise.resolve();
      if (!hisUp) throw new HisError('HIS unreachable: connection refused', null);
      hisBooks.releaseClaim(billId, claimId);
    },
  };

  // The kiosks: rebuilt from the journal file after every crash (kiosk 0; kiosk 1 never crashes).
  const dataDirs = [mkdtempSync(join(scratchRoot, 'vopr-')), mkdtempSync(join(scratchRoot, 'vopr-'))];
  interface Terminal {
    raw: Journal;
    journal: Journal;
    engine: SettlementEngine;
    worker: ReplayWorker;
    claims: BillClaims;
  }
  const boot = (k: number): Terminal => {
    const raw = openJournal({ dataDir: dataDirs[k] as string, institutionCode: simEnvelopeContext.fixmedins_code, formatMsgid, msgidSlot: `0${k}`, now });
    const journal = guardJournal(raw, k);
    const claims = createBillClaims({ his: hisClaims, journal, terminalId: `KIOSK-${k}`, ttlSeconds: CLAIM_TTL_SECONDS, holdSeconds: 24 * 3600, now });
    const engine = createSettlementEngine({ journal, platform, his: claims.paidNotice(his), deferredSettleGuard: (billId) => claims.deferredSettle(billId), now, random: engineRandom, maxAttempts: 8, onChange: (v) => claims.onVisit(v) });
    const worker = createReplayWorker({ engine, online: () => platformUp, probe: async () => platformUp, concurrency: 2 });
    return { raw, journal, engine, worker, claims };
  };

  /** The journal as the terminal sees it: each write may be the last thing before the power goes, or meet a full disk. */
  function guardJournal(raw: Journal, k: number): Journal {
    return new Proxy(raw, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function' || key === 'close') return value;
        return (...args: unknown[]) => {
          if (k === 0 && dead) throw new Crash();
          if (JOURNAL_WRITES.has(String(key))) {
            if (k === 0) crashPoint(rates.crashPerWrite, `before journal.${String(key)}`);
            // A full disk refuses the write whole (SQLite rolls the transaction back).
            if (diskFullUntil[k] as number > clockMs) throw new DiskFull();
          }
          if (options.bug === 'resend-unknown' && (key === 'recordOutcome' || key === 'recordOutcomeGrouped')) args[0] = resendBlind(target, args[0] as Parameters<Journal['recordOutcome']>[0]);
          if (options.bug === 'fail-unknown' && (key === 'recordOutcome' || key === 'recordOutcomeGrouped')) args[0] = failUnknown(target, args[0] as Parameters<Journal['recordOutcome']>[0]);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  const terms: Terminal[] = [boot(0), boot(1)];
  const restart = () => {
    const old = terms[0] as Terminal;
    old.claims.close();
    old.raw.close();
    dead = false;
    terms[0] = boot(0);
    log('restarted from the journal file');
  };
  /** Runs one piece of a kiosk's work; a crash inside it restarts kiosk 0 and recovers. */
  async function work(k: number, fn: (t: Terminal) => Promise<unknown> | unknown): Promise<void> {
    result.events++;
    acting = k;
    try {
      await fn(terms[k] as Terminal);
    } catch (err) {
      // A full disk stops the work in hand; the terminal says so (journal health) and carries on.
      if (err instanceof JournalWriteFailedError || err instanceof DiskFull) log(`kiosk ${k}: ${err.message}`);
      else if (!(err instanceof Crash) && !dead) throw err;
    }
    // The worker swallows what a pump throws, so a crash inside it shows only as the flag.
    while (dead) {
      restart();
      try {
        const t = terms[0] as Terminal;
        const n = t.engine.recoverInFlight();
        if (n > 0) log(`recovered ${n} call(s) in flight`);
        await t.claims.resume();
      } catch (err) {
        if (!(err instanceof Crash) && !(err instanceof DiskFull)) throw err;
      }
    }
  }

  // forceNow, not start(): a run that start() begins and a crash cuts short rejects a promise no
  // one holds (replay-worker.ts, `void run(false).finally(schedule)`), which would end the process.
  // The clock moves on instead, so backoffs fall due as they would.
  const runWorker = async () => {
    for (const k of [0, 1]) await work(k, (t) => t.worker.forceNow());
  };

  /** How many times each bill was brought to a kiosk: with two kiosks, a second patient goes to the other one. */
  const broughtTimes = new Map<string, number>();

  /** A patient at a kiosk: identifies, the bill is claimed at the HIS and taken, the visit opened and pumped. */
  async function arrive(bill: HisBillFixture): Promise<void> {
    const person = peopleByCertno.get(bill.certno);
    if (!person) return;
    const byCard = chance(0.4);
    const times = broughtTimes.get(bill.billId) ?? 0;
    broughtTimes.set(bill.billId, times + 1);
    const k = fieldRates.twoKiosks ? times % 2 : 0;
    if (k === 1) result.drawn.secondKiosk++;
    await work(k, async (t) => {
      const identity = { journal: t.journal, platform, ecBusinessType: '01301', ecDeviceType: 'SelfService', now };
      const found: IdentifyResult = byCard
        ? await identifyByIdCard({ ...identity, personCacheMaxAgeMs: 24 * 3_600_000 }, { idNo: person.certno, name: person.psn_name })
        : await identifyByEcQr(identity, core.mintEcQr(person.key, now()));
      log(`patient ${person.key} at kiosk ${k} by ${byCard ? 'ID card' : '医保码'}: ${found.kind}${found.kind === 'ok' && found.offline ? ' (offline, from the cache)' : ''}`);
      if (found.kind !== 'ok') return;
      const hisBill = toHisBill(bill);
      // No claim, no visit (bill-claim.ts): the other kiosk's patient is refused here.
      const taken = await t.claims.take(hisBill.billId, { offline: found.offline === true });
      if (taken.kind === 'refused') {
        log(`bill ${bill.billId} claim refused at kiosk ${k}: ${taken.code}`);
        return;
      }
      let id: string | null = null;
      try {
        id = t.engine.open({ service: bill.medType === '21' ? 'discharge' : 'outpatient', person: found.person, bill: hisBill, usePersonalAccount: chance(0.6), deferred: found.offline === true });
      } catch (err) {
        if (err instanceof BillTakenError) log(`bill ${bill.billId} refused: ${err.code}`);
        else throw err;
      } finally {
        if (id) t.claims.attach(hisBill.billId, id);
        else await t.claims.release(hisBill.billId);
      }
      if (!id) return;
      result.visits++;
      log(`visit ${id.slice(0, 8)} opened for ${bill.billId} at kiosk ${k}${found.offline ? ' (offline capture)' : ''}`);
      if (!found.offline) {
        const v = await t.engine.pump(id);
        log(`visit ${id.slice(0, 8)} -> ${v.state}`);
      }
    });
  }

  /** Patients who left the split without a word: nobody taps for them, the step timeout cancels their visit. */
  const gone = new Set<string>();

  /** Patients in front of a split decide: confirm (how they pay the cash part), tap cancel, or just leave. */
  async function decide(walkAway: number): Promise<void> {
    for (const k of [0, 1]) {
      const waiting = (terms[k] as Terminal).journal.settlementsIn(['awaiting-confirm']).filter((s) => !gone.has(s.id));
      for (const s of waiting) {
        await work(k, async (t) => {
          if (faultsOn && fieldChance(fieldRates.walkAwaySilently)) {
            gone.add(s.id);
            result.drawn.walkedAway++;
            log(`visit ${s.id.slice(0, 8)}: patient leaves the split without a tap`);
            return;
          }
          if (chance(walkAway)) {
            log(`visit ${s.id.slice(0, 8)}: patient walks away`);
            await t.engine.cancel(s.id);
            return;
          }
          // The claim is extended to the long hold before anything is settled; a bill taken meanwhile is not settled.
          const billId = t.engine.view(s.id).billId;
          const hold = billId ? await t.claims.holdForSettle(billId) : { ok: true as const };
          if (!hold.ok) {
            log(`visit ${s.id.slice(0, 8)}: claim not held at confirm (${hold.code}); cancelled`);
            await t.engine.cancel(s.id, `bill claim not held for the settlement: ${hold.code}`);
            return;
          }
          const split = t.engine.view(s.id).split;
          const ctx = t.journal.settlementContext<{ person: { certType: string } }>(s.id);
          const byCode = (split?.cashFen ?? 0) > 0 && ctx?.person.certType === '01' && chance(0.5);
          const v = await t.engine.confirm(s.id, byCode ? { method: 'pay-code' } : undefined);
          log(`visit ${s.id.slice(0, 8)} confirmed${byCode ? ' (cash by code)' : ''} -> ${v.state}`);
        });
      }
    }
  }

  // The day: patients arrive in a seeded order, with the worker, the clock and outages between them.
  const arrivals = [...visitBills];
  // Some patients come twice for the same bill (a second scan, or after walking away).
  for (const b of visitBills) if (chance(0.25)) arrivals.push(b);
  for (let i = arrivals.length - 1; i > 0; i--) {
    const j = Math.floor(pick() * (i + 1));
    [arrivals[i], arrivals[j]] = [arrivals[j] as HisBillFixture, arrivals[i] as HisBillFixture];
  }
  try {
    for (const bill of arrivals) {
      if (chance(rates.outage)) {
        platformUp = !platformUp;
        log(platformUp ? 'platform back' : 'platform OUTAGE');
      }
      hisUp = !chance(0.1);
      await arrive(bill);
      advance(between(5_000, 120_000));
      if (chance(0.5)) await decide(0.15);
      if (chance(0.4)) await runWorker();
    }
    await decide(0.15);

    // The drain: the platform and HIS come back and stay healthy, nothing crashes; the worker and
    // the patients still at the screen finish what is open.
    faultsOn = false;
    platformUp = true;
    hisUp = true;
    crashesOn = false;
    diskFullUntil.fill(0);
    const notOpen = settlementStates.filter((s) => s !== 'needs-staff' && !(finalStates as readonly string[]).includes(s));
    for (let round = 0; round < 40; round++) {
      await decide(0.3);
      await runWorker();
      advance(600_000);
      if (terms.every((t) => t.journal.settlementsIn(notOpen).length === 0 && t.journal.openOutboxCount() === openCallsOfStaffVisits(t.journal))) break;
    }
    for (const t of terms) if (t.engine.journalHealth().state !== 'ok') result.failures.push(`a kiosk's journal health is ${t.engine.journalHealth().state} after the disk has room again`);
    for (const f of check(terms.map((t) => t.journal))) (KNOWN_FINDINGS.some((k) => k.pattern.test(f)) ? result.known : result.failures).push(f);
    result.settled = terms.reduce((n, t) => n + t.journal.settlementsIn(['closed']).length, 0);
  } catch (err) {
    result.failures.push(`the run threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    crypto.randomUUID = realUuid;
    syncBuiltinESMExports();
    console.error = realConsoleError;
    for (const t of terms) {
      t.claims.close();
      try {
        t.raw.close();
      } catch {
        // already closed by a restart that failed
      }
    }
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
  }
  return result;

  /** After the drain: the platform's books, the mobile-payment centre's, the HIS's and the kiosks' journals agree. */
  function check(journals: Journal[]): string[] {
    const failures: string[] = [];
    const ledger = core.state.ledger();
    const orders = core.mobilePay.ledger().orders;
    const paidInHis = new Map(hisBooks.paidBills().map((p) => [p.billId, p]));
    const visits = journals.flatMap((journal) => journal.settlementsIn(settlementStates).map((v) => ({ v, journal })));
    const short = (id: string) => id.slice(0, 8);
    const standingByBill = new Map<string, string[]>();
    const visitOfMdtrt = new Map<string, string>();

    for (const { v, journal } of visits) {
      const calls = journal.callsOf(v.id);
      // A settling answer a gateway garbled fails its check and is held for staff with the platform's
      // settlement standing and the code's charge kept: that is the check working, not money lost.
      const garbled = v.state === 'needs-staff' && calls.some((c) => garbledMsgids.has(c.msgid));
      const openingMsgids = new Set(calls.filter((c) => c.infno === '2201' || c.infno === '2401').map((c) => c.msgid));
      const platformVisits = ledger.visits.filter((pv) => openingMsgids.has(pv.msgid));
      for (const pv of platformVisits) visitOfMdtrt.set(pv.mdtrtId, v.id);
      const standing = ledger.settlements.filter((s) => s.status === 'settled' && platformVisits.some((pv) => pv.mdtrtId === s.mdtrtId));
      // A genuine answer whose cash part moved after the code was charged (the person's other visit
      // settled while a lost 6202 waited hours for its 6301) fails the amount check too: held for
      // staff with the platform's setl_id in hand and the code keeping exactly the answer's cash.
      const reason = v.state === 'needs-staff' ? (journal.settlementContext<{ staffReason?: { kind?: string; check?: string; setlId?: string } }>(v.id)?.staffReason ?? null) : null;
      // What the visit's payment code still holds: paid, less what was refunded.
      const chargeBatch = v.chrgBchno ?? '';
      const charged = orders.filter((o) => o.medOrgOrd.startsWith(`${chargeBatch}-`) && (o.ordStas === ORDER_PAID || o.refundedFen > 0)).reduce((sum, o) => sum + o.feeSumFen - o.refundedFen, 0);
      const heldOverCashMove =
        reason?.kind === 'amount-check' && reason.check === 'cash-differs-from-charged' && standing.length === 1 && standing[0]?.setlId === reason.setlId && standing[0]?.split.psnCashPayFen === charged;
      const heldOverGarble = garbled || heldOverCashMove;
      standingByBill.set(v.billId ?? '', [...(standingByBill.get(v.billId ?? '') ?? []), ...standing.map((s) => s.setlId)]);
      const paid = v.state === 'settled' || v.state === 'closed';

      // Nothing lost: the platform's settlement is the journal's, and the other way round.
      if (paid && !standing.some((s) => s.setlId === v.setlId)) failures.push(`visit ${short(v.id)} is ${v.state} with setl_id ${v.setlId} but the platform has no such settlement standing`);
      for (const s of standing) if (!heldOverGarble && (!paid || s.setlId !== v.setlId)) failures.push(`platform settlement ${s.setlId} (${fenToYuan(s.split.medfeeSumamtFen)} yuan) stands for visit ${short(v.id)}, which the journal has ${v.state} with setl_id ${v.setlId}`);

      // No visit stuck: final, or with staff and a reason.
      if (v.state === 'needs-staff') {
        const reason = journal.lastCallError(v.id) ?? journal.events(v.id).at(-1)?.note;
        if (!reason) failures.push(`visit ${short(v.id)} needs staff without a reason`);
      } else if (!(finalStates as readonly string[]).includes(v.state)) {
        failures.push(`visit ${short(v.id)} stuck in ${v.state} after the drain (${journal.lastCallError(v.id) ?? journal.events(v.id).at(-1)?.note ?? ''})`);
      }

      // The HIS was told exactly the bills paid here.
      const his = v.billId ? paidInHis.get(v.billId) : undefined;
      if (v.state === 'closed' && his?.setlId !== v.setlId) failures.push(`visit ${short(v.id)} closed but the HIS has bill ${v.billId} ${his ? `paid by ${his.setlId}` : 'unpaid'}`);

      // An unpaid outpatient visit leaves nothing open on the platform (its registration taken back).
      if ((v.state === 'failed' || v.state === 'cancelled') && v.service === 'outpatient') {
        for (const pv of platformVisits) if (pv.status === 'open' && pv.fees.some((f) => f.state === 'unsettled')) failures.push(`visit ${short(v.id)} ended ${v.state} but left platform visit ${pv.mdtrtId} open with unsettled fee lines`);
      }

      // No patient charged by code for a bill that did not settle, and none charged twice.
      const cashFen = v.splitJson ? (JSON.parse(v.splitJson) as Split).cashFen : 0;
      if (charged > 0 && !paid && !heldOverGarble) failures.push(`visit ${short(v.id)} is ${v.state} but its payment code kept ${fenToYuan(charged)} yuan`);
      if (charged > 0 && paid && charged !== cashFen) failures.push(`visit ${short(v.id)} charged ${fenToYuan(charged)} yuan by code for a cash part of ${fenToYuan(cashFen)}`);
    }
    // Nothing doubled: one standing settlement a bill at most, and the HIS paid only bills settled here.
    for (const [billId, setlIds] of standingByBill) if (setlIds.length > 1) failures.push(`bill ${billId} settled ${setlIds.length} times on the platform: ${setlIds.join(', ')}`);
    for (const [billId, p] of paidInHis) {
      if (!visits.some(({ v }) => v.billId === billId && (v.state === 'closed' || v.state === 'settled') && v.setlId === p.setlId)) failures.push(`the HIS has bill ${billId} paid by ${p.setlId}, which no settled visit here carries`);
    }
    // Every settlement on the platform came from a visit the journal knows.
    for (const s of ledger.settlements) if (s.status === 'settled' && !visitOfMdtrt.has(s.mdtrtId)) failures.push(`platform settlement ${s.setlId} belongs to no visit in the journal`);
    // The platform's own books: each account is its opening balance less what stands against it.
    for (const a of ledger.accounts) {
      const opening = fx.people.find((p) => p.psn_no === a.psnNo)?.balc ?? 0;
      const spent = ledger.settlements.filter((s) => s.status === 'settled').reduce((sum, s) => sum + (s.psnNo === a.psnNo ? s.split.acctPayFen - s.split.acctMulaidPayFen : 0) + (s.mulaidPsnNo === a.psnNo ? s.split.acctMulaidPayFen : 0), 0);
      if (opening - spent !== a.balanceFen) failures.push(`account ${a.psnNo}: opening ${fenToYuan(opening)} less ${fenToYuan(spent)} standing is not its balance ${fenToYuan(a.balanceFen)}`);
    }
    return failures;
  }
}

/** Calls still open that belong to visits with staff: the drain leaves those to staff. */
function openCallsOfStaffVisits(journal: Journal): number {
  return journal.settlementsIn(['needs-staff']).reduce((n, v) => n + journal.callsOf(v.id).filter((c) => c.status === 'pending' || c.status === 'in-flight' || c.status === 'unknown').length, 0);
}

function toHisBill(b: HisBillFixture): HisBill {
  const items = b.items.map((i) => ({
    feedetlSn: i.feedetlSn,
    name: i.name,
    medListCodg: i.medListCodg,
    medinsListCodg: i.medinsListCodg,
    unitPriceFen: yuanToFen(i.unitPrice),
    quantity: i.quantity,
    amountFen: yuanToFen(i.amount),
    itemClass: i.itemClass,
    occurredAt: i.occurredAt,
  }));
  return { billId: b.billId, medType: b.medType, deptCode: b.deptCode, deptName: b.deptName, drCode: b.drCode, drName: b.drName, diagnosis: b.diagnosis, items, totalFen: items.reduce((s, i) => s + i.amountFen, 0) };
}

/**
 * The injected bug: the outcome recorded for an unanswered committing call sends it again under a
 * fresh msgid, where the engine would ask (5203) or reverse (2601) first.
 */
/** The broken guard 'fail-unknown': a settlement (2207/2304) whose answer never came is written off as failed, with no 5203. */
function failUnknown(journal: Journal, outcome: Parameters<Journal['recordOutcome']>[0]): Parameters<Journal['recordOutcome']>[0] {
  const then = outcome.then;
  if (!then || then.to !== 'query-pending') return outcome;
  const row = journal.outboxRow(outcome.outboxId);
  const state = row?.settlementId ? journal.settlement(row.settlementId)?.state : undefined;
  if (!row || state !== 'settle-pending' || (row.infno !== '2207' && row.infno !== '2304')) return outcome;
  return { ...outcome, then: { settlementId: then.settlementId, from: [state], to: 'failed', note: `${row.infno} unanswered: written off` } };
}

function resendBlind(journal: Journal, outcome: Parameters<Journal['recordOutcome']>[0]): Parameters<Journal['recordOutcome']>[0] {
  const then = outcome.then;
  if (outcome.status !== 'superseded' || !then || (then.to !== 'query-pending' && then.to !== 'reversal-pending')) return outcome;
  const row = journal.outboxRow(outcome.outboxId);
  const state = row?.settlementId ? journal.settlement(row.settlementId)?.state : undefined;
  if (!row || !state || row.step === 'reverse' || row.step === 'query') return outcome;
  const resend: TransitionRequest = { settlementId: then.settlementId, from: [state], to: state, note: `${row.infno} unanswered: sent again`, call: { step: row.step, infno: row.infno, input: row.input, insuplcAdmdvs: row.insuplcAdmdvs } };
  return { ...outcome, then: resend };
}
