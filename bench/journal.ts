// npm run bench:journal — what durability and replay cost, each beside a baseline from the same run:
//  - a durable journal append (state change + outbox row, one SQLite transaction, synchronous=FULL)
//    beside a bare write+fsync of the same bytes;
//  - replaying 10,000 settlements queued while offline, beside the simulator's own throughput for
//    the same calls sent straight from the client with no journal;
//  - the journal's size per 1,000 settlements, and per settlement after a year of simulated days
//    with retention on (bench/journal-retention.ts), with the size's end over its steady state;
//  - a year of data (200,000 closed visits) over an empty journal: open (the checks at start), one
//    visit's journal writes, the overview's settled-today and a patient's 查询;
//  - the crash campaign: 1,000 SIGKILLs mid-settlement, checked against the simulator's ledger;
//  - the fault campaign (bench/fault-campaign.ts, issue 11): garbled answers (each infcode class and
//    each amount check), walk-aways at every step, disk-full windows between send and answer.
// --short (or BENCH_SHORT=1) runs a small version of everything; --fault-rounds=N repeats the fault
// scenarios N times (3 by default, 1 when short). --year-only: the replay (for the visits the year is
// copied from: --queued=N, --baseline=N) and the year of data, without the append, the retention
// year and the campaigns.
// The last line is one JSON object with the figures. The run exits 1 when a visit was lost or
// settled twice, so a script (or CI) cannot mistake a broken journal for a slow one.
import { closeSync, fsyncSync, mkdtempSync, openSync, statSync, writeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatMsgid } from '../terminal/insurance/msgid';
import { openJournal } from '../terminal/journal/journal';
import { createSettlementEngine } from '../terminal/settlement/engine';
import { createReplayWorker } from '../terminal/settlement/replay-worker';
import { feeUploadCall, preSettleCall, registrationCall, settleCall, type VisitContext } from '../terminal/settlement/calls';
import { startSettlementRig } from '../terminal/testing/settlement.testkit';
import { runCrashCampaign } from '../terminal/testing/crash/campaign';
import type { HisBill } from '../terminal/his/client';
import { runFaultCampaign } from './fault-campaign';
import { retentionYear, yearOfData } from './journal-retention';
import { parseConfig } from '../terminal/config/config';
import { pageSizeOf, walWatcher } from './wal-frames';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const SHORT = args.has('short') || process.env.BENCH_SHORT === '1';
const APPENDS = Number(args.get('appends') ?? (SHORT ? 200 : 2_000));
const QUEUED = Number(args.get('queued') ?? (SHORT ? 500 : 10_000));
const ROUNDS = Number(args.get('rounds') ?? (SHORT ? 2 : 5));
const BASELINE_VISITS = Number(args.get('baseline') ?? (SHORT ? 200 : 2_000));
const KILLS = Number(args.get('kills') ?? (SHORT ? 20 : 1_000));
const FAULT_ROUNDS = Number(args.get('fault-rounds') ?? (SHORT ? 1 : 3));
// How many visits the replay worker sends at once (its pool); the terminal's own default unless given.
const REPLAY_CONCURRENCY = args.has('concurrency') ? Number(args.get('concurrency')) : undefined;
// The retention year: the issue's 500 settlements a day, the configured retention (180 days by default).
const YEAR_PER_DAY = Number(args.get('year-per-day') ?? (SHORT ? 20 : 500));
// A year of data (issue 15): about 200,000 closed visits, against an empty journal in the same run.
const YEAR_VISITS = Number(args.get('year-visits') ?? (SHORT ? 5_000 : 200_000));
// `--only=append,replay` runs those parts alone (append, replay, retention, year, crash, faults);
// `--year-only` is `--only=year` (after a small replay: `--queued=N --baseline=N`).
const ONLY = args.has('year-only') ? ['year'] : (args.get('only')?.split(',') ?? null);
const want = (part: string) => ONLY === null || ONLY.includes(part);
const RETENTION_DAYS = Number(args.get('retention-days') ?? parseConfig({}).journal.retentionDays ?? 180);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const log = (line: string) => console.log(line);

