// npm run bench:journal-bytes — where a journal's bytes are: N visits queued offline and replayed
// against the simulator (as bench:journal's replay), then the file measured as it lies on disk
// (database + WAL, freelist pages counted since they are in the file) and broken down by SQLite's
// dbstat per table and index: payload, unused space in its pages, pages. --visits=N (300).
// --keep leaves the data folder for a look with sqlite3.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSettlementEngine } from '../terminal/settlement/engine';
import { createReplayWorker } from '../terminal/settlement/replay-worker';
import { startSettlementRig } from '../terminal/testing/settlement.testkit';
import type { HisBill } from '../terminal/his/client';

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

async function main() {
  const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
  const visits = Number(args.get('visits') ?? 300);
  const rig = await startSettlementRig({ timeoutMs: 10_000 });
  try {
    const person = await rig.person('employee');
    const template = (await rig.hisBills(person.idNo))[0];
    if (!template) throw new Error('no employee bill');
    const engine = createSettlementEngine({ journal: rig.journal, platform: rig.client });
    for (let i = 0; i < visits; i++) engine.open({ service: 'outpatient', person, bill: billFor(template, i, 'Q'), usePersonalAccount: true, deferred: true });
    const worker = createReplayWorker({ engine, online: () => true, probe: async () => true, intervalMs: 50, concurrency: 4 });
    worker.start();
    const drained = await worker.waitForDrain(30 * 60_000);
    await worker.stop();
    if (!drained) throw new Error('replay did not drain');
    const settled = rig.journal.settlementsIn(['settled']).length;
    if (settled !== visits) throw new Error(`replayed ${settled} of ${visits}`);
    // Closed the way bench:journal measures it: the WAL checkpointed into the file by the close.
    rig.journal.close();
    const m = measureJournalBytes(join(rig.dataDir, 'journal.sqlite'));
    const total = m.file_bytes + m.wal_bytes;
    console.log(`${visits} visits: file ${m.file_bytes} + WAL ${m.wal_bytes} bytes = ${Math.round(total / visits)} bytes a settlement; page ${m.page_size}, freelist ${m.freelist_pages} pages (counted: they are in the file)`);
    console.log('object                           pages   payload    unused  bytes/visit(pages)');
    for (const o of m.objects) {
      console.log(`${o.name.padEnd(32)} ${String(o.pages).padStart(5)} ${String(o.payload).padStart(9)} ${String(o.unused).padStart(9)} ${String(Math.round((o.pages * m.page_size) / visits)).padStart(8)}`);
    }
    if (args.has('keep')) console.log(`kept: ${rig.dataDir}`);
    rig.journal = { close() {} } as typeof rig.journal;
    console.log(JSON.stringify({ visits, bytes_per_settlement: Math.round(total / visits), ...m }));
  } finally {
    await rig.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
