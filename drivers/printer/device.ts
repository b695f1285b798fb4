// The receipt printer as the terminal sees it: print() checks paper and cover first (a slip that
// cannot come out must not be reported as printed), sends the receipt, and checks again after.
import type { DeviceHealth } from '../../terminal/api/schema';
import type { ByteTransport } from '../transport/types';
import type { BackoffOptions } from '../transport/backoff';
import { createDeviceLifecycle, describeError } from '../device/lifecycle';
import { createExchange } from '../device/exchange';
import { encodeReceipt, isStatusByte, parseStatus, statusRequest, type PrintItem, type PrinterStatus } from './escpos';

export type PrintResult =
  | { ok: true; status: PrinterStatus }
  | { ok: false; reason: 'paper-out' | 'cover-open' | 'not-ready' | 'no-answer'; detail: string };

export interface ReceiptPrinter {
  readonly id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): Promise<PrinterStatus>;
  print(items: PrintItem[]): Promise<PrintResult>;
  health(): DeviceHealth;
  onHealth(listener: (health: DeviceHealth) => void): () => void;
}

export function createReceiptPrinter(opts: {
  id: string;
  transport: ByteTransport;
  statusTimeoutMs?: number;
  /** A printer answers DLE EOT only after earlier bytes are processed: allow for a long slip. */
  printTimeoutMs?: number;
  reconnect?: BackoffOptions;
  now?: () => Date;
}): ReceiptPrinter {
  const statusTimeoutMs = opts.statusTimeoutMs ?? 1000;
  const printTimeoutMs = opts.printTimeoutMs ?? 10_000;
  const exchange = createExchange<number>((bytes) => opts.transport.write(bytes));
  const lifecycle = createDeviceLifecycle({
    id: opts.id,
    kind: 'printer',
    transport: opts.transport,
    reconnect: opts.reconnect,
    now: opts.now,
    onData(chunk) {
      for (const byte of chunk) {
        if (isStatusByte(byte)) exchange.answer(byte);
        else lifecycle.recordError(`not-a-status: byte 0x${byte.toString(16)}`);
      }
    },
    async onOpen() {
      await readStatus(statusTimeoutMs);
    },
    onLost() {
      exchange.fail(new Error('device closed'));
    },
  });

  async function readStatus(timeoutMs: number): Promise<PrinterStatus> {
    const offline = await exchange.request('DLE EOT 2', statusRequest(2), timeoutMs);
    const paper = await exchange.request('DLE EOT 4', statusRequest(4), timeoutMs);
    return parseStatus(offline, paper);
  }

  function refusal(status: PrinterStatus): PrintResult | null {
    if (status.coverOpen) return { ok: false, reason: 'cover-open', detail: 'printer cover open' };
    if (status.paperOut) return { ok: false, reason: 'paper-out', detail: 'printer out of paper' };
    return null;
  }

  return {
    id: opts.id,
    start: lifecycle.start,
    stop: lifecycle.stop,
    status: () => readStatus(statusTimeoutMs),
    async print(items) {
      if (!lifecycle.isReady()) return { ok: false, reason: 'not-ready', detail: 'printer not connected' };
      try {
        const before = refusal(await readStatus(statusTimeoutMs));
        if (before) {
          lifecycle.recordError(`${before.ok ? '' : before.reason}: before printing`);
          return before;
        }
        await opts.transport.write(encodeReceipt(items));
        const after = await readStatus(printTimeoutMs);
        const refused = refusal(after);
        if (refused) {
          lifecycle.recordError(`${refused.ok ? '' : refused.reason}: during printing`);
          return refused;
        }
        return { ok: true, status: after };
      } catch (error) {
        lifecycle.recordError(`no-answer: ${describeError(error)}`);
        return { ok: false, reason: 'no-answer', detail: describeError(error) };
      }
    },
    health: lifecycle.health,
    onHealth: lifecycle.onHealth,
  };
}
