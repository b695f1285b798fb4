// Keeps "platform online/offline" true while nobody is paying. Reachability learns only from
// answers, and the replay worker probes only while visits wait; an idle kiosk would otherwise show
// 在线 for an outage until the next patient scans into it (issue 14, item 7). One probe per interval,
// and none while real calls answer: any outcome is as good as a probe.
export interface PlatformWatch {
  stop(): Promise<void>;
}

export function watchPlatform(options: {
  /** The platform asked whether it is there; its outcome reaches reachability by the client wrapper. */
  probe: () => Promise<unknown>;
  /** performance.now() of the last outcome of any call, probe or not. */
  lastOutcomeAt: () => number | null;
  intervalMs: number;
  onError: (err: unknown) => void;
}): PlatformWatch {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const sinceLast = () => {
    const last = options.lastOutcomeAt();
    return last === null ? Infinity : performance.now() - last;
  };
  const tick = () => {
    if (sinceLast() < options.intervalMs) return schedule();
    running = options
      .probe()
      .then(
        () => undefined,
        (err: unknown) => options.onError(err),
      )
      .finally(() => {
        running = null;
        schedule();
      });
  };
  const schedule = () => {
    if (stopped) return;
    // Next when the last answer gets as old as the interval, so an outage shows within one interval.
    timer = setTimeout(tick, Math.max(50, options.intervalMs - Math.min(sinceLast(), options.intervalMs)));
    timer.unref?.();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
