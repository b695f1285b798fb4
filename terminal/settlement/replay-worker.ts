// The replay worker: finishes every visit that has a queued call — after a crash, an outage, or a
// lost answer — in order within a visit, a bounded number of visits at a time. While the platform
// is unreachable it only probes (9001 sign-in); when a probe is answered it drains the queue, and
// anything that wants to capture a new payment offline waits until the queue is empty, so a
// reconnect can never race a backlog into a double charge. It also tells the HIS about visits
// settled here (offline captures, confirms that met an outage) or whose notice did not get through,
// so no bill stays open in the HIS for a second payment; that needs only the HIS, not the platform.
import type { SettlementEngine } from './engine';

export interface ReplayWorkerOptions {
  engine: SettlementEngine;
  online: () => boolean;
  /** Asks the platform whether it is there; true when it answered at all. */
  probe: () => Promise<boolean>;
  intervalMs?: number;
  /** How many visits replay at once: enough to overlap round trips, few enough to be kind to the platform. */
  concurrency?: number;
  onState?: (state: ReplayState) => void;
}

export interface ReplayState {
  queuedVisits: number;
  draining: boolean;
  lastRunAt: string | null;
  lastProbeOk: boolean | null;
}

export type ReplayWorker = ReturnType<typeof createReplayWorker>;

export function createReplayWorker(options: ReplayWorkerOptions) {
  const intervalMs = options.intervalMs ?? 2_000;
  const concurrency = options.concurrency ?? 4;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  let state: ReplayState = { queuedVisits: 0, draining: false, lastRunAt: null, lastProbeOk: null };
  let drainWaiters: Array<() => void> = [];
  /** Told when a drain run ends, whether the queue emptied or the platform went away again. */
  let runEndWaiters: Array<() => void> = [];

  function publish(next: Partial<ReplayState>): void {
    const merged = { ...state, ...next };
    const changed = (Object.keys(merged) as Array<keyof ReplayState>).some((k) => k !== 'lastRunAt' && merged[k] !== state[k]);
    state = merged;
    if (changed) options.onState?.(state);
  }

  /** One visit at a time: notices are small, and a HIS that is down fails each quickly (its deadline). */
  async function notifyHis(force: boolean): Promise<void> {
    for (const id of options.engine.hisNoticesDue(force)) {
      await options.engine.notifyHis(id, { respectBackoff: !force }).catch(() => undefined);
    }
  }

  async function runOnce(force: boolean): Promise<void> {
    // A journal that could not write an answer: nothing moves until a write works again; then the
    // calls left in flight are resolved by query as their visits are pumped below.
    if (!options.engine.probeJournal()) return;
    await notifyHis(force);
    await options.engine.expireUnknowns();
    // A visit nobody confirmed is cancelled after its timeout; its undo calls are drained below.
    await options.engine.expireUnconfirmed();
    let visits = options.engine.visitsWithQueuedCalls();
    publish({ queuedVisits: visits.length, lastRunAt: new Date().toISOString() });
    if (visits.length === 0) {
      settleDrained();
      return;
    }
    if (!options.online()) {
      const ok = await options.probe().catch(() => false);
      publish({ lastProbeOk: ok });
      if (!ok) return;
    }
    publish({ draining: true });
    // A bounded pool over the visits; each visit's calls go in order inside its pump.
    const queue = [...visits];
    const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        await options.engine.pump(id, { respectBackoff: !force, inlineRetries: 0 }).catch(() => undefined);
        if (!options.online()) return;
      }
    });
    try {
      await Promise.all(workers);
      await notifyHis(force);
    } finally {
      visits = options.engine.visitsWithQueuedCalls();
      publish({ queuedVisits: visits.length });
      if (visits.length === 0) settleDrained();
      // A run that left visits queued (the platform went away again) is not draining any more:
      // an offline capture must not wait on a flag nothing will clear.
      else publish({ draining: false });
      const waiters = runEndWaiters;
      runEndWaiters = [];
      for (const w of waiters) w();
    }
  }

  function settleDrained(): void {
    publish({ draining: false });
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const w of waiters) w();
  }

  function run(force: boolean): Promise<void> {
    if (!running) {
      running = runOnce(force).finally(() => {
        running = null;
      });
    }
    return running;
  }

  /** A pass that throws (a journal write refused, say) is logged with its cause and the next one still comes: an unhandled rejection would end the process. */
  function runScheduled(): void {
    run(false)
      .catch((err: unknown) => console.error(`replay worker: pass failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`))
      .finally(schedule);
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(runScheduled, intervalMs);
    timer.unref?.();
  }

  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      runScheduled();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    /** Staff: forward everything now, ignoring each call's backoff. */
    forceNow(): Promise<void> {
      return (running ?? Promise.resolve()).then(() => run(true));
    },
    /** Resolves when no visit has a queued call (or at the deadline, with false). */
    waitForDrain(timeoutMs: number): Promise<boolean> {
      if (options.engine.visitsWithQueuedCalls().length === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          drainWaiters = drainWaiters.filter((w) => w !== done);
          resolve(false);
        }, timeoutMs);
        const done = () => {
          clearTimeout(t);
          resolve(true);
        };
        drainWaiters.push(done);
      });
    },
    /**
     * For an offline capture: true at once when no drain is running (the platform is away, so
     * nothing is replaying and nothing can race), true when a running drain ends within the time,
     * false when it does not: the capture must then be refused, not slipped in beside the drain.
     */
    waitForRunningDrain(timeoutMs: number): Promise<boolean> {
      if (!state.draining) return Promise.resolve(true);
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          runEndWaiters = runEndWaiters.filter((w) => w !== done);
          resolve(false);
        }, timeoutMs);
        const done = () => {
          clearTimeout(t);
          resolve(true);
        };
        runEndWaiters.push(done);
      });
    },
    state: (): ReplayState => state,
  };
}
