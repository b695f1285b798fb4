// Turns USB HID reports from a scanner into the byte stream a serial scanner sends, so HID and
// serial scanners share one QR codec. Pure (no I/O, no timers): fuzzable and fed from fixtures.
//
// Two report shapes:
// - keyboard: the 8-byte boot keyboard report (modifiers, reserved, up to 6 usage IDs) a scanner in
//   "USB keyboard" mode sends. A key counts when its usage appears that was not in the previous
//   report (so a held key, a repeated report or n-key rollover types each character once); Enter
//   ends a scan and becomes CR LF, which ends a frame for every suffix the codec accepts. US layout.
// - pos: a vendor "HID POS" data report: byte 0 the payload length, then the payload, passed on as
//   it is (the scanner's own suffix, configured as for serial, ends the frame).
// - framed: the same length-prefixed reports both ways, for readers that carry their serial framing
//   over HID (social security card readers): reports in read as `pos`; host bytes go out cut into
//   reports by encodeFramedWrites, so the device's own frame codec sees one byte stream either way.

export type HidReportMode = 'keyboard' | 'pos' | 'framed';

export interface HidDecodeResult {
  /** Bytes for the scanner codec; empty when the report carried no character. */
  bytes: Uint8Array;
  /** What was wrong with the report; never the report's contents (it may hold part of a code). */
  error?: string;
}

export interface HidReportDecoder {
  push(report: Uint8Array): HidDecodeResult;
  /** Forgets held keys (after a reconnect). */
  reset(): void;
}

export interface HidDecoderOptions {
  /** A report ID the device puts in front of every report (numbered reports); stripped if present. */
  reportId?: number;
}

/** A key the map cannot type: the codec rejects a frame holding it instead of passing a wrong code. */
export const UNMAPPED_KEY = 0x1a;

const CR = 0x0d;
const LF = 0x0a;
const ENTER = 0x28;
const KEYPAD_ENTER = 0x58;
/** All six slots 0x01: the keyboard reports a rollover error, not keys. */
const ERROR_ROLLOVER = 0x01;
const SHIFT = 0x02 | 0x20;
const CTRL_ALT_GUI = 0x01 | 0x04 | 0x08 | 0x10 | 0x40 | 0x80;

// Usage ID -> [unshifted, shifted] on a US keyboard (HID Usage Tables, Keyboard/Keypad page 0x07).
const KEYS = new Map<number, readonly [string, string]>();
for (let i = 0; i < 26; i++) KEYS.set(0x04 + i, [String.fromCharCode(0x61 + i), String.fromCharCode(0x41 + i)]);
'1234567890'.split('').forEach((d, i) => KEYS.set(0x1e + i, [d, '!@#$%^&*()'[i]!]));
const PUNCTUATION: Array<[number, string, string]> = [
  [0x2c, ' ', ' '],
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x32, '#', '~'],
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x35, '`', '~'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
  [0x54, '/', '/'],
  [0x55, '*', '*'],
  [0x56, '-', '-'],
  [0x57, '+', '+'],
  [0x62, '0', '0'],
  [0x63, '.', '.'],
];
for (const [usage, plain, shifted] of PUNCTUATION) KEYS.set(usage, [plain, shifted]);
for (let i = 0; i < 9; i++) KEYS.set(0x59 + i, [String(i + 1), String(i + 1)]);

const EMPTY = new Uint8Array(0);

