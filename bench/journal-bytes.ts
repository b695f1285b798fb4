// npm run bench:journal-bytes — where a journal's bytes are: N visits queued offline and replayed
// against the simulator (as bench:journal's replay), then the file measured as it lies on disk
// (database + WAL, freelist pages counted since they are in the file) and broken down by SQLite's
// dbstat per table and index: payload, unused space in its pages, pages. --visits=N (300).
// Then --frame-visits=N (50) more visits replayed one at a time, each commit's WAL frames read from
// the WAL and put down to the table or index that owns the page (wal-frames.ts): what one visit's
// steps write and sync. --keep leaves the data folder for a look with sqlite3.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSettlementEngine } from '../terminal/settlement/engine';
import { createReplayWorker } from '../terminal/settlement/replay-worker';
import { startSettlementRig, type SettlementRig } from '../terminal/testing/settlement.testkit';
import type { HisBill } from '../terminal/his/client';
import { frameRecorder, type StepFrames } from './wal-frames';

export interface ObjectBytes {
  name: string;
  pages: number;
  payload: number;
  unused: number;
}

export interface JournalBytes {
  file_bytes: number;
  wal_bytes: number;
  page_size: number;
  freelist_pages: number;
  objects: ObjectBytes[];
}

/** The journal file's bytes (the WAL's too) and dbstat's breakdown; read-only, the journal closed. */
export function measureJournalBytes(dbFile: string): JournalBytes {
  const wal = `${dbFile}-wal`;
  const db = new Database(dbFile, { readonly: true });
  try {
    const objects = db
      .prepare<[], ObjectBytes>(`SELECT name, count(*) AS pages, sum(payload) AS payload, sum(unused) AS unused FROM dbstat GROUP BY name ORDER BY pages DESC`)
      .all();
    return {
      file_bytes: statSync(dbFile).size,
      wal_bytes: existsSync(wal) ? statSync(wal).size : 0,
      page_size: db.pragma('page_size', { simple: true }) as number,
      freelist_pages: db.pragma('freelist_count', { simple: true }) as number,
      objects,
    };
  } finally {
    db.close();
  }
}

function billFor(template: HisBill, i: number, prefix: string): HisBill {
  const billId = `${prefix}-${i}`;
  return { ...template, billId, items: template.items.map((item, n) => ({ ...item, feedetlSn: `${billId}-${n}` })) };
}

/**
 * More visits queued offline and replayed one at a time through a journal whose every function
 * notes the WAL frames its commit added. The grouped writes are made plain commits (one visit at a
 * time, a group is one write) so that each commit is seen by the call that made it.
 */
async function framesPerStep(rig: SettlementRig, template: HisBill, person: Person, n: number): Promise<StepFrames[]> {
  const dbFile = join(rig.dataDir, 'journal.sqlite');
  const label = (name: string, args: unknown[]): string => {
    const arg = args[0] as { then?: { to?: string }; status?: string; deferred?: boolean } | undefined;
    if (name === 'recordOutcome') return `answer ${arg?.status ?? ''}${arg?.then?.to ? ` -> ${arg.then.to}` : ''}`;
    if (name === 'openSettlement') return `open${arg?.deferred ? ' (offline, call queued)' : ''}`;
    return name;
  };
  const recorder = frameRecorder(rig.journal, `${dbFile}-wal`, label);
  const measured = recorder.journal;
  measured.recordOutcomeGrouped = (outcome) => Promise.resolve(measured.recordOutcome(outcome));
  measured.markInFlightGrouped = (outboxId) => Promise.resolve(measured.markInFlight(outboxId));
  await replayOffline(createSettlementEngine({ journal: measured, platform: rig.client }), { template, person, count: n, prefix: 'F', concurrency: 1 });
  return recorder.summary(dbFile);
}

/** `count` visits captured offline (bills numbered from `prefix`), then replayed `concurrency` at a time until the queue drains. */
async function replayOffline(engine: ReturnType<typeof createSettlementEngine>, o: { template: HisBill; person: Person; count: number; prefix: string; concurrency: number }): Promise<void> {
  for (let i = 0; i < o.count; i++) engine.open({ service: 'outpatient', person: o.person, bill: billFor(o.template, i, o.prefix), usePersonalAccount: true, deferred: true });
  const worker = createReplayWorker({ engine, online: () => true, probe: async () => true, intervalMs: 50, concurrency: o.concurrency });
  worker.start();
  const drained = await worker.waitForDrain(30 * 60_000);
  await worker.stop();
  if (!drained) throw new Error(`the ${o.prefix} visits did not drain`);
}

type Person = Awaited<ReturnType<SettlementRig['person']>>;

async function main() {
  const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
  const visits = Number(args.get('visits') ?? 300);
  const rig = await startSettlementRig({ timeoutMs: 10_000 });
  try {
    const person = await rig.person('employee');
    const template = (await rig.hisBills(person.idNo))[0];
    if (!template) throw new Error('no employee bill');
    await replayOffline(createSettlementEngine({ journal: rig.journal, platform: rig.client }), { template, person, count: visits, prefix: 'Q', concurrency: 4 });
    const settled = rig.journal.settlementsIn(['settled']).length;
    if (settled !== visits) throw new Error(`replayed ${settled} of ${visits}`);
    const frameVisits = Number(args.get('frame-visits') ?? 50);
    const frames = await framesPerStep(rig, template, person, frameVisits);
    console.log('WAL frames per commit, by step (one visit at a time), and the tables and indexes they belong to:');
    for (const f of frames) console.log(`  ${f.step.padEnd(34)} x${String(f.commits).padStart(4)}  ${String(f.frames).padStart(5)} frames: ${Object.entries(f.by).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    const perVisit = frames.reduce((sum, f) => sum + f.frames * f.commits, 0) / frameVisits;
    console.log(`  a visit: ${Math.round(perVisit * 10) / 10} frames over ${frames.reduce((n, f) => n + f.commits, 0) / frameVisits} commits`);
    const settledAll = rig.journal.settlementsIn(['settled']).length;
    // Closed the way bench:journal measures it: the WAL checkpointed into the file by the close.
    rig.journal.close();
    const m = measureJournalBytes(join(rig.dataDir, 'journal.sqlite'));
    const total = m.file_bytes + m.wal_bytes;
    console.log(`${settledAll} visits: file ${m.file_bytes} + WAL ${m.wal_bytes} bytes = ${Math.round(total / settledAll)} bytes a settlement; page ${m.page_size}, freelist ${m.freelist_pages} pages (counted: they are in the file)`);
    console.log('object                           pages   payload    unused  bytes/visit(pages)');
    for (const o of m.objects) {
      console.log(`${o.name.padEnd(32)} ${String(o.pages).padStart(5)} ${String(o.payload).padStart(9)} ${String(o.unused).padStart(9)} ${String(Math.round((o.pages * m.page_size) / settledAll)).padStart(8)}`);
    }
    if (args.has('keep')) console.log(`kept: ${rig.dataDir}`);
    rig.journal = { close() {} } as typeof rig.journal;
    console.log(JSON.stringify({ visits, bytes_per_settlement: Math.round(total / settledAll), wal_frames_per_visit: Math.round(perVisit * 10) / 10, wal_frames_by_step: frames, ...m }));
  } finally {
    await rig.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
