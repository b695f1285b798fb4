// The meta table: the journal's own small counters and settings, one string per key (the msgid
// clock, the slip sequence, and whatever a caller keeps through metaValue/setMetaValue).
import type Database from 'better-sqlite3';

export function metaStore(db: Database.Database) {
  const sql = {
    get: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    set: db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
  };
  const value = (key: string): string | null => sql.get.get(key)?.value ?? null;
  const set = (key: string, v: string): void => {
    sql.set.run(key, v);
  };
  return {
    value,
    set,
    /** What this module adds to the Journal. */
    journal: {
      metaValue(key: string): string | null {
        return value(key);
      },

      setMetaValue(key: string, v: string): void {
        set(key, v);
      },
    },
  };
}

export type MetaStore = ReturnType<typeof metaStore>;
