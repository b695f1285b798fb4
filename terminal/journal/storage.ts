// The journal's files and what is checked before anything is written to them. The journal is the
// only record of money that has not reached the platform, so a start that finds it damaged, rolled
// back, gone, or under the wrong key refuses, says what to do, and writes nothing: a kiosk that
// starts empty or settles on a damaged file loses or repeats payments.
//
//   journal.sqlite (+ -wal, -shm)  the database, in WAL mode
//   journal.key                    the key patient data is sealed under (back it up apart from the database)
//   journal.hwm                    the high-water mark: the highest event and call numbers the
//                                  database ever committed, kept outside the WAL and synced, so a
//                                  database that went back in time (a truncated or lost WAL, an old
//                                  copy put in its place) is seen at the next start
import Database from 'better-sqlite3';
import { closeSync, existsSync, fdatasync, openSync, readFileSync, rmSync, statSync, write } from 'node:fs';
import { join } from 'node:path';
import type { Sealer } from './sealed';
import { writeFileDurably } from './durable-file';

export interface JournalFiles {
  dataDir: string;
  db: string;
  key: string;
  hwm: string;
}

export function journalFiles(dataDir: string): JournalFiles {
  return { dataDir, db: join(dataDir, 'journal.sqlite'), key: join(dataDir, 'journal.key'), hwm: join(dataDir, 'journal.hwm') };
}

export type RefusalKind = 'key-missing' | 'key-wrong' | 'damaged' | 'rolled-back' | 'lost';

/** The journal will not open: the message names the files and what staff or IT must do. */
export class JournalRefused extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
  ) {
    super(message);
    this.name = 'JournalRefused';
  }
}

export const restoreHint = (dataDir: string) =>
  `Stop here and call IT: \`npm run journal:restore -- --data ${dataDir}\` sets the damaged files aside (renamed with a timestamp) and restores the last backup (add --from FILE for a given one).`;

/** The numbers that only grow while the journal lives: AUTOINCREMENT keeps them across deletes. */
export interface Sequence {
  settlementEvents: number;
  outbox: number;
}

export const SEQUENCE_SQL = `SELECT name, seq FROM sqlite_sequence WHERE name IN ('settlement_events','outbox')`;

