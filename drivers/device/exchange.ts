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
