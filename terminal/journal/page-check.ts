// The journal's page walk (SQLite's quick_check) after the start, off the main thread. On a year of
// visits (~1 GB) the walk takes seconds (25 s on a loaded machine): run at open it held the whole
// start up. Here a worker thread walks the file on its own read-only connection while the terminal
// starts and shows its screens; the caller takes no payment and sends nothing until it passes.
//
// The worker is a few lines of plain JavaScript given to the Worker as text, so it needs no build
// entry of its own (bundled hosts and tsx alike); it loads the same better-sqlite3 the main thread
// resolved. If the worker cannot start or load the driver at all, the walk runs here instead: a
// slow start is better than a journal never checked.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { damagedMessage, type JournalFiles } from './storage';

/**
 * Up to this (database and WAL: about 6,000 visits, under two weeks at 500 a day) the walk stays at open: ~50 ms
 * quiet, ~0.3 s at load ~15 (at the rate measured on 114 MB), and a damaged journal is refused with
 * nothing written. Above it the walk grows with the file (1.8 s on a year's 1.2 GB, 25 s loaded) and
 * runs after the start.
 */
export const PAGE_WALK_AT_OPEN_MAX_BYTES = 32 * 1024 * 1024;

/** Whether a journal of these files is walked at open (openJournal's checkPages) rather than after the start. */
export function walkPagesAtOpen(files: JournalFiles, maxBytes = PAGE_WALK_AT_OPEN_MAX_BYTES): boolean {
  const bytes = [files.db, `${files.db}-wal`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
  return bytes <= maxBytes;
}

export type PageCheck =
  | { ok: true; ms: number; where: 'worker' | 'main thread' }
  /** `message` names the file, what SQLite found and the restore command (storage.ts's restoreHint). */
  | { ok: false; ms: number; problems: string[]; message: string };

/** What the worker posts: the rows quick_check returned, or why it could not run them. */
type WorkerReply = { kind: 'rows'; rows: string[] } | { kind: 'corrupt'; error: string } | { kind: 'no-driver'; error: string };

const WORKER_SOURCE = `(() => {
const { parentPort, workerData } = require('node:worker_threads');
let Database;
try {
  Database = require(workerData.driver);
} catch (err) {
  parentPort.postMessage({ kind: 'no-driver', error: String(err && err.stack || err) });
  return;
}
let db = null;
try {
  db = new Database(workerData.db, { readonly: true, fileMustExist: true });
  const rows = db.pragma('quick_check', { simple: false }).map((r) => r.quick_check);
  parentPort.postMessage({ kind: 'rows', rows });
} catch (err) {
  parentPort.postMessage({ kind: 'corrupt', error: (err && err.code ? err.code + ': ' : '') + String(err && err.message || err) });
} finally {
  if (db) db.close();
}
})();`;

export interface RunningPageCheck {
  result: Promise<PageCheck>;
  /**
   * Stops the walk (the terminal is closing); `result` then never settles. A worker inside SQLite's
   * walk ends only when the walk returns (better-sqlite3 has no interrupt), so a close mid-walk waits
   * for it: measured 2.8 s on an 830 MB file. Process exit waits for it the same way.
   */
  stop(): Promise<void>;
}

/** Starts the walk of `files.db` in a worker thread; `result` says whether it passed. */
export function checkPagesAfterStart(files: JournalFiles): RunningPageCheck {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const verdict = (rows: string[], where: 'worker' | 'main thread'): PageCheck => {
    const problems = rows.filter((r) => r !== 'ok');
    if (problems.length === 0) return { ok: true, ms: elapsed(), where };
    return { ok: false, ms: elapsed(), problems: problems.slice(0, 20), message: damagedMessage(files, problems.slice(0, 3).join('; ')) };
  };
  const corrupt = (error: string): PageCheck => ({ ok: false, ms: elapsed(), problems: [error], message: damagedMessage(files, error) });

  let stopped = false;
  let worker: Worker | null = null;
  const result = new Promise<PageCheck>((resolve) => {
    const onMainThread = (why: string) => {
      if (stopped) return;
      console.error(`journal page check: no worker thread (${why}); walking the pages on the main thread instead`);
      resolve(walkHere(files.db, verdict, corrupt));
    };
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, db: files.db } });
    } catch (err) {
      onMainThread(err instanceof Error ? (err.stack ?? err.message) : String(err));
      return;
    }
    let answered = false;
    worker.once('message', (reply: WorkerReply) => {
      answered = true;
      if (reply.kind === 'no-driver') onMainThread(reply.error);
      else if (reply.kind === 'corrupt') resolve(corrupt(reply.error));
      else resolve(verdict(reply.rows, 'worker'));
    });
    worker.once('error', (err) => {
      if (!answered) onMainThread(err.stack ?? err.message);
    });
    worker.once('exit', (code) => {
      if (!answered) onMainThread(`the worker exited with code ${code} before it answered`);
    });
  });
  return {
    result,
    async stop() {
      stopped = true;
      await worker?.terminate();
    },
  };
}

function walkHere(dbFile: string, verdict: (rows: string[], where: 'main thread') => PageCheck, corrupt: (error: string) => PageCheck): PageCheck {
  let db: Database.Database | null = null;
  try {
    db = new Database(dbFile, { readonly: true, fileMustExist: true });
    return verdict((db.pragma('quick_check', { simple: false }) as Array<{ quick_check: string }>).map((r) => r.quick_check), 'main thread');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return corrupt(`${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message}`);
  } finally {
    db?.close();
  }
}
