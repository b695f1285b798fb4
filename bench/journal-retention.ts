// bench:journal's year with retention on (issue 12 item 5): a journal that settles `perDay` visits a
// day for 365 simulated days, with the terminal's retention purge (journal.archiveFinished, the code
// start-terminal runs every 6 hours) removing finished visits older than `retentionDays` each day.
// The visits are copies of real ones (the replay phase's settled visits: their sealed inputs, raw
// replies, events and HIS notices byte for byte, with new ids, msgids and dates), written a day at a
// time in one transaction beside the open journal, so a year fits in a bench run; the purge and the
// compaction are the journal's own. Reported: the files' bytes per visit held at the end, and the
// size at the end over the size one month after retention first bit (flat: about 1).
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMsgid } from '../terminal/insurance/msgid';
import { openJournal } from '../terminal/journal/journal';
import { journalFiles } from '../terminal/journal/storage';
import { checkPagesAfterStart, walkPagesAtOpen } from '../terminal/journal/page-check';

const DAY = 86_400_000;
type Row = Record<string, unknown>;

export interface RetentionYear {
  days: number;
  per_day: number;
  retention_days: number;
  held_visits: number;
  archived_visits: number;
  bytes_end: number;
  bytes_per_settlement: number;
  /** Size at the end over the size 30 days after the first purge that removed anything. */
  size_end_over_steady: number;
  /** The size every 30 days, in MB, to see it level off. */
  size_mb_by_month: number[];
}

/** A copy of `templateDir`'s journal without visits, and its settled visits kept in memory to copy. */
function emptiedCopy(templateDir: string, prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const f of ['journal.sqlite', 'journal.key']) copyFileSync(join(templateDir, f), join(dir, f));
  const dbFile = join(dir, 'journal.sqlite');
  const raw = new Database(dbFile);
  raw.pragma('journal_mode = WAL');
  const ids = (raw.prepare(`SELECT id FROM settlements WHERE state = 'settled' ORDER BY created_at LIMIT 50`).all() as Array<{ id: string }>).map((r) => r.id);
  if (ids.length === 0) throw new Error('no settled visit to copy');
  const byVisit = (table: string, order: string) => raw.prepare(`SELECT * FROM ${table} WHERE settlement_id = ? ORDER BY ${order}`);
  const templates = ids.map((id) => ({
    settlement: raw.prepare('SELECT * FROM settlements WHERE id = ?').get(id) as Row,
    events: byVisit('settlement_events', 'id').all(id) as Row[],
    calls: byVisit('outbox', 'id').all(id) as Row[],
    // Each call's reply, kept beside the call since migration 11, in the calls' order.
    replies: (raw.prepare(`SELECT r.sealed FROM outbox o LEFT JOIN outbox_replies r ON r.outbox_id = o.id WHERE o.settlement_id = ? ORDER BY o.id`).all(id) as Array<{ sealed: Buffer | null }>).map((r) => r.sealed),
  }));
  raw.transaction(() => {
    for (const t of ['face_audits', 'credit_debts', 'his_notices', 'outbox_replies', 'outbox', 'settlement_events', 'settlements']) raw.exec(`DELETE FROM ${t}`);
  })();
  raw.exec('VACUUM');
  raw.close();
  return { dir, dbFile, templates };
}

/** Writes closed copies of the templates straight into the file (a second connection beside the open journal), one day per transaction. */
function dayWriter(dbFile: string, templates: ReturnType<typeof emptiedCopy>['templates']) {
  const writer = new Database(dbFile);
  writer.pragma('synchronous = FULL');
  const insert = (table: string, row: Row) => {
    const keys = Object.keys(row);
    return writer.prepare(`INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map((k) => `@${k}`).join(', ')})`);
  };
  const first = templates[0]!;
  const { id: _eid, ...eventShape } = first.events[0]!;
  const { id: _oid, ...callShape } = first.calls[0]!;
  const stmt = {
    settlement: insert('settlements', first.settlement),
    event: insert('settlement_events', eventShape),
    call: insert('outbox', callShape),
    reply: writer.prepare('INSERT INTO outbox_replies (outbox_id, sealed) VALUES (?, ?)'),
  };
  const writeDay = writer.transaction((day: number, dayStart: number, count: number, psnNo: (v: number) => unknown) => {
    for (let v = 0; v < count; v++) {
      const t = templates[v % templates.length]!;
      const id = `Y${day}-${v}`;
      const at = (k: number) => new Date(dayStart + v * 60_000 + k * 1000).toISOString();
      stmt.settlement.run({ ...t.settlement, id, state: 'closed', psn_no: psnNo(v) ?? t.settlement.psn_no, bill_id: `YB${day}-${v}`, setl_id: `YS${day}-${v}`, mdtrt_id: `YM${day}-${v}`, slip_no: null, created_at: at(0), updated_at: at(9) });
      t.events.forEach(({ id: _id, ...e }, k) => stmt.event.run({ ...e, settlement_id: id, at: at(k) }));
      stmt.event.run({ ...eventShape, settlement_id: id, at: at(9), from_state: 'settled', to_state: 'closed', note: null });
      t.calls.forEach(({ id: _id, ...c }, k) => {
        const call = stmt.call.run({ ...c, settlement_id: id, msgid: `Y${day}-${v}-${k}`, created_at: at(k), updated_at: at(k) });
        const reply = t.replies[k];
        if (reply) stmt.reply.run(call.lastInsertRowid, reply);
      });
    }
  });
  return { writeDay, close: () => writer.close() };
}

