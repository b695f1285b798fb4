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

/**
 * A device's health as the admin screen sees it: state, last data, error count and the last error.
 * Every device keeps it the same way (the byte devices through createDeviceLifecycle, the vendor
 * library and the camera, which have no byte transport, directly).
 */
export interface HealthBook {
  health(): DeviceHealth;
  onHealth(listener: (health: DeviceHealth) => void): () => void;
  state(): DeviceHealth['state'];
  /** Moves to `next`, told to listeners only when it changed. */
  setState(next: DeviceHealth['state']): void;
  /** Counts an error (bounded text: it travels on every status event), moving to `next` if given; always told. */
  recordError(message: string, next?: DeviceHealth['state']): void;
  dataAt(at: Date): void;
}

export function createHealthBook(id: string, kind: DeviceHealth['kind']): HealthBook {
  const listeners = createListeners<DeviceHealth>();
  let state: DeviceHealth['state'] = 'closed';
  let lastDataAt: Date | null = null;
  let errorCount = 0;
  let lastError: string | null = null;
  const health = (): DeviceHealth => ({ id, kind, state, lastDataAt: lastDataAt ? lastDataAt.toISOString() : null, errorCount, lastError });
  return {
    health,
    onHealth: listeners.add,
    state: () => state,
    setState(next) {
      if (state === next) return;
      state = next;
      listeners.emit(health());
    },
    recordError(message, next) {
      errorCount++;
      lastError = bounded(message);
      if (next) state = next;
      listeners.emit(health());
    },
    dataAt(at) {
      lastDataAt = at;
    },
  };
}

export function createDeviceLifecycle(opts: LifecycleOptions): DeviceLifecycle {
  const now = opts.now ?? (() => new Date());
  const book = createHealthBook(opts.id, opts.kind);
  const { setState, recordError } = book;
  const transport = opts.transport;
  let running = false;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let unsubscribe: Array<() => void> = [];

  function onData(chunk: Uint8Array): void {
    const at = now();
    book.dataAt(at);
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
    if (book.state() !== 'error') setState('connecting');
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
    health: book.health,
    onHealth: book.onHealth,
    recordError: (message) => recordError(message),
    isReady: () => book.state() === 'ready',
  };
}

export function describeError(error: unknown): string {
  return bounded(error instanceof Error ? error.message : String(error));
}

// Bounded: health travels to the admin screen on every status event.
function bounded(message: string): string {
  return message.length > 200 ? `${message.slice(0, 200)}...` : message;
}
