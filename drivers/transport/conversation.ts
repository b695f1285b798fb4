// Plays a recording of a device that only speaks when asked (ID card SAM, card readers): each
// recorded request (`out`) waits for the host to send the same frame, then the answers (`in`) that
// follow it are played with their recorded delays. Requests the recording does not expect (the
// host polling before the card is put down) get the device's idle answer. One engine for the pty
// player (a simulated reader on the device end) and the in-process replay transport.
import { SerialPort } from 'serialport';
import type { ByteTransport, RecordedChunk, TemplateResolver } from './types';
import { chunkBytes, delay } from './recording';
import { createListeners } from './listeners';

export interface RequestFramer {
  /** Whole request frames found so far, each as the bytes the player compares. */
  push(chunk: Uint8Array): Uint8Array[];
}

export interface ConversationOptions {
  chunks: RecordedChunk[];
  /** A fresh request framer (the device's own frame parser, host direction). */
  framer: () => RequestFramer;
  /**
   * The device's answer to an unexpected request, or null to stay silent. `recorded` is the last
   * recorded answer to the same request, so a device can stay as the recording left it (a card still in).
   */
  idle: (request: Uint8Array, recorded: Uint8Array | null) => Uint8Array | null;
  resolve?: TemplateResolver;
  speed?: number;
}

interface Step {
  request: Uint8Array | null;
  answers: Array<{ afterMs: number; chunk: RecordedChunk }>;
}

function steps(chunks: RecordedChunk[], framer: () => RequestFramer): Step[] {
  const out: Step[] = [];
  let current: Step = { request: null, answers: [] };
  let since = 0;
  for (const chunk of chunks) {
    if ('event' in chunk) throw new Error(`unplug events are not supported in a conversation recording (t_ms ${chunk.t_ms})`);
    if (chunk.dir === 'out') {
      if (!('hex' in chunk)) throw new Error('a recorded request must be hex');
      if (current.request || current.answers.length > 0) out.push(current);
      const frames = framer().push(Uint8Array.from(Buffer.from(chunk.hex, 'hex')));
      if (frames.length !== 1) throw new Error(`a recorded request must be one frame (t_ms ${chunk.t_ms})`);
      current = { request: frames[0]!, answers: [] };
      since = chunk.t_ms;
    } else {
      current.answers.push({ afterMs: chunk.t_ms - since, chunk });
    }
  }
  if (current.request || current.answers.length > 0) out.push(current);
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

const key = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function recordedAnswer(step: Step, resolve?: TemplateResolver): Promise<Uint8Array> {
  const parts = await Promise.all(step.answers.map((a) => chunkBytes(a.chunk, resolve)));
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** Feeds host bytes in, calls `send` with the device's answers; stop() cuts playback short. */
export function createConversationPlayer(opts: ConversationOptions, send: (bytes: Uint8Array) => Promise<void> | void) {
  const plan = steps(opts.chunks, opts.framer);
  const framer = opts.framer();
  const speed = opts.speed ?? 1;
  const stop = new AbortController();
  let next = 0;
  const lastRecorded = new Map<string, Uint8Array>();
  // Answers go out in order even when requests arrive faster than a slow answer plays.
  let playing: Promise<void> = Promise.resolve();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));

  async function playAnswers(step: Step): Promise<void> {
    let previous = 0;
    for (const { afterMs, chunk } of step.answers) {
      await delay((afterMs - previous) / speed, stop.signal);
      previous = afterMs;
      if (stop.signal.aborted) return;
      await send(await chunkBytes(chunk, opts.resolve));
    }
  }

  // A recording that starts with answers (an unsolicited event) plays them at once.
  if (plan[0] && plan[0].request === null) {
    const first = plan[next++]!;
    playing = playing.then(() => playAnswers(first));
  }
  if (next >= plan.length) void playing.then(done);

  return {
    hostBytes(chunk: Uint8Array): void {
      for (const request of framer.push(chunk)) {
        const step = plan[next];
        if (step?.request && same(step.request, request)) {
          next++;
          void recordedAnswer(step).then((bytes) => lastRecorded.set(key(request), bytes)).catch(() => {});
          playing = playing.then(() => playAnswers(step)).catch(() => {});
          if (next >= plan.length) void playing.then(done);
        } else {
          const reply = opts.idle(request, lastRecorded.get(key(request)) ?? null);
          if (reply) playing = playing.then(() => send(reply)).catch(() => {});
        }
      }
    },
    /** Resolves once every recorded step has played. */
    finished: () => finished,
    stop(): void {
      stop.abort();
    },
  };
}

/** The simulated device on the device end of a pty pair. Resolves when stopped by the signal. */
export async function serveConversationOnPort(
  path: string,
  opts: ConversationOptions & { baudRate?: number; signal: AbortSignal; onFinished?: () => void },
): Promise<void> {
  const port = new SerialPort({ path, baudRate: opts.baudRate ?? 115200, autoOpen: false });
  port.on('error', () => {});
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const player = createConversationPlayer(opts, (bytes) =>
    new Promise<void>((resolve) => {
      if (!port.isOpen) return resolve();
      port.write(Buffer.from(bytes), () => port.drain(() => resolve()));
    }),
  );
  port.on('data', (chunk: Buffer) => player.hostBytes(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
  void player.finished().then(() => opts.onFinished?.());
  try {
    await new Promise<void>((resolve) => {
      if (opts.signal.aborted) return resolve();
      opts.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    player.stop();
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

/** The same simulated device in-process, behind ByteTransport: a kiosk's demo mode, fast tests. */
export function createConversationTransport(opts: ConversationOptions & { description?: string }): ByteTransport & { finished(): Promise<void> } {
  const data = createListeners<Uint8Array>();
  const closed = createListeners<Error | null>();
  let player: ReturnType<typeof createConversationPlayer> | null = null;
  let finished: Promise<void> = Promise.resolve();
  return {
    description: opts.description ?? 'replay-conversation',
    async open() {
      if (player) throw new Error('conversation transport already open');
      const current = createConversationPlayer(opts, (bytes) => {
        if (player === current) data.emit(bytes);
      });
      player = current;
      finished = current.finished();
    },
    async close() {
      if (!player) return;
      player.stop();
      player = null;
      closed.emit(null);
    },
    async write(bytes) {
      if (!player) throw new Error('conversation transport not open');
      player.hostBytes(bytes);
    },
    onData: data.add,
    onClose: closed.add,
    finished: () => finished,
  };
}