/** `templateDir` holds a closed journal (journal.sqlite + journal.key) with settled visits to copy. */
export function retentionYear(templateDir: string, options: { perDay: number; retentionDays: number; days?: number; institutionCode: string }): RetentionYear {
  const days = options.days ?? 365;
  const { dir, dbFile, templates } = emptiedCopy(templateDir, 'bench-retention-');
  let clock = Date.parse('2027-01-01T08:00:00Z');
  const journal = openJournal({ dataDir: dir, institutionCode: options.institutionCode, formatMsgid, msgidSlot: '00', now: () => new Date(clock) });
  const writer = dayWriter(dbFile, templates);

  const size = () => [dbFile, `${dbFile}-wal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);
  const sizes: number[] = [];
  let archived = 0;
  let firstPurgeDay = -1;
  for (let day = 0; day < days; day++) {
    writer.writeDay(day, clock, options.perDay, () => null);
    clock += DAY;
    const purged = journal.archiveFinished(new Date(clock - options.retentionDays * DAY).toISOString());
    if (purged.visits > 0 && firstPurgeDay < 0) firstPurgeDay = day;
    archived += purged.visits;
    sizes.push(size());
  }
  writer.close();
  const held = (journal.settlementsIn(['closed']) as unknown[]).length;
  journal.close();
  const end = size();
  const steadyDay = firstPurgeDay < 0 ? days - 1 : Math.min(days - 1, firstPurgeDay + 30);
  const archiveFiles = existsSync(join(dir, 'archive')) ? readdirSync(join(dir, 'archive')).length : 0;
  if (firstPurgeDay >= 0 && archiveFiles === 0) throw new Error('the purge removed visits but wrote no archive');
  // The year's files (tens of MB, a year of archive) are not kept after the figures are taken.
  rmSync(dir, { recursive: true, force: true });
  return {
    days,
    per_day: options.perDay,
    retention_days: options.retentionDays,
    held_visits: held,
    archived_visits: archived,
    bytes_end: end,
    bytes_per_settlement: Math.round(end / Math.max(1, held)),
    size_end_over_steady: Math.round((sizes.at(-1)! / sizes[steadyDay]!) * 1000) / 1000,
    size_mb_by_month: sizes.filter((_, i) => i % 30 === 29 || i === days - 1).map((s) => Math.round(s / 1e5) / 10),
  };
}

export interface YearFigures {
  /** openJournal as start-terminal calls it: the page walk at open for a journal up to 32 MB, after the start above. */
  open_ms: number;
  /** The page walk after the start (worker thread) on its own, for the year; 0 for a journal walked at open. */
  walk_ms: number;
  /** From open until payments are taken: the open, and the walk after the start when there is one. */
  ready_ms: number;
  visit_journal_ms: number;
  overview_ms: number;
  query_ms: number;
}

/**
 * A year of data (issue 15): the journal's own part of what bench:terminal measures through the
 * API, on a journal of `visits` closed visits spread over 365 days beside an empty one made from the
 * same template: opening it (the checks at open; a large journal's page walk after the start, timed
 * apart, and open to ready for payments), one visit's journal writes, the overview's
 * "settled today" (settledBetween) and a patient's 查询 (settlementsOfPerson, a patient with a visit
 * in every 2,000). Medians; the ratios are what to read.
 */
export async function yearOfData(templateDir: string, options: { visits: number; repeats: number; institutionCode: string }): Promise<{ empty: YearFigures; year: YearFigures; visits: number; walked_after_start: [boolean, boolean] }> {
  const build = (visits: number) => {
    const { dir, dbFile, templates } = emptiedCopy(templateDir, 'bench-year-');
    const perDay = Math.ceil(visits / 365);
    const yearAgo = Date.now() - 366 * DAY;
    const writer = dayWriter(dbFile, templates);
    for (let day = 0; day < 365 && day * perDay < visits; day++) {
      writer.writeDay(day, yearAgo + day * DAY, Math.min(perDay, visits - day * perDay), (v) => ((day * perDay + v) % 2000 === 0 ? REGULAR : `9${String(day * perDay + v).padStart(19, '0')}`));
    }
    writer.close();
    return dir;
  };
  // Both journals are measured turn about, so a disk or CPU busy with other work weighs on both alike.
  const dirs = [build(0), build(options.visits)] as const;
  // As start-terminal decides (page-check.ts): the walk at open for a small journal, after the start for a large one.
  const walkAfter = dirs.map((dir) => !walkPagesAtOpen(journalFiles(dir))) as [boolean, boolean];
  const open = (dir: string, k: number) => openJournal({ dataDir: dir, institutionCode: options.institutionCode, formatMsgid, msgidSlot: '00', checkPages: !walkAfter[k] });
  const samples = dirs.map(() => ({ open: [] as number[], walk: [] as number[], ready: [] as number[], visit: [] as number[], overview: [] as number[], query: [] as number[] }));
  const timed = (into: number[], fn: () => unknown) => {
    const t = performance.now();
    fn();
    into.push(performance.now() - t);
  };
  // Opens are cheap and noisy: nine each, in turns. The walk (seconds on a year) twice, the journal
  // open beside it as at a start; ready is the median open and the median walk.
  for (let i = 0; i < 9; i++) dirs.forEach((dir, k) => timed(samples[k]!.open, () => open(dir, k).close()));
  for (let i = 0; i < 2; i++) {
    for (const [k, dir] of dirs.entries()) {
      if (!walkAfter[k]) {
        samples[k]!.walk.push(0);
        continue;
      }
      const journal = open(dir, k);
      const check = await checkPagesAfterStart(journalFiles(dir)).result;
      journal.close();
      if (!check.ok) throw new Error(`the year journal failed its page walk: ${check.message}`);
      samples[k]!.walk.push(check.ms);
    }
  }
  for (const s of samples) s.ready.push(median(s.open) + median(s.walk));
  const journals = dirs.map(open);
  try {
    for (let i = 0; i < options.repeats; i++) journals.forEach((journal, k) => timed(samples[k]!.visit, () => oneVisit(journal, `M${i}`)));
    const today = new Date(Date.now() - 12 * 3_600_000).toISOString();
    const tomorrow = new Date(Date.now() + DAY).toISOString();
    for (let i = 0; i < options.repeats; i++) {
      journals.forEach((journal, k) => {
        timed(samples[k]!.overview, () => {
          if (journal.settledBetween(today, tomorrow).length < options.repeats) throw new Error('the measured visits are not in the overview');
        });
        timed(samples[k]!.query, () => {
          if (journal.settlementsOfPerson(REGULAR, 20).length === 0) throw new Error('the regular patient has no visits');
        });
      });
    }
  } finally {
    for (const journal of journals) journal.close();
  }
  const [empty, year] = samples.map((x): YearFigures => ({ open_ms: median(x.open), walk_ms: median(x.walk), ready_ms: median(x.ready), visit_journal_ms: median(x.visit), overview_ms: median(x.overview), query_ms: median(x.query) })) as [YearFigures, YearFigures];
  // The year journal is over a gigabyte: gone once measured.
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  return { empty, year, visits: options.visits, walked_after_start: walkAfter };
}

const REGULAR = '33000000000000000777';
const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! * 1000) / 1000;

/** One outpatient visit's journal writes, in the engine's order: four calls each queued, answered and followed by the next step, then settled and closed. */
function oneVisit(journal: ReturnType<typeof openJournal>, id: string): void {
  const input = { data: { psn_no: REGULAR, note: 'x'.repeat(300) } };
  const reply = JSON.stringify({ infcode: 0, output: { data: { psn_no: REGULAR, detail: 'y'.repeat(400) } } });
  const steps: Array<[state: string, infno: string]> = [
    ['register-pending', '2201'],
    ['fees-pending', '2204'],
    ['presettle-pending', '2206'],
    ['settle-pending', '2207'],
  ];
  let queued = journal.openSettlement({ id, service: 'outpatient', state: steps[0]![0], context: { i: id }, patch: { psnNo: REGULAR }, call: { step: steps[0]![0], infno: steps[0]![1], input } });
  for (let k = 0; k < steps.length; k++) {
    const next = steps[k + 1];
    journal.markInFlight(queued.outboxId!);
    queued = journal.recordOutcome({ outboxId: queued.outboxId!, status: 'done', rawResponse: reply, then: { settlementId: id, from: [steps[k]![0]], to: next ? next[0] : 'settled', call: next ? { step: next[0], infno: next[1], input } : undefined } });
  }
  journal.transition({ settlementId: id, from: ['settled'], to: 'closed' });
}
