// A status poll for devices that only speak when asked (card readers): one poll at a time, the next
// one `everyMs` after the last finished, so a slow answer never stacks polls behind it.

export interface Poller {
  /** Polls at once, then every `everyMs` after each poll finishes. */
  start(): void;
  stop(): void;
  /** False once stopped: a poll that fails because the port went away is not an error to report. */
  active(): boolean;
}

export function createPoller(everyMs: number, pollOnce: () => Promise<void>): Poller {
  let timer: NodeJS.Timeout | null = null;
  let polling = false;

  function schedule(ms: number): void {
    if (!polling || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void pollOnce().finally(() => schedule(everyMs));
    }, ms);
  }

  return {
    start() {
      polling = true;
      schedule(0);
    },
    stop() {
      polling = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    active: () => polling,
  };
}
