// The QR scanner's serial protocol: text frames ended by a configured suffix. Pure (no I/O, no
// timers) so it can be fuzzed; bad input becomes a typed error, never a throw.
import { classifyScan, type ScanKind } from './classify';

export { classifyScan, classifierWith, defaultScanPatterns, SIM_EC_QR_PATTERN } from './classify';
export type { ScanKind, ScanPatterns } from './classify';

export interface ScanEvent {
  type: 'scan';
  text: string;
  kind: ScanKind;
}

/** Errors never carry the scanned bytes: they end up in health and logs. */
export interface CodecError {
  type: 'error';
  code: 'frame-too-long' | 'invalid-text' | 'incomplete-frame';
  detail: string;
}

export type ScanSuffix = 'CR' | 'LF' | 'CRLF';

export interface QrScannerCodec {
  push(chunk: Uint8Array): Array<ScanEvent | CodecError>;
  /** Drops a partial frame (after a reconnect, or a long silence mid-frame). */
  reset(): void;
  /** Bytes of the frame still waiting for its suffix. */
  pendingBytes(): number;
}

const CR = 0x0d;
const LF = 0x0a;
/** 医保码 payloads are a few hundred bytes at most; 4 KiB leaves room for dense text QR codes. */
const DEFAULT_MAX_LENGTH = 4096;

export function createQrScannerCodec(opts: {
  suffix: ScanSuffix;
  maxLength?: number;
  classify?: (text: string) => ScanKind;
}): QrScannerCodec {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  const classify = opts.classify ?? ((text: string) => classifyScan(text));
  // CRLF scanners end on LF; a bare LF is accepted too because some scanners drop the CR.
  const terminator = opts.suffix === 'CR' ? CR : LF;
  const decoder = new TextDecoder('utf-8', { fatal: true });

  // One spare byte for the CR in front of a CRLF suffix.
  const capacity = maxLength + 1;
  let frame = new Uint8Array(Math.min(capacity, 256));
  let length = 0;
  let discarding = false;
  let discarded = 0;

  function append(byte: number): void {
    if (length === frame.length) {
      const grown = new Uint8Array(Math.min(capacity, frame.length * 2));
      grown.set(frame);
      frame = grown;
    }
    frame[length++] = byte;
  }

  function finishFrame(out: Array<ScanEvent | CodecError>): void {
    if (discarding) {
      out.push({ type: 'error', code: 'frame-too-long', detail: `frame of ${discarded} bytes exceeds ${maxLength}` });
      discarding = false;
      discarded = 0;
      length = 0;
      return;
    }
    let start = 0;
    let end = length;
    // Leftover CR/LF from a scanner configured with another suffix is framing, not text.
    while (start < end && (frame[start] === CR || frame[start] === LF)) start++;
    while (end > start && (frame[end - 1] === CR || frame[end - 1] === LF)) end--;
    const size = end - start;
    length = 0;
    if (size === 0) return;
    if (size > maxLength) {
      out.push({ type: 'error', code: 'frame-too-long', detail: `frame of ${size} bytes exceeds ${maxLength}` });
      return;
    }
    let text: string;
    try {
      text = decoder.decode(frame.subarray(start, end));
    } catch {
      out.push({ type: 'error', code: 'invalid-text', detail: `frame of ${size} bytes is not valid UTF-8` });
      return;
    }
    // Control characters mean line noise or a wrong baud rate, not a code.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) {
      out.push({ type: 'error', code: 'invalid-text', detail: `frame of ${size} bytes contains control characters` });
      return;
    }
    out.push({ type: 'scan', text, kind: classify(text) });
  }

  return {
    push(chunk) {
      const out: Array<ScanEvent | CodecError> = [];
      for (const byte of chunk) {
        if (byte === terminator) {
          finishFrame(out);
        } else if (discarding) {
          discarded++;
        } else if (length >= capacity) {
          discarding = true;
          discarded = length + 1;
          length = 0;
        } else {
          append(byte);
        }
      }
      return out;
    },
    reset() {
      length = 0;
      discarding = false;
      discarded = 0;
    },
    pendingBytes() {
      return discarding ? discarded : length;
    },
  };
}
