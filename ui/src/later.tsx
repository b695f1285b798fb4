// Parts of the kiosk the attract screen does not show (the patient's later steps, the staff
// screens, the rehearsal panel, the pay-link QR encoder) load as their own chunks, so a cold start
// evaluates only what the first screen needs. Once the attract screen is up they are fetched in
// the background (preloadLater), so a patient's first tap does not wait on the network; until a
// chunk is in, the screen asking for it suspends and the nearest <Suspense> shows its fallback.
import { lazy, type ComponentType, type JSX } from 'react';

export interface LaterComponent<P> {
  (props: P): JSX.Element;
  /** Starts the chunk's fetch (once); resolves when the component can render without suspending. */
  preload(): Promise<unknown>;
}

const everyLater: Array<LaterComponent<never>> = [];
let preloadStarted = false;

/** A component from a chunk loaded on first use or by preloadLater(), whichever comes first. */
export function later<P extends object>(load: () => Promise<ComponentType<P>>): LaterComponent<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  const preload = () =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (err: unknown) => {
        // A failed fetch is tried again at the next use rather than cached as a failure.
        loading = null;
        throw err;
      },
    ));
  const Lazy = lazy(() => preload().then((component) => ({ default: component })));
  // Once the chunk is in, render the component itself: React.lazy would still suspend for one
  // tick the first time it is rendered, flashing the fallback over an already loaded screen.
  const Later = (props: P): JSX.Element => {
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Lazy {...props} />;
  };
  const component = Object.assign(Later, { preload });
  everyLater.push(component as LaterComponent<never>);
  // Declared in a chunk that arrived by preloading (the pay-link QR in the identify screen's): fetched too.
  if (preloadStarted) setTimeout(() => void preload().catch(() => undefined), 0);
  return component;
}

/** Fetches every later chunk while the kiosk waits on the attract screen (idle time after the first paint). */
export function preloadLater(): void {
  if (preloadStarted) return;
  preloadStarted = true;
  const start = () => {
    for (const component of everyLater) component.preload().catch(() => undefined);
  };
  // A second after the first screen: its paint and the renderer's own start-up work go first, and
  // nobody taps within a second of the kiosk starting.
  setTimeout(() => (typeof requestIdleCallback === 'function' ? requestIdleCallback(start, { timeout: 2_000 }) : start()), 1_000);
}