function billFor(template: HisBill, i: number, prefix: string): HisBill {
  const billId = `${prefix}-${i}`;
  return { ...template, billId, items: template.items.map((item, n) => ({ ...item, feedetlSn: `${billId}-${n}` })) };
}

async function appendVersusFsync() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-append-'));
  const journal = openJournal({ dataDir: dir, institutionCode: 'H33010000001', formatMsgid });
  const input = { data: { psn_no: '33000000000000000001', note: 'x'.repeat(400) } };
  const appendMs: number[] = [];
  // The pages each append's commit put in the WAL (and synced), read from the WAL between appends.
  const framesOf = walWatcher(join(dir, 'journal.sqlite-wal'));
  let frames = 0;
  for (let i = 0; i < APPENDS; i++) {
    const t = performance.now();
    journal.openSettlement({ id: `s${i}`, service: 'outpatient', state: 'register-pending', context: { i }, call: { step: 'register', infno: '2201', input } });
    appendMs.push(performance.now() - t);
    frames += framesOf().length;
  }
  journal.close();
  const pageSize = pageSizeOf(join(dir, 'journal.sqlite'));
  // The same bytes a row carries, written and fsynced by hand: the floor any durable append sits on.
  const fd = openSync(join(dir, 'bare.bin'), 'a');
  const bytes = Buffer.alloc(JSON.stringify(input).length + 200, 1);
  const fsyncMs: number[] = [];
  for (let i = 0; i < APPENDS; i++) {
    const t = performance.now();
    writeSync(fd, bytes);
    fsyncSync(fd);
    fsyncMs.push(performance.now() - t);
  }
  closeSync(fd);
  return {
    append_p50_ms: round(pct(appendMs, 50)),
    append_p99_ms: round(pct(appendMs, 99)),
    fsync_p50_ms: round(pct(fsyncMs, 50)),
    fsync_p99_ms: round(pct(fsyncMs, 99)),
    wal_frames_per_append: round(frames / APPENDS, 2),
    // A frame is the page and its 24-byte header.
    wal_bytes_per_append: Math.round((frames / APPENDS) * (pageSize + 24)),
    page_size: pageSize,
  };
}

