// A transport that plays a recorded device (fixtures/devices/) with its timing: tests, demos and
// hospital IT run a device without the device. Template chunks are resolved at play time.
import type { ByteTransport, RecordedChunk, TemplateResolver } from './types';
import { chunkBytes, delay, inboundChunks } from './recording';
import { createListeners } from './listeners';

export { readRecording, parseRecording } from './recording';

export interface ReplayTransport extends ByteTransport {
  /** Resolves when the current open()'s playback has played its last chunk (or was closed). */
  finished(): Promise<void>;
  /** What the host wrote, for tests of devices that are asked before they answer. */
  readonly written: Uint8Array[];
}

export function createReplayTransport(opts: {
  chunks: RecordedChunk[];
  /** 2 plays twice as fast; Infinity plays without waiting. */
  speed?: number;
  resolve?: TemplateResolver;
  /** What happens after the last chunk: stay open like an idle scanner, or act like a pulled cable. */
  atEnd?: 'stay-open' | 'unplug';
  description?: string;
}): ReplayTransport {
  const speed = opts.speed ?? 1;
  if (!(speed > 0)) throw new Error('speed must be > 0');
  const chunks = inboundChunks(opts.chunks);
  const data = createListeners<Uint8Array>();
  const closed = createListeners<Error | null>();
  const written: Uint8Array[] = [];
  let session: AbortController | null = null;
  let playing: Promise<void> = Promise.resolve();

  function end(reason: Error | null): void {
    if (!session) return;
    session.abort();
    session = null;
    closed.emit(reason);
  }

  async function play(signal: AbortSignal): Promise<void> {
    let previous = 0;
    for (const chunk of chunks) {
      await delay((chunk.t_ms - previous) / speed, signal);
      previous = chunk.t_ms;
      if (signal.aborted) return;
      let bytes: Uint8Array;
      try {
        bytes = await chunkBytes(chunk, opts.resolve);
      } catch (error) {
        // A resolver that fails is a device that stopped talking: say so the way a real port would.
        if (!signal.aborted) end(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (signal.aborted) return;
      data.emit(bytes);
    }
    if (opts.atEnd === 'unplug' && !signal.aborted) end(new Error('replay ended: device unplugged'));
  }

  return {
    description: opts.description ?? 'replay',
    written,
    async open() {
      if (session) throw new Error('replay transport already open');
      const controller = new AbortController();
      session = controller;
      // Bytes start after open() returns, as on a real port where the listener is already attached.
      playing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => play(controller.signal));
    },
    async close() {
      end(null);
      await playing;
    },
    async write(bytes) {
      if (!session) throw new Error('replay transport not open');
      written.push(Uint8Array.from(bytes));
    },
    onData: data.add,
    onClose: closed.add,
    finished: () => playing,
  };
}
