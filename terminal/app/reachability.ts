// Whether the platform is reachable, learned from the answers themselves: any answer means up, a
// timeout, a refused connection or a gateway error means down. Wraps the client so every caller
// (identity, settlement, the probe) reports without knowing it.
import type { CallOutcome, EcDecodeOutcome, PlatformClient, UnknownReason } from '../insurance/client';
import { HisError, type HisClient } from '../his/client';

const DOWN_REASONS: ReadonlySet<UnknownReason> = new Set(['timeout', 'connection', 'http-status']);

export interface Reachability {
  client: PlatformClient;
  online(): boolean;
  onChange(listener: (online: boolean) => void): () => void;
  /** performance.now() when the last call's outcome came back (null before the first): a fresh answer makes a probe needless. */
  lastOutcomeAt(): number | null;
}

/** `onCall`: each call's transaction number, round trip and outcome kind (the metrics' histogram). */
export function trackReachability(inner: PlatformClient, onCall?: (infno: string, seconds: number, outcome: string) => void): Reachability {
  let online = true;
  let lastOutcomeAt: number | null = null;
  const listeners = new Set<(online: boolean) => void>();
  const note = (outcome: CallOutcome | EcDecodeOutcome) => {
    lastOutcomeAt = performance.now();
    const up = outcome.kind !== 'unknown' || !DOWN_REASONS.has(outcome.reason);
    if (up === online) return;
    online = up;
    for (const l of listeners) l(up);
  };
  return {
    client: {
      async call(call) {
        const started = performance.now();
        const outcome = await inner.call(call);
        onCall?.(call.infno, (performance.now() - started) / 1000, outcome.kind);
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
    lastOutcomeAt: () => lastOutcomeAt,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Whether the HIS answers, learned the same way: an answer (even a refusal, an HTTP 4xx) means up;
 * no connection, a timeout or a 5xx means down. null until the HIS was first asked.
 */
export function trackHisReachability(inner: HisClient): { client: HisClient; online(): boolean | null } {
  let online: boolean | null = null;
  const wrap = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const result = await fn(...args);
        online = true;
        return result;
      } catch (err) {
        online = err instanceof HisError && err.status !== null && err.status < 500;
        throw err;
      }
    };
  return {
    client: {
      pendingBills: wrap((certno) => inner.pendingBills(certno)),
      bill: wrap((billId) => inner.bill(billId)),
      dischargeList: wrap((ward) => inner.dischargeList(ward)),
      markPaid: wrap((billId, receipt) => inner.markPaid(billId, receipt)),
      markRefunded: wrap((billId, refund) => inner.markRefunded(billId, refund)),
      reports: wrap((certno) => inner.reports(certno)),
      claim: wrap((billId, req) => inner.claim(billId, req)),
      renewClaim: wrap((billId, req) => inner.renewClaim(billId, req)),
      releaseClaim: wrap((billId, claimId) => inner.releaseClaim(billId, claimId)),
    },
    online: () => online,
  };
}
