// 医保支付找人, pushed: when a doctor's in-room request starts on this device, its pay link is posted
// to the hospital's messaging endpoint (inRoom.payLinkPush.url), which knows the patient from the
// bill and sends the link to their phone (a WeChat service account, SMS). The body is the bill, the
// money, who asked and the link: never a name or an ID number (the terminal has none yet anyway).
// A refused push (4xx) is not retried; no answer or a 5xx/429 is, with backoff, up to `attempts`.
import type { SessionView } from '../api/schema';
import { reportError } from '../common/report-error';

export interface PayLinkPushBody {
  requestId: string;
  billId: string;
  totalFen: number;
  deptName: string;
  requester: string;
  payLink: string;
}

export class PayLinkPushError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PayLinkPushError';
  }
}

export function createPayLinkPush(opts: {
  url: string;
  timeoutMs: number;
  attempts: number;
  /** The first retry's wait; doubled each time. */
  backoffMs?: number;
  fetchImpl?: typeof fetch;
  onDelivered?: (body: PayLinkPushBody) => void;
}) {
  const doFetch = opts.fetchImpl ?? fetch;
  const backoffMs = opts.backoffMs ?? 1000;
  // Requests already pushed: the session publishes many views of one request.
  const pushed = new Set<string>();
  const inFlight = new Set<Promise<void>>();

  async function deliver(body: PayLinkPushBody): Promise<void> {
    let last: unknown = null;
    for (let attempt = 1; attempt <= opts.attempts; attempt++) {
      try {
        const res = await doFetch(opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        await res.arrayBuffer().catch(reportError('inRoom.payLinkPush.body'));
        if (res.ok) {
          opts.onDelivered?.(body);
          return;
        }
        last = new PayLinkPushError(`messaging endpoint answered ${res.status}`);
        // The endpoint refused this push as it is: sending it again would be refused again.
        if (res.status >= 400 && res.status < 500 && res.status !== 429) break;
      } catch (error) {
        last = error;
      }
      if (attempt < opts.attempts) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
    }
    throw new PayLinkPushError(`pay link of request ${body.requestId} not pushed`, { cause: last });
  }

  return {
    sessionChanged(session: SessionView): void {
      const d = session.directed;
      if (!d || d.origin !== 'in-room' || !d.requestId || !d.payLink || pushed.has(d.requestId)) return;
      pushed.add(d.requestId);
      // Bounded: request ids are random, a long-running kiosk must not keep every one.
      if (pushed.size > 1000) pushed.delete(pushed.values().next().value!);
      const run = deliver({ requestId: d.requestId, billId: d.billId, totalFen: d.totalFen, deptName: d.deptName, requester: d.requester, payLink: d.payLink })
        .catch(reportError('inRoom.payLinkPush'))
        .finally(() => inFlight.delete(run));
      inFlight.add(run);
    },
    /** Waits for pushes under way (close). */
    async settled(): Promise<void> {
      await Promise.all([...inFlight]);
    },
  };
}
