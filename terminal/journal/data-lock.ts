// One process per data folder. Two terminals on one journal each think the other's in-flight calls
// were left by a crash, query and reverse them, and resend each other's calls. The lock is SQLite's
// own exclusive file lock on a small side database: the operating system drops it when the holder
// dies, even by kill -9 or a power cut, so a stale lock never blocks a restart. The holder's pid is
// written beside it so a refused start can name who holds the folder.
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataFolderLocked extends Error {
  constructor(
    readonly folder: string,
    readonly holderPid: number | null,
  ) {
    super(
      `data folder ${folder} is in use by another process${holderPid ? ` (pid ${holderPid})` : ''}: ` +
        'only one terminal may run on a data folder. Stop that process, or give this one its own folder.',
    );
    this.name = 'DataFolderLocked';
  }
}

export interface DataFolderLock {
  readonly folder: string;
  release(): void;
}

/** Takes the folder's lock or throws DataFolderLocked. `name` tells two kinds of holders apart (terminal, simulator). */
export function lockDataFolder(folder: string, name = 'terminal'): DataFolderLock {
  mkdirSync(folder, { recursive: true });
  const lockPath = join(folder, `${name}.lock`);
  const pidPath = join(folder, `${name}.pid`);
  const db = new Database(lockPath, { timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    // An exclusive transaction that is never committed holds the write lock until the connection closes.
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY' || /locked|busy/i.test(String((err as Error).message))) {
      throw new DataFolderLocked(folder, readPid(pidPath));
    }
    throw err;
  }
  writeFileSync(pidPath, `${process.pid}\n`);
  let released = false;
  return {
    folder,
    release() {
      if (released) return;
      released = true;
      try {
        rmSync(pidPath, { force: true });
      } finally {
        db.close();
      }
    },
  };
}

function readPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
