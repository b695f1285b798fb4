// Keyboard-wedge scanners type a whole code in a fast burst ending in Enter. This tells such a
// burst apart from a person typing, so only scanner input becomes a credential. Pure: feed it
// keys with timestamps; the caller wires it to keydown events.

export interface WedgeOptions {
  /** A gap longer than this between keys means a human; the burst starts over. */
  maxGapMs?: number;
  /** Shorter bursts are stray keys, not a code. */
  minLength?: number;
  /** Scanner codes are bounded; past this the burst is dropped. Matches the API's credential limit. */
  maxLength?: number;
}

export interface WedgeCapture {
  /** Feed one KeyboardEvent.key at `timeMs`. Returns true when the key belonged to a scan burst. */
  key(key: string, timeMs: number): boolean;
  reset(): void;
}

export function createWedgeCapture(onScan: (text: string) => void, opts: WedgeOptions = {}): WedgeCapture {
  const maxGapMs = opts.maxGapMs ?? 50;
  const minLength = opts.minLength ?? 4;
  const maxLength = opts.maxLength ?? 4096;
  let buffer = '';
  let lastAt = Number.NEGATIVE_INFINITY;

  const reset = (): void => {
    buffer = '';
    lastAt = Number.NEGATIVE_INFINITY;
  };

  return {
    reset,
    key(key, timeMs) {
      const fast = timeMs - lastAt <= maxGapMs;
      if (key === 'Enter') {
        const text = buffer;
        const wasBurst = fast && text.length >= minLength;
        reset();
        if (wasBurst) onScan(text);
        return wasBurst;
      }
      if (key.length !== 1) return false; // Shift and friends arrive between characters; skip them.
      if (!fast) buffer = '';
      buffer += key;
      lastAt = timeMs;
      if (buffer.length > maxLength) reset();
      return buffer.length > 1;
    },
  };
}
