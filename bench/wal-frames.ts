// Which pages a journal write puts in the WAL, read from the WAL file itself: each commit's frames
// (page number per frame) between two looks, and, once the writes are done, each page mapped to the
// table or index that owns it (dbstat), page 1 and the auto-vacuum pointer-map pages by position.
// What a durable append costs beyond a bare write+fsync is these frames, all synced at the commit.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** The committed frames of the WAL's current generation: page numbers in write order. */
export function walFrames(walFile: string): { salt: string; pages: number[] } {
  if (!existsSync(walFile)) return { salt: '', pages: [] };
  const fd = openSync(walFile, 'r');
  try {
    const size = statSync(walFile).size;
    if (size < WAL_HEADER) return { salt: '', pages: [] };
    const header = Buffer.alloc(WAL_HEADER);
    readSync(fd, header, 0, WAL_HEADER, 0);
    const pageSize = header.readUInt32BE(8);
    const salt = header.subarray(16, 24);
    const frameHeader = Buffer.alloc(FRAME_HEADER);
    const pages: number[] = [];
    let committed = 0;
    for (let at = WAL_HEADER; at + FRAME_HEADER + pageSize <= size; at += FRAME_HEADER + pageSize) {
      readSync(fd, frameHeader, 0, FRAME_HEADER, at);
      // A frame of an older generation (before the WAL restarted) carries the old salt: the end.
      if (!frameHeader.subarray(8, 16).equals(salt)) break;
      pages.push(frameHeader.readUInt32BE(0));
      if (frameHeader.readUInt32BE(4) !== 0) committed = pages.length;
    }
    return { salt: salt.toString('hex'), pages: pages.slice(0, committed) };
  } finally {
    closeSync(fd);
  }
}

/** Frames committed since the last look (a restarted WAL counts from its start). */
export function walWatcher(walFile: string) {
  let last = walFrames(walFile);
  return (): number[] => {
    const now = walFrames(walFile);
    const fresh = now.salt === last.salt ? now.pages.slice(last.pages.length) : now.pages;
    last = now;
    return fresh;
  };
}

/** The database's page size, as SQLite reads it (the header's 1 meaning 65,536 included). */
export function pageSizeOf(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}

/** Page number -> the table or index it belongs to, as the database stands now (WAL included). */
export function pageOwners(dbFile: string): (page: number) => string {
  const db = new Database(dbFile, { readonly: true });
  try {
    const owners = new Map(db.prepare<[], { name: string; pageno: number }>('SELECT name, pageno FROM dbstat').all().map((r) => [r.pageno, r.name]));
    const autoVacuum = (db.pragma('auto_vacuum', { simple: true }) as number) !== 0;
    const usable = db.pragma('page_size', { simple: true }) as number;
    // Pointer-map pages (auto_vacuum): page 2, then every usable/5 + 1 pages.
    const perMap = Math.floor(usable / 5) + 1;
    return (page) => {
      const owner = owners.get(page);
      if (owner) return page === 1 ? 'page 1 (header, schema)' : owner;
      if (page === 1) return 'page 1 (header, schema)';
      if (autoVacuum && page >= 2 && (page - 2) % perMap === 0) return 'pointer map (auto_vacuum)';
      return 'free/unowned';
    };
  } finally {
    db.close();
  }
}

export interface StepFrames {
  step: string;
  commits: number;
  /** Frames per commit of this step, on average. */
  frames: number;
  /** Average frames per commit by owner, largest first. */
  by: Record<string, number>;
}

/**
 * Wraps every function of `journal` so that each call's commit is looked at: the frames it added,
 * kept per step label. Only one write may be on its way at a time (concurrency 1) for the frames to
 * belong to the call that is measured.
 */
export function frameRecorder<J extends object>(journal: J, walFile: string, label: (name: string, args: unknown[]) => string = (n) => n) {
  const look = walWatcher(walFile);
  const seen: Array<{ step: string; pages: number[] }> = [];
  const record = (step: string) => {
    const pages = look();
    if (pages.length > 0) seen.push({ step, pages });
  };
  const wrapped = { ...journal } as Record<string, unknown>;
  for (const [name, member] of Object.entries(journal)) {
    if (typeof member !== 'function') continue;
    const fn = member as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]) => {
      look();
      const step = label(name, args);
      const result = fn(...args);
      if (result instanceof Promise) return result.then((v: unknown) => (record(step), v));
      record(step);
      return result;
    };
  }
  return {
    journal: wrapped as J,
    /** Per step, once the writes are done: owners are read as the database stands then. */
    summary(dbFile: string): StepFrames[] {
      const owner = pageOwners(dbFile);
      const steps = new Map<string, { commits: number; frames: number; by: Map<string, number> }>();
      for (const s of seen) {
        const e = steps.get(s.step) ?? { commits: 0, frames: 0, by: new Map<string, number>() };
        e.commits += 1;
        e.frames += s.pages.length;
        for (const p of s.pages) e.by.set(owner(p), (e.by.get(owner(p)) ?? 0) + 1);
        steps.set(s.step, e);
      }
      const r2 = (x: number) => Math.round(x * 100) / 100;
      return [...steps].map(([step, e]) => ({
        step,
        commits: e.commits,
        frames: r2(e.frames / e.commits),
        by: Object.fromEntries([...e.by].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, r2(v / e.commits)])),
      }));
    },
  };
}
