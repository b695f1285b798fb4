// The visits' contexts as last opened (or sealed), each beside the sealed bytes it came from. A
// replayed step read its visit's context two or three times, each a decrypt, an inflate and a new
// zlib stream. A hit needs the row's bytes to be the very bytes cached: every seal has a nonce of its
// own, so a context written since (a new payment choice, a rolled-back write) never matches an older
// entry. Bounded, and a visit's entry goes when it reaches a final state.
export interface ContextCache {
  /** The context's JSON for the row's sealed bytes: cached, or opened and then cached. */
  plain(id: string, sealed: Buffer, open: (sealed: Buffer) => string): string;
  /** A context just sealed for the visit, so the next read needs no open. */
  remember(id: string, sealed: Buffer, plain: string): void;
  forget(id: string): void;
  readonly size: number;
}

export function contextCache(limit: number): ContextCache {
  // A Map keeps insertion order: an entry read is moved to the end, so the first one is the least used.
  const entries = new Map<string, { sealed: Buffer; plain: string }>();

  function remember(id: string, sealed: Buffer, plain: string): void {
    entries.delete(id);
    entries.set(id, { sealed, plain });
    if (entries.size > limit) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
  }

  return {
    plain(id, sealed, open) {
      const hit = entries.get(id);
      if (hit && hit.sealed.equals(sealed)) {
        entries.delete(id);
        entries.set(id, hit);
        return hit.plain;
      }
      const plain = open(sealed);
      remember(id, sealed, plain);
      return plain;
    },
    remember,
    forget(id) {
      entries.delete(id);
    },
    get size() {
      return entries.size;
    },
  };
}
