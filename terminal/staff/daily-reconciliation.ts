// Reconciles each day once, after the configured local time (the platform's books close at night),
// and again on the next start if the terminal was off then. A run that could not reach the platform
// is retried on the next check; the admin screen shows the result either way.
import type { Reconciliation } from '../api/schema';
import { localDate } from '../settlement/reconcile';

const CHECK_EVERY_MS = 60_000;

/** Due when it is past `at` (HH:MM, local) today and today has no reconciliation that reached the platform. */
export function reconciliationDue(now: Date, at: string, last: Pick<Reconciliation, 'date' | 'error'> | null): boolean {
  const [h, m] = at.split(':').map(Number) as [number, number];
  const past = now.getHours() * 60 + now.getMinutes() >= h * 60 + m;
  return past && !(last && last.date === localDate(now) && last.error === null);
}

export function scheduleDailyReconciliation(opts: {
  at: string;
  now: () => Date;
  last: () => Reconciliation | null;
  run: (date: string) => Promise<unknown>;
}): { stop(): void } {
  let running = false;
  const check = () => {
    if (running || !reconciliationDue(opts.now(), opts.at, opts.last())) return;
    running = true;
    void opts
      .run(localDate(opts.now()))
      .catch(() => undefined)
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(check, CHECK_EVERY_MS);
  timer.unref?.();
  check();
  return { stop: () => clearInterval(timer) };
}
