// Whether a large journal's page walk (page-check.ts) must hold payments at this start. The walk is
// there for what a crash or a power cut can leave on a disk that lied about its syncs: torn or lost
// pages. A journal this terminal closed cleanly, whose pages were walked and passed since the last
// stop that was not clean, has had no such moment: it opens to payments at once (a year's walk is
// 2-10 s on a kiosk's two cores, 22 s beside other work), and is walked again in the background
// when its last walk is a day old, where damage found still stops payments and tells staff.
//
// The stamp is a small file beside the journal, written durably: cleared (its clean close dropped,
// and its walk too when this start walks) before the journal's first write, the walk's pass
// recorded when it passes, the clean close recorded after the journal is closed. A crash anywhere
// leaves no clean close, so the next start walks before it takes payments. The clean close names
// the files as they were left (size, change time, inode, the WAL's): a file replaced or written
// since by anything else does not match.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFileDurably } from './durable-file';
import type { JournalFiles } from './storage';

/** A walk older than this is run again after a clean start, in the background. */
export const WALK_AGAIN_AFTER_MS = 24 * 60 * 60 * 1000;

interface FileFacts {
  bytes: number;
  changedMs: number;
  inode: number;
}

interface LeftAs {
  db: FileFacts;
  /** null: no WAL beside it (the close checkpointed it and removed it). */
  wal: FileFacts | null;
}

export interface WalkStamp {
  /** When the pages last passed a walk, with every stop since clean; null when not since the last unclean stop. */
  walkedAt: string | null;
  /** The files as the last clean close left them; null while the journal is open or after a crash. */
  closedClean: (LeftAs & { at: string }) | null;
}

export function walkStampFile(files: JournalFiles): string {
  return `${files.db}-walked`;
}

function facts(file: string): FileFacts | null {
  if (!existsSync(file)) return null;
  const s = statSync(file);
  return { bytes: s.size, changedMs: s.ctimeMs, inode: s.ino };
}

function leftAs(files: JournalFiles): LeftAs | null {
  const db = facts(files.db);
  return db ? { db, wal: facts(`${files.db}-wal`) } : null;
}

const sameFacts = (a: FileFacts | null, b: FileFacts | null): boolean =>
  a === null || b === null ? a === b : a.bytes === b.bytes && a.changedMs === b.changedMs && a.inode === b.inode;

/** The stamp as found, or null when there is none or it cannot be read (then the walk holds payments, as with none). */
export function readWalkStamp(files: JournalFiles, onUnreadable: (why: string) => void): WalkStamp | null {
  const file = walkStampFile(files);
  if (!existsSync(file)) return null;
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<WalkStamp>;
    const walkedAt = typeof raw.walkedAt === 'string' && !Number.isNaN(Date.parse(raw.walkedAt)) ? raw.walkedAt : null;
    const closed = raw.closedClean;
    const okFacts = (f: unknown): f is FileFacts => typeof f === 'object' && f !== null && [(f as FileFacts).bytes, (f as FileFacts).changedMs, (f as FileFacts).inode].every((n) => typeof n === 'number' && Number.isFinite(n));
    const closedClean = closed && typeof closed.at === 'string' && okFacts(closed.db) && (closed.wal === null || okFacts(closed.wal)) ? { at: closed.at, db: closed.db, wal: closed.wal } : null;
    return { walkedAt, closedClean };
  } catch (err) {
    onUnreadable(`${file}: ${(err as Error).message}`);
    return null;
  }
}

export function writeWalkStamp(files: JournalFiles, stamp: WalkStamp): void {
  writeFileDurably(walkStampFile(files), `${JSON.stringify(stamp)}\n`, { mode: 0o600 });
}

/** True when the stamp's clean close names the files exactly as they lie now, and a walk passed before it. */
export function closedCleanSinceWalk(files: JournalFiles, stamp: WalkStamp | null): boolean {
  if (!stamp?.walkedAt || !stamp.closedClean) return false;
  const now = leftAs(files);
  return now !== null && sameFacts(now.db, stamp.closedClean.db) && sameFacts(now.wal, stamp.closedClean.wal);
}

/** The stamp after a clean close: call once the journal's connection is closed. */
export function stampCleanClose(files: JournalFiles, walkedAt: string | null, at: string): void {
  const left = leftAs(files);
  writeWalkStamp(files, { walkedAt, closedClean: left ? { ...left, at } : null });
}

export function walkIsStale(walkedAt: string, now: Date): boolean {
  return now.getTime() - Date.parse(walkedAt) >= WALK_AGAIN_AFTER_MS;
}
