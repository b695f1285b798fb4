// The one interface every device driver reads bytes through, so serial ports, HID devices and
// recorded fixtures are interchangeable; plus the recording format the replay tools share.

export interface ByteTransport {
  /** Where the bytes come from, e.g. "serial:/dev/ttyUSB0". Never carries patient data. */
  readonly description: string;
  open(): Promise<void>;
  close(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Fires once a port that was open is gone: null after our own close(), an Error when the cable was pulled. */
  onClose(listener: (reason: Error | null) => void): () => void;
}

/** Direction from the host's point of view: "in" is device -> host, "out" is host -> device. */
export type ChunkDirection = 'in' | 'out';

/** One timed chunk of a recording; bytes are either recorded (hex) or made at play time (template). */
export type RecordedChunk =
  | { t_ms: number; dir: ChunkDirection; hex: string }
  | { t_ms: number; dir: ChunkDirection; template: string; arg: string; suffix?: string }
  /** The device is pulled here; the chunks after it play once the host opens the port again. */
  | { t_ms: number; dir: 'in'; event: 'unplug' };

/** A chunk that stands for bytes (not an event). */
export type ByteChunk = Exclude<RecordedChunk, { event: 'unplug' }>;

export const isUnplug = (chunk: RecordedChunk): chunk is Extract<RecordedChunk, { event: 'unplug' }> => 'event' in chunk;

/**
 * Makes a template chunk's text at play time: a simulated phone shows a fresh 医保码 because real
 * codes expire within a minute, so a recorded code can only ever test the expired case.
 */
export type TemplateResolver = (template: string, arg: string) => Promise<string>;
