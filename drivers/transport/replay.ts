// A transport that plays a recorded device (fixtures/devices/) with its timing: tests, demos and
// hospital IT run a device without the device. Template chunks are resolved at play time.
import type { ByteTransport, RecordedChunk, TemplateResolver } from './types';
import { chunkBytes, delay, inboundChunks, plugSessions } from './recording';
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
  // A recording with unplug events is several plug-ins: each open() plays the next one.
  const sessions = plugSessions(inboundChunks(opts.chunks));
  let nextSession = 0;
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
    const current = sessions[nextSession] ?? sessions[0]!;
    // After an unplug the next open goes on from there; otherwise it plays from the top.
    nextSession = current.endsUnplugged ? nextSession + 1 : 0;
    let previous = current.startMs;
    for (const chunk of current.chunks) {
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
    if (signal.aborted) return;
    if (current.endsUnplugged) end(new Error('device unplugged (recorded)'));
    else if (opts.atEnd === 'unplug') end(new Error('replay ended: device unplugged'));
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
      if (session) nextSession = 0;
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