export function createHidReportDecoder(mode: HidReportMode, opts: HidDecoderOptions = {}): HidReportDecoder {
  let held = new Set<number>();

  function body(report: Uint8Array): Uint8Array {
    return opts.reportId !== undefined && report[0] === opts.reportId ? report.subarray(1) : report;
  }

  function keyboard(report: Uint8Array): HidDecodeResult {
    if (report.length < 3) return { bytes: EMPTY, error: `keyboard report of ${report.length} bytes` };
    const modifiers = report[0]!;
    const slots = [...report.subarray(2, 8)];
    if (slots.length > 0 && slots.every((u) => u === ERROR_ROLLOVER)) return { bytes: EMPTY, error: 'keyboard rollover error' };
    const now = new Set(slots.filter((u) => u !== 0));
    const out: number[] = [];
    let unmapped = 0;
    // Slots are in press order, so a report with two new keys types them in that order.
    for (const usage of slots) {
      if (usage === 0 || held.has(usage)) continue;
      if (usage === ENTER || usage === KEYPAD_ENTER) {
        out.push(CR, LF);
        continue;
      }
      const key = KEYS.get(usage);
      if (!key || (modifiers & CTRL_ALT_GUI) !== 0) {
        unmapped++;
        out.push(UNMAPPED_KEY);
        continue;
      }
      out.push(key[(modifiers & SHIFT) !== 0 ? 1 : 0].charCodeAt(0));
    }
    held = now;
    const result: HidDecodeResult = { bytes: Uint8Array.from(out) };
    if (unmapped > 0) result.error = `${unmapped} key(s) with no character`;
    return result;
  }

  function pos(report: Uint8Array): HidDecodeResult {
    if (report.length === 0) return { bytes: EMPTY, error: 'empty pos report' };
    const length = report[0]!;
    const payload = report.subarray(1);
    if (length > payload.length) {
      // Keep what came: the codec sees a short frame and rejects it rather than a silent gap.
      return { bytes: Uint8Array.from(payload), error: `pos report claims ${length} bytes, carries ${payload.length}` };
    }
    return { bytes: Uint8Array.from(payload.subarray(0, length)) };
  }

  return {
    push(report) {
      const b = body(report);
      return mode === 'keyboard' ? keyboard(b) : pos(b);
    },
    reset() {
      held = new Set();
    },
  };
}

/** The reports a keyboard-mode scanner sends for `text` then Enter: a press and a release a key. */
export function encodeKeyboardReports(text: string, opts: { rollover?: boolean } = {}): Uint8Array[] {
  const reverse = new Map<string, { usage: number; shift: boolean }>();
  // Unshifted first so '/' maps to the main key, not the keypad.
  for (const [usage, [plain, shifted]] of [...KEYS].sort((a, b) => a[0] - b[0])) {
    if (!reverse.has(plain)) reverse.set(plain, { usage, shift: false });
    if (!reverse.has(shifted)) reverse.set(shifted, { usage, shift: true });
  }
  const reports: Uint8Array[] = [];
  const keys = [...text].map((ch) => {
    const key = reverse.get(ch);
    if (!key) throw new Error(`no key types U+${ch.codePointAt(0)!.toString(16)}`);
    return key;
  });
  keys.push({ usage: ENTER, shift: false });
  let previous: { usage: number; shift: boolean } | null = null;
  for (const key of keys) {
    const modifier = key.shift ? 0x02 : 0;
    // Rollover: the next key goes down before the last comes up, unless it is the same key.
    if (opts.rollover && previous && previous.usage !== key.usage && previous.shift === key.shift) {
      reports.push(Uint8Array.of(modifier, 0, previous.usage, key.usage, 0, 0, 0, 0));
    } else if (previous) {
      reports.push(new Uint8Array(8));
    }
    reports.push(Uint8Array.of(modifier, 0, key.usage, 0, 0, 0, 0, 0));
    previous = key;
  }
  reports.push(new Uint8Array(8));
  return reports;
}

/** Data-mode reports for `bytes`, at most `payloadSize` bytes a report. */
export function encodePosReports(bytes: Uint8Array, payloadSize = 63): Uint8Array[] {
  const reports: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += payloadSize) {
    const part = bytes.subarray(i, i + payloadSize);
    const report = new Uint8Array(payloadSize + 1);
    report[0] = part.length;
    report.set(part, 1);
    reports.push(report);
  }
  return reports;
}

/**
 * Host bytes as the reports node-hid's write() takes for a framed reader: the report ID first (0 for
 * a device without numbered reports), then the payload length and the payload, zero-padded to the
 * report size.
 */
export function encodeFramedWrites(bytes: Uint8Array, opts: { reportSize?: number; reportId?: number } = {}): Uint8Array[] {
  const reportSize = opts.reportSize ?? 64;
  return encodePosReports(bytes, reportSize - 1).map((report) => Uint8Array.from([opts.reportId ?? 0, ...report]));
}
