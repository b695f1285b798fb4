// The receipt printer as the terminal sees it: print() checks paper and cover first (a slip that
// cannot come out must not be reported as printed), sends the receipt, and checks again after.
// Between prints it polls the status, so staff see an empty roll or an open cover on the admin
// screen before a patient is left without a slip.
import type { DeviceHealth } from '../../terminal/common/vocabulary';
import type { ByteTransport } from '../transport/types';
import type { BackoffOptions } from '../transport/backoff';
import { createDeviceLifecycle, describeError } from '../device/lifecycle';
import { createListeners } from '../transport/listeners';
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
  /** Status poll while idle; 0 turns it off. */
  pollMs?: number;
  reconnect?: BackoffOptions;
  now?: () => Date;
}): ReceiptPrinter {
  const statusTimeoutMs = opts.statusTimeoutMs ?? 1000;
  const printTimeoutMs = opts.printTimeoutMs ?? 10_000;
  const pollMs = opts.pollMs ?? 5000;
  const exchange = createExchange<number>((bytes) => opts.transport.write(bytes));
  // Paper and cover as last read. The port can be fine while the printer cannot print, so this is
  // laid over the lifecycle's connection state in health rather than being a connection error.
  let condition: 'paper-out' | 'cover-open' | null = null;
  let printing = false;
  let pollTimer: NodeJS.Timeout | null = null;
  const healthListeners = createListeners<DeviceHealth>();
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
      schedulePoll();
    },
    onLost() {
      if (pollTimer) clearTimeout(pollTimer);
      pollTimer = null;
      exchange.fail(new Error('device closed'));
    },
  });

  function health(): DeviceHealth {
    const h = lifecycle.health();
    if (!condition || h.state !== 'ready') return h;
    return { ...h, state: 'error', lastError: condition === 'paper-out' ? 'paper-out: printer out of paper' : 'cover-open: printer cover open' };
  }
  lifecycle.onHealth(() => healthListeners.emit(health()));

  function setCondition(next: typeof condition): void {
    if (next === condition) return;
    condition = next;
    healthListeners.emit(health());
  }

  async function readStatus(timeoutMs: number): Promise<PrinterStatus> {
    const offline = await exchange.request('DLE EOT 2', statusRequest(2), timeoutMs);
    const paper = await exchange.request('DLE EOT 4', statusRequest(4), timeoutMs);
    const status = parseStatus(offline, paper);
    setCondition(status.coverOpen ? 'cover-open' : status.paperOut ? 'paper-out' : null);
    return status;
  }

  function schedulePoll(): void {
    if (pollMs <= 0 || pollTimer) return;
    pollTimer = setTimeout(() => {
      pollTimer = null;
      if (!lifecycle.isReady()) return;
      // A print reads the status itself; a poll in the middle would only queue behind its slip.
      const poll = printing ? Promise.resolve() : readStatus(statusTimeoutMs).then(() => undefined);
      poll.catch((error: unknown) => lifecycle.recordError(`no-answer: ${describeError(error)}`)).finally(() => {
        if (lifecycle.isReady()) schedulePoll();
      });
    }, pollMs);
    pollTimer.unref();
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
      printing = true;
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
      } finally {
        printing = false;
      }
    },
    health,
    onHealth: healthListeners.add,
  };
}
