// The lifecycle every device shares (open, ready, data, error, close, reconnect with backoff) and its
// health, so each device module only says what its bytes mean. A missing or unplugged device is
// reported and retried in the background; it never blocks the terminal or the other devices.
import type { DeviceHealth } from '../../terminal/common/vocabulary';
import type { ByteTransport } from '../transport/types';
import { createListeners } from '../transport/listeners';
import { backoffDelay, type BackoffOptions } from '../transport/backoff';

export interface DeviceLifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): DeviceHealth;
  onHealth(listener: (health: DeviceHealth) => void): () => void;
  /** Counts an error; details name what and where, never patient data. */
  recordError(message: string): void;
  isReady(): boolean;
}

export interface LifecycleOptions {
  id: string;
  kind: DeviceHealth['kind'];
  transport: ByteTransport;
  reconnect?: BackoffOptions;
  now?: () => Date;
  onData(chunk: Uint8Array, at: Date): void;
  /** After each successful open: reset codecs, start polling. A throw counts as a failed open. */
  onOpen?(): Promise<void> | void;
  /** After the port is gone (pulled or stopped): stop polling, fail what waits. */
  onLost?(): void;
}

export function createDeviceLifecycle(opts: LifecycleOptions): DeviceLifecycle {
  const now = opts.now ?? (() => new Date());
  const listeners = createListeners<DeviceHealth>();
  const transport = opts.transport;
  let state: DeviceHealth['state'] = 'closed';
  let lastDataAt: Date | null = null;
  let errorCount = 0;
  let lastError: string | null = null;
  let running = false;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let unsubscribe: Array<() => void> = [];

  const health = (): DeviceHealth => ({
    id: opts.id,
    kind: opts.kind,
    state,
    lastDataAt: lastDataAt ? lastDataAt.toISOString() : null,
    errorCount,
    lastError,
  });

  function setState(next: DeviceHealth['state']): void {
    if (state === next) return;
    state = next;
    listeners.emit(health());
  }

  function recordError(message: string, next?: DeviceHealth['state']): void {
    errorCount++;
    lastError = bounded(message);
    if (next) state = next;
    listeners.emit(health());
  }

  function onData(chunk: Uint8Array): void {
    const at = now();
    lastDataAt = at;
    opts.onData(chunk, at);
  }

  function onClose(reason: Error | null): void {
    if (!running || reason === null) return;
    opts.onLost?.();
    recordError(`disconnected: ${describeError(reason)}`, 'error');
    scheduleRetry();
  }

  function scheduleRetry(): void {
    if (!running || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, backoffDelay(attempt++, opts.reconnect));
  }

  async function connect(): Promise<void> {
    if (!running) return;
    if (state !== 'error') setState('connecting');
    try {
      await transport.open();
    } catch (error) {
      if (!running) return;
      recordError(`open failed on ${transport.description}: ${describeError(error)}`, 'error');
      scheduleRetry();
      return;
    }
    if (!running) {
      await transport.close().catch(() => {});
      return;
    }
    try {
      await opts.onOpen?.();
    } catch (error) {
      if (!running) return;
      opts.onLost?.();
      recordError(`not answering on ${transport.description}: ${describeError(error)}`, 'error');
      await transport.close().catch(() => {});
      scheduleRetry();
      return;
    }
    attempt = 0;
    setState('ready');
  }

  return {
    async start() {
      if (running) return;
      running = true;
      unsubscribe = [transport.onData(onData), transport.onClose(onClose)];
      await connect();
    },
    async stop() {
      if (!running) return;
      running = false;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      for (const off of unsubscribe) off();
      unsubscribe = [];
      opts.onLost?.();
      await transport.close().catch(() => {});
      setState('closed');
    },
    health,
    onHealth: listeners.add,
    recordError: (message) => recordError(message),
    isReady: () => state === 'ready',
  };
}

export function describeError(error: unknown): string {
  return bounded(error instanceof Error ? error.message : String(error));
}

// Bounded: health travels to the admin screen on every status event.
function bounded(message: string): string {
  return message.length > 200 ? `${message.slice(0, 200)}...` : message;
}
