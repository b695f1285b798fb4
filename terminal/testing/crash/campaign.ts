// The crash campaign: runs the child terminal against the platform simulator with seeded faults,
// SIGKILLs it at random points, restarts it, and at the end checks the simulator's own ledger:
// every visit settled exactly once (or not at all), sums equal to the fen, nothing left queued.
// It kills until the asked number of kills have landed mid-work (after the child is up, before it
// is done), adding visits when the child gets through its plan first, within a time bound.
// `npm test` runs a short campaign, `npm run bench:journal` the long one.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { build } from 'esbuild';
import { formatMsgid } from '../../insurance/msgid';
import { openJournal } from '../../journal/journal';
import { simEnvelopeContext } from '../../sim/platform/context';
import type { FaultRule } from '../../sim/platform/faults';
import { seededRandom } from '../../common/seeded-random';
import type { Split } from '../../api/schema';
import { platformSideOf, startSettlementRig } from '../settlement.testkit';
import { crashBillId, isDeferredVisit, type CrashPlan } from './plan';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

export interface CampaignResult {
  kills: number;
  /** Kills that landed while the child was working, not before it started or after it finished. */
  killsMidWork: number;
  /** The kill phase hit its time bound before enough kills landed mid-work. */
  timedOut: boolean;
  visits: number;
  /** Offline captures, which only the replay worker settles, and how many of them it settled. */
  deferredVisits: number;
  deferredSettled: number;
  settled: number;
  lost: number;
  duplicated: number;
  mismatchedFen: number;
  leftQueued: number;
  /** Reversals the faults forced (settlements and registrations undone on the platform). */
  faultsFired: number;
  /** Calls whose answer never came (lost on the wire or by a kill), by infno: what the campaign exercised. */
  unknownOutcomes: Record<string, number>;
  /** Settlements the platform recorded before the faults were switched off (so the faults met real work). */
  settledUnderFaults: number;
  seconds: number;
}

export const campaignFaults: FaultRule[] = [
  { kind: 'latency', latencyMs: 3, probability: 0.5 },
  { kind: 'reset-after-commit', infnos: ['2207'], probability: 0.15 },
  { kind: 'reset-after-commit', infnos: ['2201', '2204'], probability: 0.05 },
  { kind: 'reset-before', infnos: ['2201', '2204', '2206', '2207', '2601', '5203'], probability: 0.05 },
  { kind: 'http-5xx', infnos: ['2206'], probability: 0.05, afterCommit: false },
  { kind: 'timeout', infnos: ['2207'], probability: 0.02, afterCommit: true },
];

/** Bundles the child once so each restart costs a plain node start, not a TypeScript compile. */
async function bundleChild(): Promise<string> {
  const outDir = join(repoRoot, 'dist', 'crash');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'child.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    logLevel: 'error',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return outfile;
}

export interface CampaignOptions {
  /** Kill until this many kills have landed mid-work. */
  killsMidWork: number;
  /** Visits in the plan to begin with; more are added if the child finishes them first. */
  visits: number;
  seed: number;
  killWindowMs: number;
  /** Bound on the kill phase; the result says whether it was reached first. */
  maxKillSeconds: number;
  /** Every n-th visit is an offline capture (default 5). */
  deferredEvery?: number;
  log?: (line: string) => void;
}