export function readSequence(db: Database.Database): Sequence {
  const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`).get();
  const seq: Sequence = { settlementEvents: 0, outbox: 0 };
  if (!hasTable) return seq;
  for (const row of db.prepare<[], { name: string; seq: number }>(SEQUENCE_SQL).all()) {
    if (row.name === 'settlement_events') seq.settlementEvents = row.seq;
    else seq.outbox = row.seq;
  }
  return seq;
}

/** What a read-only look at the database finds, before the journal writes anything. */
export interface Found {
  /** The file holds a journal's schema (not absent, not empty). */
  hasJournal: boolean;
  sequence: Sequence;
  keyCheck: Buffer | null;
  keyFingerprint: string | null;
  /** One sealed value, to try the key on when the journal has no key check yet (written before there was one). */
  sampleSealed: Buffer | null;
}

const SEALED_COLUMNS: Array<[table: string, column: string]> = [
  ['outbox', 'sealed_input'],
  ['settlements', 'sealed_context'],
  ['person_cache', 'sealed'],
  ['face_enrolments', 'sealed'],
];

/**
 * Opens the database read-only (no checkpoint, nothing created but SQLite's shared-memory index) and
 * checks it. `walkPages` adds SQLite's quick_check, which reads every page: milliseconds on a small
 * journal, seconds on a year's (start-terminal runs it after the start instead, page-check.ts);
 * without it a file SQLite cannot read at all (its header, its schema) is still refused here.
 */
export function inspectJournal(files: JournalFiles, options: { walkPages: boolean } = { walkPages: true }): Found {
  const empty: Found = { hasJournal: false, sequence: { settlementEvents: 0, outbox: 0 }, keyCheck: null, keyFingerprint: null, sampleSealed: null };
  if (!existsSync(files.db) || statSync(files.db).size === 0) return empty;
  let db: Database.Database | null = null;
  // A read-only connection may create an empty WAL and the shared-memory index: removed again
  // after, so a refused start leaves the folder as it found it.
  const sideFiles = [`${files.db}-wal`, `${files.db}-shm`].filter((f) => !existsSync(f));
  try {
    db = new Database(files.db, { readonly: true, fileMustExist: true });
    const tables = new Set(db.prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`).all().map((r) => r.name));
    if (options.walkPages) {
      const problems = (db.pragma('quick_check', { simple: false }) as Array<{ quick_check: string }>).map((r) => r.quick_check).filter((r) => r !== 'ok');
      if (problems.length > 0) throw new JournalRefused('damaged', damagedMessage(files, problems.slice(0, 3).join('; ')));
    }
    if (!tables.has('meta')) return empty;
    const meta = (key: string) => db!.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value ?? null;
    let sampleSealed: Buffer | null = null;
    for (const [table, column] of SEALED_COLUMNS) {
      if (!tables.has(table)) continue;
      const row = db.prepare<[], { v: Buffer }>(`SELECT ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL LIMIT 1`).get();
      if (row) {
        sampleSealed = row.v;
        break;
      }
    }
    const check = meta('key_check');
    return { hasJournal: true, sequence: readSequence(db), keyCheck: check ? Buffer.from(check, 'base64') : null, keyFingerprint: meta('key_fingerprint'), sampleSealed };
  } catch (err) {
    if (err instanceof JournalRefused) throw err;
    // SQLITE_CORRUPT, SQLITE_NOTADB and their kin: the file cannot even be read.
    throw new JournalRefused('damaged', damagedMessage(files, (err as Error).message));
  } finally {
    db?.close();
    for (const f of sideFiles) {
      if (f.endsWith('-shm') || (existsSync(f) && statSync(f).size === 0)) rmSync(f, { force: true });
    }
  }
}

export function damagedMessage(files: JournalFiles, what: string): string {
  return `the journal ${files.db} is damaged (${what}). The terminal will not settle on a damaged journal. ${restoreHint(files.dataDir)}`;
}

/** The value sealed into meta when a key is made: opening it proves the key is the journal's. */
export const KEY_CHECK_PLAIN = 'settlement-journal key check';

/** True when the key opens what the journal holds (its key check, or else one sealed value). */
export function keyMatches(sealer: Sealer, found: Found): boolean {
  const probe = found.keyCheck ?? found.sampleSealed;
  if (!probe) return true;
  try {
    const plain = sealer.open(probe);
    return found.keyCheck ? plain === KEY_CHECK_PLAIN : true;
  } catch {
    return false;
  }
}

// The high-water mark file: fixed size, rewritten in place and synced (one sector, so a write is
// all or nothing), created by write-then-rename.
const HWM_BYTES = 256;

export function readHighWater(files: JournalFiles): Sequence | null {
  if (!existsSync(files.hwm)) return null;
  try {
    const parsed = JSON.parse(readFileSync(files.hwm, 'utf8')) as Partial<Sequence>;
    if (typeof parsed.settlementEvents !== 'number' || typeof parsed.outbox !== 'number') throw new Error('fields missing');
    return { settlementEvents: parsed.settlementEvents, outbox: parsed.outbox };
  } catch (err) {
    throw new JournalRefused('damaged', `the high-water mark ${files.hwm} cannot be read (${(err as Error).message}). ${restoreHint(files.dataDir)}`);
  }
}

function encode(seq: Sequence, at: string): Buffer {
  const text = JSON.stringify({ settlementEvents: seq.settlementEvents, outbox: seq.outbox, at });
  return Buffer.from(text.padEnd(HWM_BYTES - 1, ' ') + '\n', 'utf8');
}

