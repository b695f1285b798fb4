// Group commit: writes that arrive while the event loop is busy (the replay worker's visits
// answered together) share one SQLite commit, so one WAL sync, instead of one each. Each write
// still runs whole or not at all (a savepoint of its own inside the group's transaction), and its
// caller hears the result only after the group has committed: nothing is acted on (sent, shown)
// before it is on disk. A commit that fails rejects every write in the group.
import type Database from 'better-sqlite3';

interface Pending {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export function groupCommit(db: Database.Database, afterCommit: () => void) {
  let pending: Pending[] = [];

  const commitGroup = db.transaction((group: Pending[]) =>
    group.map((p) => {
      try {
        // A nested better-sqlite3 transaction is a savepoint: this write alone rolls back on error.
        return { ok: true as const, value: db.transaction(p.write)() };
      } catch (err) {
        return { ok: false as const, err };
      }
    }),
  );

  function flush(): void {
    const group = pending;
    pending = [];
    let outcomes: ReturnType<typeof commitGroup>;
    try {
      outcomes = commitGroup(group);
    } catch (err) {
      for (const p of group) p.reject(err);
      return;
    }
    afterCommit();
    group.forEach((p, i) => {
      const o = outcomes[i];
      if (o?.ok) p.resolve(o.value);
      else p.reject(o?.err);
    });
  }

  return {
    /** Runs `write` in the next group's transaction; resolves with its result once the group committed. */
    run<T>(write: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ write, resolve: resolve as (v: unknown) => void, reject });
        // setImmediate: after the I/O callbacks of this turn, so answers read together commit together.
        if (pending.length === 1) setImmediate(flush);
      });
    },
  };
}
