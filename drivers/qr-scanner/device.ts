// The QR scanner as the terminal sees it: scan events and health over any ByteTransport. A missing
// or unplugged scanner is reported and retried in the background; it never blocks the terminal.
import type { DeviceHealth } from '../../terminal/common/vocabulary';
import type { ByteTransport } from '../transport/types';
import { createListeners } from '../transport/listeners';
import { backoffDelay, type BackoffOptions } from '../transport/backoff';
import { createQrScannerCodec, type ScanEvent, type ScanKind, type ScanSuffix } from './codec';

export type TimedScanEvent = ScanEvent & { at: string };

export interface QrScannerDevice {
  readonly id: string;
  /** Resolves after the first open attempt, whether or not it worked; retries go on behind it. */
  start(): Promise<void>;
  stop(): Promise<void>;
  onScan(listener: (event: TimedScanEvent) => void): () => void;
  health(): DeviceHealth;
  /** Fires when the state, errorCount or lastError changes (not on every byte). */
  onHealth(listener: (health: DeviceHealth) => void): () => void;
}

export interface QrScannerOptions {
  id: string;
  transport: ByteTransport;
  suffix: ScanSuffix;
  classify?: (text: string) => ScanKind;
  now?: () => Date;
  maxLength?: number;
  reconnect?: BackoffOptions;
  /**
   * A scanner sends a frame in one burst; bytes left waiting longer than this are a cut-off frame
   * (cable wiggled, scanner reset) and must not glue onto the next code.
   */
  staleFrameMs?: number;
}

export function createQrScanner(opts: QrScannerOptions): QrScannerDevice {
  const now = opts.now ?? (() => new Date());
  const staleFrameMs = opts.staleFrameMs ?? 1000;
  const codec = createQrScannerCodec({ suffix: opts.suffix, maxLength: opts.maxLength, classify: opts.classify });
  const scans = createListeners<TimedScanEvent>();
  const healthListeners = createListeners<DeviceHealth>();
  const transport = opts.transport;

  let state: DeviceHealth['state'] = 'closed';
  let lastDataAt: Date | null = null;
  let errorCount = 0;
  let lastError: string | null = null;
  let running = false;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let unsubscribe: Array<() => void> = [];

  function health(): DeviceHealth {
    return {
      id: opts.id,
      kind: 'qr-scanner',
      state,
      lastDataAt: lastDataAt ? lastDataAt.toISOString() : null,
      errorCount,
      lastError,
    };
  }

  function setState(next: DeviceHealth['state']): void {
    if (state === next) return;
    state = next;
    healthListeners.emit(health());
  }

  // lastError names what went wrong and where, never what was scanned.
  function recordError(message: string, next?: DeviceHealth['state']): void {
    errorCount++;
    lastError = message;
    if (next) state = next;
    healthListeners.emit(health());
  }

  function onData(chunk: Uint8Array): void {
    const at = now();
    if (lastDataAt && codec.pendingBytes() > 0 && at.getTime() - lastDataAt.getTime() > staleFrameMs) {
      const pending = codec.pendingBytes();
      codec.reset();
      recordError(`incomplete-frame: ${pending} bytes without a suffix`);
    }
    lastDataAt = at;
    for (const event of codec.push(chunk)) {
      if (event.type === 'scan') scans.emit({ ...event, at: at.toISOString() });
      else recordError(`${event.code}: ${event.detail}`);
    }
  }

  function onClose(reason: Error | null): void {
    if (!running || reason === null) return;
    codec.reset();
    recordError(`disconnected: ${describeError(reason)}`, 'error');
    scheduleRetry();
  }

  function scheduleRetry(): void {
    if (!running || retryTimer) return;
    const wait = backoffDelay(attempt++, opts.reconnect);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, wait);
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
    attempt = 0;
    codec.reset();
    setState('ready');
  }

  return {
    id: opts.id,
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
      await transport.close().catch(() => {});
      codec.reset();
      setState('closed');
    },
    onScan: scans.add,
    health,
    onHealth: healthListeners.add,
  };
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Bounded: health travels to the admin screen on every status event.
  return message.length > 200 ? `${message.slice(0, 200)}...` : message;
}