export async function runCrashCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const random = seededRandom(opts.seed);
  const rig = await startSettlementRig({ seed: opts.seed });
  try {
    const people = [await rig.person('employee'), await rig.person('resident'), await rig.person('cross-region'), await rig.person('medical-aid')];
    const employeeBill = (await rig.hisBills(people[0]!.idNo))[0];
    if (!employeeBill) throw new Error('no bill for the employee fixture');
    const child = await bundleChild();
    const dataDir = mkdtempSync(join(tmpdir(), 'crash-'));
    const plan: CrashPlan = { platformUrl: rig.platform.url, timeoutMs: 150, people, bill: employeeBill, visits: opts.visits, deferredEvery: opts.deferredEvery ?? 5 };
    const writePlan = () => writeFileSync(join(dataDir, 'plan.json'), JSON.stringify(plan));
    writePlan();
    rig.platform.setFaults({ seed: opts.seed, rules: campaignFaults });

    let kills = 0;
    let killsMidWork = 0;
    const runChild = async (killAfterMs: number | null): Promise<'killed' | 'done' | 'failed'> => {
      const proc = spawn(process.execPath, [child, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      // The kill clock starts when the child says it is ready (or has exited), told by its output
      // as it comes rather than by polling for it.
      let markReady!: () => void;
      const ready = new Promise<void>((r) => (markReady = r));
      proc.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('ready')) markReady();
      });
      proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = once(proc, 'exit');
      // A spawn error surfaces at `await exited` below; here it only ends the wait for readiness.
      exited.then(markReady, markReady);
      if (killAfterMs !== null) {
        await ready;
        await new Promise((r) => setTimeout(r, killAfterMs));
        if (proc.exitCode === null) {
          proc.kill('SIGKILL');
          kills++;
          if (!stdout.includes('done')) killsMidWork++;
        }
      }
      const [code, signal] = (await exited) as [number | null, string | null];
      if (signal === 'SIGKILL') return 'killed';
      if (code === 0 && stdout.includes('done')) return 'done';
      opts.log?.(`child failed (${code}): ${stderr.slice(-500)}`);
      return 'failed';
    };

    const killDeadline = Date.now() + opts.maxKillSeconds * 1000;
    let timedOut = false;
    while (killsMidWork < opts.killsMidWork) {
      if (Date.now() > killDeadline) {
        timedOut = true;
        break;
      }
      const before = killsMidWork;
      const outcome = await runChild(Math.floor(random() * opts.killWindowMs));
      // The child got through the whole plan before the kill: give it more work to be killed in.
      if (outcome === 'done') {
        plan.visits += 25;
        writePlan();
      }
      if (killsMidWork !== before && killsMidWork % 50 === 0) opts.log?.(`${killsMidWork} kills mid-work`);
    }
    const settledUnderFaults = rig.platform.ledger().settlements.length;
    rig.platform.setFaults({ rules: [] });
    const finish = await runChild(null);
    if (finish !== 'done') throw new Error(`the last, unkilled run did not finish: ${finish}`);

    // The verdict, from the journal the child left and the simulator's ledger.
    const journal = openJournal({ dataDir, institutionCode: simEnvelopeContext.fixmedins_code, formatMsgid, msgidSlot: '01' });
    const ledger = rig.platform.ledger();
    let lost = 0;
    let duplicated = 0;
    let mismatchedFen = 0;
    let settled = 0;
    let deferredVisits = 0;
    let deferredSettled = 0;
    const unknownOutcomes: Record<string, number> = {};
    for (let i = 0; i < plan.visits; i++) {
      const rows = journal.settlementsByBill(crashBillId(i));
      if (rows.length !== 1) {
        lost++;
        continue;
      }
      const row = rows[0]!;
      for (const call of journal.callsOf(row.id)) {
        if (call.status === 'superseded' || call.lastError) unknownOutcomes[call.infno] = (unknownOutcomes[call.infno] ?? 0) + 1;
      }
      const registrations = journal.callsOf(row.id).filter((c) => c.infno === '2201').map((c) => c.msgid);
      const side = platformSideOf(ledger, registrations);
      const done = row.state === 'settled' || row.state === 'closed';
      if (isDeferredVisit(plan, i)) {
        deferredVisits++;
        if (done && row.deferred) deferredSettled++;
      }
      if (side.settled.length > 1) duplicated++;
      if (done && side.settled.length === 0) lost++;
      if (!done && side.settled.length > 0) lost++;
      if (done && side.settled.length === 1) {
        settled++;
        const split = JSON.parse(row.splitJson ?? 'null') as Split | null;
        const onPlatform = side.settled[0]!.split;
        if (!split || split.totalFen !== onPlatform.medfeeSumamtFen || split.cashFen !== onPlatform.psnCashPayFen || split.fundFen !== onPlatform.fundPaySumamtFen) mismatchedFen++;
      }
    }
    const leftQueued = journal.openOutboxCount();
    journal.close();
    return {
      kills,
      killsMidWork,
      timedOut,
      visits: plan.visits,
      deferredVisits,
      deferredSettled,
      settled,
      lost,
      duplicated,
      mismatchedFen,
      leftQueued,
      unknownOutcomes,
      settledUnderFaults,
      faultsFired: ledger.settlements.filter((s) => s.status === 'reversed').length + ledger.visits.filter((v) => v.status === 'reversed').length,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await rig.close();
  }
}
