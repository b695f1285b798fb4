// The QR scanner as the terminal sees it: scan events and health over any ByteTransport. Lifecycle,
// health and reconnect are the shared ones (device/lifecycle.ts): a missing or unplugged scanner is
// reported and retried in the background; it never blocks the terminal.
import type { DeviceHealth } from '../../terminal/common/vocabulary';
import type { ByteTransport } from '../transport/types';
import type { BackoffOptions } from '../transport/backoff';
import { createListeners } from '../transport/listeners';
import { createDeviceLifecycle } from '../device/lifecycle';
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
  const staleFrameMs = opts.staleFrameMs ?? 1000;
  const codec = createQrScannerCodec({ suffix: opts.suffix, maxLength: opts.maxLength, classify: opts.classify });
  const scans = createListeners<TimedScanEvent>();
  let lastByteAt = 0;

  // lastError names what went wrong and where, never what was scanned.
  const lifecycle = createDeviceLifecycle({
    id: opts.id,
    kind: 'qr-scanner',
    transport: opts.transport,
    reconnect: opts.reconnect,
    now: opts.now,
    onData(chunk, at) {
      if (codec.pendingBytes() > 0 && at.getTime() - lastByteAt > staleFrameMs) {
        const pending = codec.pendingBytes();
        codec.reset();
        lifecycle.recordError(`incomplete-frame: ${pending} bytes without a suffix`);
      }
      lastByteAt = at.getTime();
      for (const event of codec.push(chunk)) {
        if (event.type === 'scan') scans.emit({ ...event, at: at.toISOString() });
        else lifecycle.recordError(`${event.code}: ${event.detail}`);
      }
    },
    onOpen: () => codec.reset(),
    onLost: () => codec.reset(),
  });

  return {
    id: opts.id,
    start: lifecycle.start,
    stop: lifecycle.stop,
    onScan: scans.add,
    health: lifecycle.health,
    onHealth: lifecycle.onHealth,
  };
}
