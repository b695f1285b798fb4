// The ID card reader as the terminal sees it: it polls the SAM (find, select, read base info) and
// emits one `card` event a card put down, or a `read-error` when the card left mid-read or the data
// was bad. Lifecycle and reconnect are the shared ones; the SAM only speaks when asked.
import type { DeviceHealth } from '../../terminal/common/vocabulary';
import type { ByteTransport } from '../transport/types';
import type { BackoffOptions } from '../transport/backoff';
import { createListeners } from '../transport/listeners';
import { createDeviceLifecycle, describeError } from '../device/lifecycle';
import { createDecodedExchange, ExchangeTimeout } from '../device/exchange';
import { createPoller } from '../device/poll';
import { createSamResponseDecoder, encodeSamCommand, parseBaseInfo, SamStatus, type IdCardInfo } from './codec';

export type IdCardEvent =
  | { type: 'card'; info: IdCardInfo; at: string }
  /** Never carries card data: the card may have been someone else's half-read card. */
  | { type: 'read-error'; code: 'card-removed' | 'bad-data' | 'timeout'; detail: string; at: string };

export interface IdCardReader {
  readonly id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  onEvent(listener: (event: IdCardEvent) => void): () => void;
  health(): DeviceHealth;
  onHealth(listener: (health: DeviceHealth) => void): () => void;
}

export interface IdCardReaderOptions {
  id: string;
  transport: ByteTransport;
  /** Pause between "is a card there" polls. */
  pollMs?: number;
  /** Find and select answer in tens of ms. */
  commandTimeoutMs?: number;
  /** Reading base info over the card's RF link takes the SAM up to about a second. */
  readTimeoutMs?: number;
  /** Inter-byte silence after which a half-received answer is dropped. */
  staleFrameMs?: number;
  reconnect?: BackoffOptions;
  now?: () => Date;
}

export function createIdCardReader(opts: IdCardReaderOptions): IdCardReader {
  const pollMs = opts.pollMs ?? 300;
  const commandTimeoutMs = opts.commandTimeoutMs ?? 500;
  const readTimeoutMs = opts.readTimeoutMs ?? 3000;
  const staleFrameMs = opts.staleFrameMs ?? 500;
  const now = opts.now ?? (() => new Date());
  const events = createListeners<IdCardEvent>();
  const answers = createDecodedExchange({
    decoder: createSamResponseDecoder(),
    write: (bytes) => opts.transport.write(bytes),
    staleFrameMs,
    failsRequest: ['bad-checksum', 'bad-length'],
    recordError: (message) => lifecycle.recordError(message),
  });
  const poller = createPoller(pollMs, () => pollOnce());

  const lifecycle = createDeviceLifecycle({
    id: opts.id,
    kind: 'id-card',
    transport: opts.transport,
    reconnect: opts.reconnect,
    now,
    onData: (chunk, at) => answers.onData(chunk, at),
    async onOpen() {
      answers.reset();
      // A SAM that does not answer its status command is not there (wrong port, wrong baud rate).
      await answers.request('sam status', encodeSamCommand('samStatus'), commandTimeoutMs);
      poller.start();
    },
    onLost() {
      poller.stop();
      answers.lost();
    },
  });

  function readError(code: 'card-removed' | 'bad-data' | 'timeout', detail: string): void {
    lifecycle.recordError(`${code}: ${detail}`);
    events.emit({ type: 'read-error', code, detail, at: now().toISOString() });
  }

  async function pollOnce(): Promise<void> {
    let step = 'find card';
    try {
      const found = await answers.request(step, encodeSamCommand('findCard'), commandTimeoutMs);
      if (found.status !== SamStatus.cardFound) return;
      step = 'select card';
      const selected = await answers.request(step, encodeSamCommand('selectCard'), commandTimeoutMs);
      if (selected.status !== SamStatus.success) return readError('card-removed', `select answered 0x${hex(selected.status)}`);
      step = 'read base info';
      const read = await answers.request(step, encodeSamCommand('readBaseInfo'), readTimeoutMs);
      if (read.status !== SamStatus.success) return readError('card-removed', `read answered 0x${hex(read.status)}`);
      const info = parseBaseInfo(read.payload);
      if ('type' in info) return readError('bad-data', info.detail);
      events.emit({ type: 'card', info, at: now().toISOString() });
    } catch (error) {
      if (!poller.active()) return;
      // Half an answer then silence is the card leaving the field mid-read.
      if (step !== 'find card') readError(error instanceof ExchangeTimeout ? 'card-removed' : 'bad-data', `${step}: ${describeError(error)}`);
      else lifecycle.recordError(`timeout: ${describeError(error)}`);
      answers.reset();
    }
  }

  return {
    id: opts.id,
    start: lifecycle.start,
    stop: lifecycle.stop,
    onEvent: events.add,
    health: lifecycle.health,
    onHealth: lifecycle.onHealth,
  };
}

const hex = (n: number) => n.toString(16).padStart(2, '0');
