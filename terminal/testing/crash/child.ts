// The process the crash campaign kills: a terminal that settles a fixed plan of visits through the
// platform simulator, journaling every step. Restarted after each SIGKILL, it recovers what was in
// flight and carries on from the journal, never from memory. Some visits are offline captures
// (deferred): the main loop only opens them, and the replay worker, started at boot as in the real
// terminal, finishes them and whatever an earlier run left queued.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPlatformClient } from '../../insurance/client';
import { formatMsgid } from '../../insurance/msgid';
import { openJournal } from '../../journal/journal';
import { simEnvelopeContext } from '../../sim/platform/context';
import { createSettlementEngine } from '../../settlement/engine';
import { createReplayWorker } from '../../settlement/replay-worker';
import type { HisBill } from '../../his/client';
import { finalStates } from '../../common/settlement-states';
import { crashBillId, isDeferredVisit, type CrashPlan } from './plan';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: child <dataDir>');
await main(dataDir);

async function main(dataDir: string): Promise<void> {
  const plan = JSON.parse(readFileSync(join(dataDir, 'plan.json'), 'utf8')) as CrashPlan;

  // Slot 01: the test's own identification calls use slot 00 of the same institution code.
  const journal = openJournal({ dataDir, institutionCode: simEnvelopeContext.fixmedins_code, formatMsgid, msgidSlot: '01' });
  const client = createPlatformClient({ baseUrl: plan.platformUrl, context: simEnvelopeContext, timeoutMs: plan.timeoutMs });
  // random 0: the shortest backoff, so the worker retries within the campaign's time.
  const engine = createSettlementEngine({ journal, platform: client, maxAttempts: 1_000, random: () => 0 });
  engine.recoverInFlight();
  const worker = createReplayWorker({ engine, online: () => true, probe: async () => true, intervalMs: 20, concurrency: 2 });
  worker.start();
  process.stdout.write('ready\n');

  const billFor = (i: number): HisBill => {
    const billId = crashBillId(i);
    return { ...plan.bill, billId, items: plan.bill.items.map((item, n) => ({ ...item, feedetlSn: `${billId}-${n}` })) };
  };
  const isDone = (state: string) => (finalStates as readonly string[]).includes(state) || state === 'settled';

  async function settleVisit(i: number): Promise<void> {
    const bill = billFor(i);
    const existing = journal.settlementsByBill(bill.billId);
    if (existing.length > 1) throw new Error(`visit ${i} was opened twice`);
    const deferred = isDeferredVisit(plan, i);
    const id =
      existing[0]?.id ?? engine.open({ service: 'outpatient', person: plan.people[i % plan.people.length]!, bill, usePersonalAccount: i % 2 === 0, deferred });
    // An offline capture is the worker's to finish.
    if (deferred) return;
    for (let round = 0; round < 10_000; round++) {
      const view = await engine.pump(id, { inlineRetries: 0 });
      if (isDone(view.state)) return;
      if (view.state === 'awaiting-confirm') {
        await engine.confirm(id);
        continue;
      }
      if (view.state === 'needs-staff') throw new Error(`visit ${i} needs staff: ${view.lastError}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`visit ${i} did not finish`);
  }

  for (let i = 0; i < plan.visits; i++) await settleVisit(i);
  // The worker drains the offline captures; staff's "forward now" keeps it from waiting out backoffs.
  for (let round = 0; round < 20_000; round++) {
    const open = [...Array(plan.visits).keys()].map((i) => journal.settlementsByBill(crashBillId(i))[0]).filter((v) => !v || !isDone(v.state));
    if (open.length === 0) break;
    const stuck = open.find((v) => v?.state === 'needs-staff');
    if (stuck) throw new Error(`visit ${stuck.billId} needs staff`);
    await worker.forceNow();
    await new Promise((r) => setTimeout(r, 5));
  }
  await worker.stop();
  journal.close();
  process.stdout.write('done\n');
}
