// The process the crash campaign kills: a terminal that settles a fixed plan of visits through the
// platform simulator, journaling every step. Restarted after each SIGKILL, it recovers what was in
// flight and carries on from the journal, never from memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPlatformClient } from '../../insurance/client';
import { formatMsgid } from '../../insurance/msgid';
import { openJournal } from '../../journal/journal';
import { simEnvelopeContext } from '../../sim/platform/context';
import { createSettlementEngine } from '../engine';
import type { HisBill } from '../../his/client';
import type { VisitPerson } from '../calls';
import { finalStates } from '../states';

interface Plan {
  platformUrl: string;
  timeoutMs: number;
  people: VisitPerson[];
  bill: HisBill;
  visits: number;
}

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: child <dataDir>');
const plan = JSON.parse(readFileSync(join(dataDir, 'plan.json'), 'utf8')) as Plan;

// Slot 01: the test's own identification calls use slot 00 of the same institution code.
const journal = openJournal({ dataDir, institutionCode: simEnvelopeContext.fixmedins_code, formatMsgid, msgidSlot: '01' });
const client = createPlatformClient({ baseUrl: plan.platformUrl, context: simEnvelopeContext, timeoutMs: plan.timeoutMs });
const engine = createSettlementEngine({ journal, platform: client, maxAttempts: 1_000 });
engine.recoverInFlight();
process.stdout.write('ready\n');

const billFor = (i: number): HisBill => {
  const billId = `CRASH-${i}`;
  return { ...plan.bill, billId, items: plan.bill.items.map((item, n) => ({ ...item, feedetlSn: `${billId}-${n}` })) };
};

async function settleVisit(i: number): Promise<void> {
  const bill = billFor(i);
  const existing = journal.settlementsByBill(bill.billId);
  if (existing.length > 1) throw new Error(`visit ${i} was opened twice`);
  const id =
    existing[0]?.id ?? engine.open({ service: 'outpatient', person: plan.people[i % plan.people.length]!, bill, usePersonalAccount: i % 2 === 0 });
  for (let round = 0; round < 10_000; round++) {
    const view = await engine.pump(id, { inlineRetries: 0 });
    if ((finalStates as string[]).includes(view.state) || view.state === 'settled') return;
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
journal.close();
process.stdout.write('done\n');
