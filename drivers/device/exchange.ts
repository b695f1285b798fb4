// Ask-and-answer over a byte transport for devices that only speak when asked (ID card SAM, card
// readers, printer status): one request in flight, each with a deadline, so a card pulled mid-read
// or a dead cable becomes a typed timeout instead of a hang.

export class ExchangeTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = 'ExchangeTimeout';
  }
}

export interface Exchange<R> {
  /** Writes the request and resolves with the next answer that `accept` takes. */
  request(what: string, bytes: Uint8Array, timeoutMs: number, accept?: (answer: R) => boolean): Promise<R>;
  /** Hands a decoded answer to whoever waits; unasked answers are dropped (a late reply after a timeout). */
  answer(value: R): boolean;
  /** Fails the waiting request, e.g. when the port went away. */
  fail(error: Error): void;
}

export function createExchange<R>(write: (bytes: Uint8Array) => Promise<void>): Exchange<R> {
  let waiting: { accept: (r: R) => boolean; resolve: (r: R) => void; reject: (e: Error) => void } | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  function run(what: string, bytes: Uint8Array, timeoutMs: number, accept: (r: R) => boolean): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting = null;
        reject(new ExchangeTimeout(what, timeoutMs));
      }, timeoutMs);
      const settle = <A>(f: (a: A) => void) => (a: A) => {
        clearTimeout(timer);
        waiting = null;
        f(a);
      };
      waiting = { accept, resolve: settle(resolve), reject: settle(reject) };
      write(bytes).catch((error: unknown) => waiting?.reject(error instanceof Error ? error : new Error(String(error))));
    });
  }

  return {
    request(what, bytes, timeoutMs, accept = () => true) {
      const next = queue.then(
        () => run(what, bytes, timeoutMs, accept),
        () => run(what, bytes, timeoutMs, accept),
      );
      queue = next.catch(() => {});
      return next;
    },
    answer(value) {
      if (!waiting || !waiting.accept(value)) return false;
      waiting.resolve(value);
      return true;
    },
    fail(error) {
      waiting?.reject(error);
    },
  };
}

/** A decoder's typed complaint about bytes it could not take; never carries the bytes. */
export interface DecodeError {
  type: 'error';
  code: string;
  detail: string;
}

/** A device's pure answer decoder (card-reader/codec.ts, id-card/codec.ts): answers and DecodeErrors. */
export interface AnswerDecoder<T extends { type: string }> {
  push(chunk: Uint8Array): T[];
  reset(): void;
  pendingBytes(): number;
}

export interface DecodedExchange<A> {
  request: Exchange<A>['request'];
  /** The lifecycle's onData: bytes through the decoder, answers to whoever waits, errors to health. */
  onData(chunk: Uint8Array, at: Date): void;
  /** Drops a half-received answer (after an open, or a read that went wrong). */
  reset(): void;
  /** The port went away: drop what is buffered and fail what waits. */
  lost(): void;
}

/**
 * An exchange fed by a device's answer decoder, for devices that only speak when asked: a half
 * answer left longer than `staleFrameMs` is dropped before new bytes are read, decode errors are
 * counted in health, and an error in `failsRequest` fails the waiting request at once (a corrupt
 * answer will not be followed by a good one), not at its deadline.
 */
export function createDecodedExchange<T extends { type: string }>(opts: {
  decoder: AnswerDecoder<T>;
  write: (bytes: Uint8Array) => Promise<void>;
  staleFrameMs: number;
  failsRequest: ReadonlyArray<Extract<T, DecodeError>['code']>;
  recordError: (message: string) => void;
}): DecodedExchange<Exclude<T, DecodeError>> {
  type Answer = Exclude<T, DecodeError>;
  const { decoder } = opts;
  const exchange = createExchange<Answer>(opts.write);
  const isError = (event: T): event is Extract<T, DecodeError> => event.type === 'error';
  let lastByteAt = 0;
  return {
    request: exchange.request,
    onData(chunk, at) {
      if (decoder.pendingBytes() > 0 && at.getTime() - lastByteAt > opts.staleFrameMs) decoder.reset();
      lastByteAt = at.getTime();
      for (const event of decoder.push(chunk)) {
        if (!isError(event)) {
          exchange.answer(event as Answer);
          continue;
        }
        opts.recordError(`${event.code}: ${event.detail}`);
        if (opts.failsRequest.includes(event.code)) exchange.fail(new Error(event.code));
      }
    },
    reset: decoder.reset,
    lost() {
      decoder.reset();
      exchange.fail(new Error('device closed'));
    },
  };
}
