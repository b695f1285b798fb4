// Whether the platform is reachable, learned from the answers themselves: any answer means up, a
// timeout, a refused connection or a gateway error means down. Wraps the client so every caller
// (identity, settlement, the probe) reports without knowing it.
import type { CallOutcome, EcDecodeOutcome, PlatformClient, UnknownReason } from '../insurance/client';

const DOWN_REASONS: ReadonlySet<UnknownReason> = new Set(['timeout', 'connection', 'http-status']);

export interface Reachability {
  client: PlatformClient;
  online(): boolean;
  onChange(listener: (online: boolean) => void): () => void;
}

export function trackReachability(inner: PlatformClient): Reachability {
  let online = true;
  const listeners = new Set<(online: boolean) => void>();
  const note = (outcome: CallOutcome | EcDecodeOutcome) => {
    const up = outcome.kind !== 'unknown' || !DOWN_REASONS.has(outcome.reason);
    if (up === online) return;
    online = up;
    for (const l of listeners) l(up);
  };
  return {
    client: {
      async call(call) {
        const outcome = await inner.call(call);
        note(outcome);
        return outcome;
      },
      async decodeEcQr(req) {
        const outcome = await inner.decodeEcQr(req);
        note(outcome);
        return outcome;
      },
    },
    online: () => online,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