async function replayVersusSimulator() {
  const rig = await startSettlementRig({ timeoutMs: 10_000 });
  try {
    const person = await rig.person('employee');
    const template = (await rig.hisBills(person.idNo))[0];
    if (!template) throw new Error('no employee bill');

    // Baseline: the simulator's own rate for the four calls of a settlement, sent straight.
    const uniqueMsgid = (() => {
      let n = 0;
      return () => `B${String(Date.now()).slice(-13)}${String(n++).padStart(16, '0')}`.slice(0, 30);
    })();
    // The two are measured in turns (ROUNDS of each), so load that comes and goes on a shared
    // machine falls on both alike: the ratio is the figure, not the absolute rates.
    const baselineVisit = async (i: number) => {
      const ctx: VisitContext = { person, bill: billFor(template, i, 'BASE'), chargeBatchNo: `BASE-${i}`, usePersonalAccount: true, operator: { deptCode: '', deptName: '', drCode: '', drName: '' } };
      const send = async (call: { infno: string; input: unknown; insuplcAdmdvs?: string | null }) => {
        const outcome = await rig.client.call({ infno: call.infno, msgid: uniqueMsgid(), input: call.input, insuplcAdmdvs: call.insuplcAdmdvs ?? undefined });
        if (outcome.kind !== 'ok') throw new Error(`baseline ${call.infno}: ${JSON.stringify(outcome).slice(0, 200)}`);
        return outcome.output as Record<string, unknown>;
      };
      const reg = await send(registrationCall(ctx, new Date()));
      const mdtrtId = String((reg.data as Record<string, unknown>).mdtrt_id);
      await send(feeUploadCall(ctx, mdtrtId));
      await send(preSettleCall(ctx, mdtrtId));
      await send(settleCall(ctx, mdtrtId));
    };
    const engine = createSettlementEngine({ journal: rig.journal, platform: rig.client });
    const dbFile = join(rig.dataDir, 'journal.sqlite');
    let baselineSeconds = 0;
    let seconds = 0;
    // CPU (user + system, this process: the simulator's share included on both sides) per visit:
    // less moved by other load on the machine than the rates, which wait on it.
    let baselineCpuUs = 0;
    let cpuUs = 0;
    const cpuSince = (from: NodeJS.CpuUsage) => {
      const d = process.cpuUsage(from);
      return d.user + d.system;
    };
    let queuedSoFar = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const baselineFrom = Math.floor((BASELINE_VISITS * round) / ROUNDS);
      const baselineTo = Math.floor((BASELINE_VISITS * (round + 1)) / ROUNDS);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let i = baselineFrom; i < baselineTo; i++) await baselineVisit(i);
      baselineCpuUs += cpuSince(c0);
      baselineSeconds += (performance.now() - t0) / 1000;

      // Offline capture: visits journaled while the platform is unreachable...
      const queuedTo = Math.floor((QUEUED * (round + 1)) / ROUNDS);
      for (; queuedSoFar < queuedTo; queuedSoFar++) {
        engine.open({ service: 'outpatient', person, bill: billFor(template, queuedSoFar, 'Q'), usePersonalAccount: true, deferred: true });
      }
      // ...then the platform is back and the replay worker drains them.
      const worker = createReplayWorker({ engine, online: () => true, probe: async () => true, intervalMs: 50, concurrency: REPLAY_CONCURRENCY });
      const t1 = performance.now();
      const c1 = process.cpuUsage();
      worker.start();
      const drained = await worker.waitForDrain(30 * 60_000);
      cpuUs += cpuSince(c1);
      seconds += (performance.now() - t1) / 1000;
      await worker.stop();
      if (!drained) throw new Error('replay did not drain');
    }
    const simPerS = BASELINE_VISITS / baselineSeconds;
    log(`simulator alone: ${round(simPerS, 1)} settlements/s over ${BASELINE_VISITS} (in ${ROUNDS} turns with the replay)`);
    const settled = rig.journal.settlementsIn(['settled']).length;
    if (settled !== QUEUED) throw new Error(`replayed ${settled} of ${QUEUED}`);
    const replayPerS = QUEUED / seconds;
    log(`replay: ${round(replayPerS, 1)} settlements/s over ${QUEUED}`);
    const simCpuMs = baselineCpuUs / 1000 / BASELINE_VISITS;
    const replayCpuMs = cpuUs / 1000 / QUEUED;
    log(`CPU per visit: replay ${round(replayCpuMs, 2)} ms, simulator alone ${round(simCpuMs, 2)} ms`);
    rig.journal.close();
    let year: ReturnType<typeof retentionYear> | null = null;
    if (want('retention')) {
      // A year of days like these with retention on, copied from this journal while it is closed.
      log(`retention: ${YEAR_PER_DAY} settlements a day for 365 days, retention ${RETENTION_DAYS} days...`);
      year = retentionYear(rig.dataDir, { perDay: YEAR_PER_DAY, retentionDays: RETENTION_DAYS, institutionCode: 'H33010000001' });
      log(`retention year: ${year.held_visits} visits held, ${year.bytes_per_settlement} bytes each; size by month ${year.size_mb_by_month.join(' ')} MB; end/steady ${year.size_end_over_steady}`);
    }
    let yearData: Awaited<ReturnType<typeof yearOfData>> | null = null;
    let yearOverEmpty: Record<string, number> | null = null;
    if (want('year')) {
      log(`year of data: ${YEAR_VISITS} closed visits beside an empty journal...`);
      const data = (yearData = await yearOfData(rig.dataDir, { visits: YEAR_VISITS, repeats: 15, institutionCode: 'H33010000001' }));
      const over = (k: keyof typeof data.year, of: keyof typeof data.empty = k) => round(data.year[k] / data.empty[of], 2);
      // ready: the year's open to payments taken (its walk after the start included) over the empty one's.
      yearOverEmpty = { open: over('open_ms'), ready: over('ready_ms'), visit_journal: over('visit_journal_ms'), overview: over('overview_ms'), query: over('query_ms') };
      log(`year of data over empty: ${JSON.stringify(yearOverEmpty)} (page walk after the start: empty ${data.walked_after_start[0]}, year ${data.walked_after_start[1]}; empty ${JSON.stringify(data.empty)}, year ${JSON.stringify(data.year)})`);
    }
    rig.reopenJournal();
    const bytes = statSync(dbFile).size + (existsSync(`${dbFile}-wal`) ? statSync(`${dbFile}-wal`).size : 0);
    return {
      replay_per_s: round(replayPerS, 1),
      sim_per_s: round(simPerS, 1),
      replay_vs_sim: round(replayPerS / simPerS),
      replay_concurrency: REPLAY_CONCURRENCY ?? 'default',
      replay_cpu_ms_per_visit: round(replayCpuMs, 2),
      sim_cpu_ms_per_visit: round(simCpuMs, 2),
      replay_cpu_over_sim: round(replayCpuMs / simCpuMs),
      db_bytes_per_1000: Math.round((bytes / QUEUED) * 1000),
      retention_year: year,
      retention_bytes_per_settlement: year?.bytes_per_settlement ?? null,
      retention_size_end_over_steady: year?.size_end_over_steady ?? null,
      year_visits: YEAR_VISITS,
      year_empty: yearData?.empty ?? null,
      year_full: yearData?.year ?? null,
      year_over_empty: yearOverEmpty,
    };
  } finally {
    await rig.close();
  }
}

