// The social security card reader as the terminal sees it: polls card status, emits card-inserted /
// card-removed, reads the card's public fields once a card is in, and asks the PIN pad on request.
// The frame format is pluggable (`frame`) because reader vendors differ in framing, not in meaning.
import type { DeviceHealth } from '../../terminal/common/vocabulary';
import type { ByteTransport } from '../transport/types';
import type { BackoffOptions } from '../transport/backoff';
import type { FrameSpec } from '../framing/length-framed';
import { createListeners } from '../transport/listeners';
import { createDeviceLifecycle, describeError } from '../device/lifecycle';
import { createDecodedExchange, ExchangeTimeout } from '../device/exchange';
import { createPoller } from '../device/poll';
import {
  READER_FRAME,
  ReaderCommand,
  ReaderStatus,
  createReaderAnswerDecoder,
  encodeReaderCommand,
  parseCardBaseInfo,
  type ReaderAnswer,
  type ReaderCommandName,
  type SocialSecurityCard,
} from './codec';

export type CardReaderEvent =
  | { type: 'card-inserted'; at: string }
  | { type: 'card-removed'; at: string }
  | { type: 'card'; card: SocialSecurityCard; at: string }
  | { type: 'read-error'; code: 'card-removed' | 'bad-data' | 'timeout'; detail: string; at: string };

/** The PIN never reaches health or logs; the caller hands it to the platform and forgets it. */
export type PinResult = { type: 'pin'; pin: string } | { type: 'cancelled' } | { type: 'timeout' } | { type: 'unavailable'; detail: string };

export interface CardReader {
  readonly id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  onEvent(listener: (event: CardReaderEvent) => void): () => void;
  readPin(timeoutS?: number): Promise<PinResult>;
  health(): DeviceHealth;
  onHealth(listener: (health: DeviceHealth) => void): () => void;
}

export interface CardReaderOptions {
  id: string;
  transport: ByteTransport;
  frame?: FrameSpec;
  pollMs?: number;
  commandTimeoutMs?: number;
  readTimeoutMs?: number;
  staleFrameMs?: number;
  reconnect?: BackoffOptions;
  now?: () => Date;
}

export function createCardReader(opts: CardReaderOptions): CardReader {
  const frame = opts.frame ?? READER_FRAME;
  const pollMs = opts.pollMs ?? 300;
  const commandTimeoutMs = opts.commandTimeoutMs ?? 500;
  const readTimeoutMs = opts.readTimeoutMs ?? 2000;
  const staleFrameMs = opts.staleFrameMs ?? 500;
  const now = opts.now ?? (() => new Date());
  const events = createListeners<CardReaderEvent>();
  const answers = createDecodedExchange({
    decoder: createReaderAnswerDecoder(frame),
    write: (bytes) => opts.transport.write(bytes),
    staleFrameMs,
    failsRequest: ['bad-checksum', 'bad-trailer'],
    recordError: (message) => lifecycle.recordError(message),
  });
  const poller = createPoller(pollMs, () => pollOnce());
  let cardIn = false;

  const ask = (name: ReaderCommandName, timeoutMs: number, data?: Uint8Array) =>
    answers.request(name, encodeReaderCommand(name, data, frame), timeoutMs, (a) => a.command === ReaderCommand[name]);

  const lifecycle = createDeviceLifecycle({
    id: opts.id,
    kind: 'card-reader',
    transport: opts.transport,
    reconnect: opts.reconnect,
    now,
    onData: (chunk, at) => answers.onData(chunk, at),
    async onOpen() {
      answers.reset();
      cardIn = false;
      await ask('readerInfo', commandTimeoutMs);
      poller.start();
    },
    onLost() {
      poller.stop();
      answers.lost();
    },
  });

  const stamp = () => now().toISOString();

  function readError(code: 'card-removed' | 'bad-data' | 'timeout', detail: string): void {
    lifecycle.recordError(`${code}: ${detail}`);
    events.emit({ type: 'read-error', code, detail, at: stamp() });
  }

  async function pollOnce(): Promise<void> {
    let status: ReaderAnswer;
    try {
      status = await ask('cardStatus', commandTimeoutMs);
    } catch (error) {
      if (poller.active()) lifecycle.recordError(`timeout: ${describeError(error)}`);
      return;
    }
    const present = status.status === ReaderStatus.ok && status.data[0] === 1;
    if (present === cardIn) return;
    cardIn = present;
    if (!present) {
      events.emit({ type: 'card-removed', at: stamp() });
      return;
    }
    events.emit({ type: 'card-inserted', at: stamp() });
    try {
      const read = await ask('readBaseInfo', readTimeoutMs);
      if (read.status !== ReaderStatus.ok) return readError(read.status === ReaderStatus.noCard ? 'card-removed' : 'bad-data', `read answered 0x${read.status.toString(16)}`);
      const card = parseCardBaseInfo(read.data);
      if ('type' in card) return readError('bad-data', card.detail);
      events.emit({ type: 'card', card, at: stamp() });
    } catch (error) {
      if (!poller.active()) return;
      answers.reset();
      readError(error instanceof ExchangeTimeout ? 'card-removed' : 'bad-data', `read base info: ${describeError(error)}`);
    }
  }

  return {
    id: opts.id,
    start: lifecycle.start,
    stop: lifecycle.stop,
    onEvent: events.add,
    async readPin(timeoutS = 30) {
      if (!lifecycle.isReady()) return { type: 'unavailable', detail: 'reader not ready' };
      try {
        const answer = await ask('readPin', timeoutS * 1000 + 2000, Uint8Array.of(Math.min(255, timeoutS)));
        if (answer.status === ReaderStatus.pinCancelled) return { type: 'cancelled' };
        if (answer.status === ReaderStatus.pinTimeout) return { type: 'timeout' };
        const pin = new TextDecoder().decode(answer.data);
        if (answer.status !== ReaderStatus.ok || !/^\d{4,12}$/.test(pin)) return { type: 'unavailable', detail: `PIN pad answered 0x${answer.status.toString(16)}` };
        return { type: 'pin', pin };
      } catch (error) {
        return { type: 'unavailable', detail: describeError(error) };
      }
    },
    health: lifecycle.health,
    onHealth: lifecycle.onHealth,
  };
}
