// The person cache: who a verified person is, kept so a card can still identify them while the
// platform is unreachable. Sealed under the journal key and found by an HMAC of the ID number, like
// the face store.
import type { JournalContext } from './context';
import type { Sealer } from './sealed';

/** A person_cache row as read back (the key is only ever matched, never read). */
interface PersonCacheRecord {
  sealed: Buffer;
  cached_at: string;
}

export function rowToCachedPerson<T>(row: PersonCacheRecord, sealer: Sealer): { person: T; cachedAt: string } {
  return { person: JSON.parse(sealer.open(row.sealed)) as T, cachedAt: row.cached_at };
}

export function personCache({ db, sealer, nowIso }: JournalContext) {
  const sql = {
    upsert: db.prepare('INSERT INTO person_cache (key, sealed, cached_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET sealed = excluded.sealed, cached_at = excluded.cached_at'),
    get: db.prepare<[string], PersonCacheRecord>('SELECT sealed, cached_at FROM person_cache WHERE key = ?'),
  };

  return {
    /** What this module adds to the Journal. */
    journal: {
      /** Remembers who a verified person is, so a card can identify them while the platform is away. */
      cachePerson(idNo: string, person: unknown): void {
        sql.upsert.run(sealer.tag(idNo), sealer.seal(JSON.stringify(person)), nowIso());
      },

      cachedPerson<T>(idNo: string): { person: T; cachedAt: string } | null {
        const row = sql.get.get(sealer.tag(idNo));
        return row ? rowToCachedPerson<T>(row, sealer) : null;
      },
    },
  };
}