const append = want('append') ? await appendVersusFsync() : null;
if (append) log(`append p50 ${append.append_p50_ms} ms p99 ${append.append_p99_ms} ms (${append.wal_frames_per_append} WAL frames, ${append.wal_bytes_per_append} bytes, page ${append.page_size}); bare write+fsync p50 ${append.fsync_p50_ms} ms p99 ${append.fsync_p99_ms} ms`);
// The retention year and the year of data start from the replay's journal.
const replay = want('replay') || want('retention') || want('year') ? await replayVersusSimulator() : null;
let crash: Awaited<ReturnType<typeof runCrashCampaign>> | null = null;
if (want('crash')) {
  log(`crash campaign: ${KILLS} kills...`);
  crash = await runCrashCampaign({ killsMidWork: KILLS, visits: KILLS, seed: 1123, killWindowMs: 150, maxKillSeconds: Number(args.get('max-kill-seconds') ?? 3_600), log });
  log(JSON.stringify(crash));
}
let faults: Awaited<ReturnType<typeof runFaultCampaign>> | null = null;
if (want('faults')) {
  log(`fault campaign: ${FAULT_ROUNDS} round(s)...`);
  faults = await runFaultCampaign({ rounds: FAULT_ROUNDS, log });
}
console.log(
  JSON.stringify({
    kills: crash?.kills ?? null,
    visits: crash?.visits ?? null,
    fault_visits: faults?.fault_visits ?? null,
    fault_by_class: faults?.by_class ?? null,
    fault_end_states: faults?.end_states ?? null,
    // Over both campaigns: the kills' and the faults'.
    lost: (crash?.lost ?? 0) + (faults?.lost ?? 0),
    duplicated: (crash?.duplicated ?? 0) + (faults?.duplicated ?? 0),
    charged_not_settled: faults?.charged_not_settled ?? null,
    orphaned: faults?.orphaned ?? null,
    mismatched_fen: crash?.mismatchedFen ?? null,
    left_queued: crash?.leftQueued ?? null,
    ...append,
    append_vs_fsync_p99: append ? round(append.append_p99_ms / append.fsync_p99_ms) : null,
    ...replay,
  }),
);
if (faults && faults.lost + faults.duplicated + faults.charged_not_settled + faults.orphaned > 0) {
  console.error(`bench:journal fault campaign: ${faults.lost} lost, ${faults.duplicated} duplicated, ${faults.charged_not_settled} charged not settled, ${faults.orphaned} orphaned`);
  process.exitCode = 1;
}
if (crash && (crash.lost > 0 || crash.duplicated > 0 || crash.timedOut)) {
  console.error(`bench:journal: ${crash.lost} lost, ${crash.duplicated} duplicated${crash.timedOut ? `, only ${crash.killsMidWork} kills landed mid-work in time` : ''}`);
  process.exitCode = 1;
}
