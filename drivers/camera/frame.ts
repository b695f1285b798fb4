// Camera frames as the drivers pass them on: RGBA pixels, the shape the Electron renderer sends from
// its camera stream (ImageData's width, height and data) and what fixture images decode to. A frame
// source is an async iterator and a listener set, so the QR pipeline and the face pipeline can both
// take frames without knowing where they come from.
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { createListeners } from '../transport/listeners';
import { delay } from '../transport/recording';

export interface CameraFrame {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, rows top to bottom. */
  data: Uint8Array;
}

export class FrameDecodeError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'FrameDecodeError';
  }
}

/** PNG or JPEG bytes to a frame, told apart by their magic bytes. */
export function decodeImage(bytes: Uint8Array): CameraFrame {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
      const png = PNG.sync.read(buf);
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (buf[0] === 0xff && buf[1] === 0xd8) {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (error) {
    throw new FrameDecodeError(`image does not decode: ${error instanceof Error ? error.message : String(error)}`);
  }
  throw new FrameDecodeError('neither PNG nor JPEG');
}

/** Checks a frame that came over IPC from the renderer before anything reads its pixels. */
export function isCameraFrame(value: unknown): value is CameraFrame {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Partial<CameraFrame>;
  return (
    Number.isInteger(f.width) && Number.isInteger(f.height) && f.width! > 0 && f.height! > 0 &&
    f.data instanceof Uint8Array && f.data.length === f.width! * f.height! * 4
  );
}

export interface FrameSource {
  frames(): AsyncIterableIterator<CameraFrame>;
  onFrame(listener: (frame: CameraFrame) => void): () => void;
  /** Frames handed in from outside (the renderer's camera stream over IPC). */
  push(frame: CameraFrame): void;
  stop(): void;
}

/** A source fed by push(): the Electron renderer's camera, or a test. */
export function createFrameSource(bufferLimit = 2): FrameSource {
  const listeners = createListeners<CameraFrame>();
  // Bounded: a slow consumer gets the newest frames, never a growing backlog of old ones.
  const queue: CameraFrame[] = [];
  let wake: (() => void) | null = null;
  let stopped = false;
  return {
    push(frame) {
      if (stopped) return;
      listeners.emit(frame);
      queue.push(frame);
      if (queue.length > bufferLimit) queue.shift();
      wake?.();
    },
    onFrame: listeners.add,
    async *frames() {
      while (!stopped) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    },
    stop() {
      stopped = true;
      wake?.();
    },
  };
}

/** Plays PNG/JPEG files as a camera at `fps` (demo mode, tests, hospital IT). */
export async function playFixtureFrames(source: FrameSource, files: string[], opts: { fps?: number; loop?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  const frames = await Promise.all(files.map(async (f) => decodeImage(await readFile(f))));
  const gap = 1000 / (opts.fps ?? 10);
  do {
    for (const frame of frames) {
      if (opts.signal?.aborted) return;
      source.push(frame);
      await delay(gap, opts.signal);
    }
  } while (opts.loop && !opts.signal?.aborted);
}
