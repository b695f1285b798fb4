// Backups of the journal and the restore from one. A backup is SQLite's online backup (the backup
// API: a consistent copy taken page by page while the terminal keeps settling) into a second place
// the config names, keeping the newest N. The key is not copied with it: a backup on a hospital
// share alone reveals no one, and the key has its own backup (README "Where the data lives").
//
// A restore is a deliberate act, run while the terminal is stopped: the damaged files are set aside
// (renamed with a timestamp, never deleted), the backup is put in place, every call the backup
// still had open is marked "may have been sent" so the engine asks the platform before anything is
// sent again, and the high-water mark is reset to the backup's.
import Database from 'better-sqlite3';
import { walkStampFile } from './walk-stamp';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { lockDataFolder } from './data-lock';
import { createSealer, readKeyFile } from './sealed';
import { placeFileDurably } from './durable-file';
import { inspectJournal, journalFiles, keyMatches, readSequence, writeHighWater, type JournalFiles, type Sequence } from './storage';

const BACKUP_NAME = /^journal-(\d{8}T\d{6}(?:\d{3})?Z)\.sqlite$/;

const stamp = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace('.', '');

/** Newest first. */
export function listBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => BACKUP_NAME.test(f))
    .sort()
    .reverse()
    .map((f) => join(dir, f));
}

/** One online backup of the open database into dir, then the oldest beyond `keep` removed. */
export async function backupDatabase(db: Database.Database, dir: string, keep: number, at: Date): Promise<{ file: string; at: string }> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `journal-${stamp(at)}.sqlite`);
  const partial = `${file}.partial`;
  await db.backup(partial);
  placeFileDurably(partial, file);
  for (const old of listBackups(dir).slice(keep)) rmSync(old, { force: true });
  return { file, at: at.toISOString() };
}

export interface RestoreOptions {
  dataDir: string;
  /** A backup file, or a folder of them (the newest is taken). */
  from: string;
  now?: () => Date;
}

export interface RestoreResult {
  restored: string;
  setAside: string[];
  /** Calls the backup had open, now marked in flight: each is resolved by a query or reversal before anything is resent. */
  reopenedCalls: number;
  sequence: Sequence;
}

export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

/** Sets the data folder's journal aside and puts the backup in its place. Refuses while a terminal runs there. */
export function restoreJournal(options: RestoreOptions): RestoreResult {
  const now = options.now ?? (() => new Date());
  const files = journalFiles(options.dataDir);
  const lock = lockDataFolder(options.dataDir);
  try {
    const source = pickBackup(options.from);
    checkBackup(files, source);
    const suffix = `set-aside-${stamp(now())}`;
    const setAside: string[] = [];
    // The walk stamp goes too: a restored file is walked before it takes payments (walk-stamp.ts).
    for (const f of [files.db, `${files.db}-wal`, `${files.db}-shm`, files.hwm, walkStampFile(files)]) {
      if (!existsSync(f)) continue;
      const aside = `${f}.${suffix}`;
      renameSync(f, aside);
      setAside.push(aside);
    }
    const incoming = `${files.db}.restoring`;
    copyFileSync(source, incoming);
    placeFileDurably(incoming, files.db);

    const db = new Database(files.db);
    let reopenedCalls: number;
    let sequence: Sequence;
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // A call the backup holds as not yet sent may have been sent after the backup was taken: it is
      // treated as a call left in flight by a crash, which the engine resolves by asking first.
      const inFlight = (db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'in-flight'`).get() as { n: number }).n;
      const pending = db
        .prepare(`UPDATE outbox SET status = 'in-flight', attempts = MAX(attempts, 1), last_error = ?, updated_at = ? WHERE status = 'pending'`)
        .run(`restored from backup ${basename(source)}: may have been sent after it was taken`, now().toISOString()).changes;
      reopenedCalls = inFlight + pending;
      sequence = readSequence(db);
    } finally {
      db.close();
    }
    writeHighWater(files, sequence, now().toISOString());
    return { restored: source, setAside, reopenedCalls, sequence };
  } finally {
    lock.release();
  }
}

function pickBackup(from: string): string {
  if (!existsSync(from)) throw new RestoreRefused(`no backup at ${from}`);
  if (!statSync(from).isDirectory()) return from;
  const newest = listBackups(from)[0];
  if (!newest) throw new RestoreRefused(`no journal backup (journal-<time>.sqlite) in ${from}`);
  return newest;
}

/** The backup must be sound and sealed under this folder's key, or the restore would trade one refusal for another. */
function checkBackup(files: JournalFiles, source: string): void {
  const found = inspectJournal({ ...files, db: source });
  if (!found.hasJournal) throw new RestoreRefused(`${source} is not a journal backup`);
  const key = readKeyFile(files.key);
  if (!key) {
    if (found.keyCheck || found.sampleSealed) throw new RestoreRefused(`the key file ${files.key} is missing: restore the key from its backup first${found.keyFingerprint ? ` (fingerprint ${found.keyFingerprint})` : ''}`);
    return;
  }
  if (!keyMatches(createSealer(key), found)) {
    throw new RestoreRefused(`${source} was sealed under another key${found.keyFingerprint ? ` (fingerprint ${found.keyFingerprint})` : ''} than ${files.key}: restore the matching key or choose another backup`);
  }
}