/** Writes the mark afresh (first start, and the restore command resetting it to the backup's). */
export function writeHighWater(files: JournalFiles, seq: Sequence, at: string): void {
  writeFileDurably(files.hwm, encode(seq, at));
}

const grows = (seq: Sequence, than: Sequence): boolean => seq.settlementEvents > than.settlementEvents || seq.outbox > than.outbox;
const highest = (a: Sequence, b: Sequence): Sequence => ({ settlementEvents: Math.max(a.settlementEvents, b.settlementEvents), outbox: Math.max(a.outbox, b.outbox) });
const writeAt0 = (fd: number, bytes: Buffer) => new Promise<void>((resolve, reject) => write(fd, bytes, 0, bytes.length, 0, (err) => (err ? reject(err) : resolve())));
const dataSync = (fd: number) => new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));

/**
 * Raises the mark as the journal commits; never lowers it. The write and its sync run on libuv's
 * threads, not the event loop: a commit no longer waits for a second sync, and the commits of
 * several visits made while one mark write was on its way share the next. What must not leave
 * before the mark covers it (a platform call) waits on `synced()`; a crash before the mark caught
 * up leaves it low, which is safe (the check at start only refuses a database below its mark).
 */
export function highWaterKeeper(files: JournalFiles, start: Sequence, nowIso: () => string) {
  let wanted = { ...start };
  let onDisk = { ...start };
  let fd: number | null = null;
  let flushing: Promise<void> | null = null;
  let closed = false;

  /** The one write on its way, or a new one; callbacks run after `flushing` is set. */
  function startFlush(): Promise<void> {
    if (flushing) return flushing;
    const run = (async () => {
      await Promise.resolve();
      while (grows(wanted, onDisk) && !closed) {
        const target = { ...wanted };
        fd ??= openSync(files.hwm, 'r+');
        await writeAt0(fd, encode(target, nowIso()));
        // The file keeps its size, so only its data has to reach the disk: fdatasync skips the
        // inode (mtime) write a full fsync would add.
        await dataSync(fd);
        onDisk = highest(onDisk, target);
      }
    })()
      .catch((err: Error) => {
        // Logged here and thrown again to whoever waits on synced() (a send); the next raise retries.
        console.error(`journal high-water mark ${files.hwm} not written: ${err.message}`);
        throw err;
      })
      .finally(() => {
        flushing = null;
        if (closed && fd !== null) {
          closeSync(fd);
          fd = null;
        }
        // A raise that came while this write was settling found it still running: it goes now.
        else if (!closed && grows(wanted, onDisk)) void startFlush();
      });
    flushing = run;
    run.catch(() => undefined);
    return run;
  }

  return {
    /** Called after commits with what the database now holds; schedules a write only when it grew. */
    raise(seq: Sequence): void {
      if (closed || !grows(seq, wanted)) return;
      wanted = highest(wanted, seq);
      void startFlush();
    },

    /** Resolves once the mark on disk covers every commit raised so far; rejects if its write failed. */
    async synced(): Promise<void> {
      while (grows(wanted, onDisk)) {
        if (closed) throw new Error('journal closed before its high-water mark was written');
        await startFlush();
      }
    },

    marked: () => ({ ...onDisk }),

    /**
     * Writes what is still owed synchronously. A write still on its way on libuv's threads holds
     * the old file open: the final mark goes to a new file renamed over it, so the late write lands
     * in the replaced inode and cannot lower the mark.
     */
    close(): void {
      if (closed) return;
      closed = true;
      if (grows(wanted, onDisk) || flushing) {
        writeFileDurably(files.hwm, encode(wanted, nowIso()));
        onDisk = { ...wanted };
      }
      if (!flushing && fd !== null) {
        closeSync(fd);
        fd = null;
      }
    },
  };
}

/** The database holds less than its mark says it once committed. */
export const behind = (db: Sequence, mark: Sequence): boolean => grows(mark, db);
