// Records a real device into a fixture (fixtures/devices/README.md format: timed JSON-lines chunks,
// `in` device -> host, `out` host -> device), so hospital IT can capture their own scanner or reader
// and replay it in tests and demos.
//
//   npm run record -- --device qr|id-card|card-reader --serial /dev/ttyUSB0 [--baud N] [--out file] [--seconds N]
//   npm run record -- --device qr-hid (--hid /dev/hidraw0 | --vid 0x0c2e --pid 0x0b61) [--mode keyboard|pos] [--out file] [--seconds N]
//
// A HID scanner is recorded as whole HID reports, each an `in` chunk, below the HID transport and
// its report decoder: the file is what fixtures/devices/qr-scanner-hid/ holds and plays through the
// same transport and decoder (a `replay` transport with `hid`, or sim-devices), and while recording
// the terminal's own decoder and QR codec count the scans, so a wrong --mode shows as no scans.
//
// A QR scanner is only listened to. Readers speak only when asked, so for them the terminal's own
// driver runs over the port and polls as it would in service; both directions are written, and the
// conversation player answers the same requests from the file later. A recording of a real ID card or
// social security card holds that person's data: record with a test card, never a patient's.
// Progress goes to stderr as counts only; nothing read is printed.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ByteTransport, RecordedChunk } from './transport/types';
import { createListeners } from './transport/listeners';
import { createSerialTransport } from './transport/serial';
import { delay } from './transport/recording';
import { createQrScanner } from './qr-scanner/device';
import { createIdCardReader } from './id-card/device';
import { createCardReader } from './card-reader/device';
import { createHidTransport, openNodeHid, type HidOpener, type HidTarget } from './transport/hid';

export type RecordableDevice = 'qr' | 'qr-hid' | 'id-card' | 'card-reader';

type HexChunk = Extract<RecordedChunk, { hex: string }>;

/** Wraps a transport so every chunk in either direction is kept with its time since open(). */
export function createRecordingTransport(inner: ByteTransport, sink: (chunk: HexChunk) => void, now: () => number = () => performance.now()): ByteTransport {
  let openedAt: number | null = null;
  const data = createListeners<Uint8Array>();
  const at = () => Math.max(0, Math.round(now() - (openedAt ?? now())));
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  inner.onData((chunk) => {
    if (openedAt !== null) sink({ t_ms: at(), dir: 'in', hex: hex(chunk) });
    data.emit(chunk);
  });
  return {
    description: `record:${inner.description}`,
    async open() {
      await inner.open();
      // The first open is time zero; a reconnect keeps counting so t_ms never goes backwards.
      openedAt ??= now();
    },
    close: () => inner.close(),
    async write(bytes) {
      if (openedAt !== null) sink({ t_ms: at(), dir: 'out', hex: hex(bytes) });
      await inner.write(bytes);
    },
    onData: data.add,
    onClose: inner.onClose,
  };
}

/**
 * Wraps a HID opener so every report the device sends is kept, whole, with its time since the first
 * open; the transport and decoder above it see the same reports.
 */
export function createRecordingHidOpener(inner: HidOpener, sink: (chunk: HexChunk) => void, now: () => number = () => performance.now()): HidOpener {
  let openedAt: number | null = null;
  return async (target: HidTarget) => {
    const handle = await inner(target);
    openedAt ??= now();
    const started = openedAt;
    // Attached before the transport's own listener, so a report is kept before it is decoded.
    handle.on('data', (report: Buffer) => sink({ t_ms: Math.max(0, Math.round(now() - started)), dir: 'in', hex: report.toString('hex') }));
    return handle;
  };
}

export interface RecordOptions {
  device: RecordableDevice;
  /** The serial (or other byte) transport; for 'qr-hid', the HID device instead (`hid`). */
  transport?: ByteTransport;
  hid?: { target: HidTarget; mode: 'keyboard' | 'pos'; reportId?: number; open?: HidOpener };
  seconds: number;
  signal?: AbortSignal;
  /** Counts only (scans, cards, errors), for a progress line. */
  onProgress?: (counts: Record<string, number>) => void;
  /** Called once the device is open: from then on what it sends is recorded. */
  onReady?: () => void;
}

/** Records for `seconds` (or until the signal); returns the chunks in time order. */
export async function recordDevice(opts: RecordOptions): Promise<HexChunk[]> {
  const chunks: HexChunk[] = [];
  const keep = (c: HexChunk) => chunks.push(c);
  let transport: ByteTransport;
  if (opts.device === 'qr-hid') {
    if (!opts.hid) throw new Error('recording a HID scanner needs its HID device');
    const { target, mode, reportId } = opts.hid;
    transport = createHidTransport({ ...target, mode, reportId, open: createRecordingHidOpener(opts.hid.open ?? openNodeHid, keep) });
  } else {
    if (!opts.transport) throw new Error(`recording ${opts.device} needs its transport`);
    transport = createRecordingTransport(opts.transport, keep);
  }
  const counts: Record<string, number> = {};
  const count = (what: string) => {
    counts[what] = (counts[what] ?? 0) + 1;
    opts.onProgress?.({ ...counts });
  };
  const id = `record-${opts.device}`;
  // A HID keyboard scanner's Enter becomes CR LF (hid-reports.ts); a HID POS scanner sends its own
  // suffix (CR LF in the fixtures). Only the counts depend on it: the reports are kept as they come.
  const device =
    opts.device === 'qr' || opts.device === 'qr-hid'
      ? createQrScanner({ id, transport, suffix: 'CRLF' })
      : opts.device === 'id-card'
        ? createIdCardReader({ id, transport })
        : createCardReader({ id, transport });
  if ('onScan' in device) device.onScan((e) => count(`scan:${e.kind}`));
  else device.onEvent((e: { type: string }) => count(e.type));
  device.onHealth((h) => {
    if (h.state === 'error') count('device-error');
  });
  await device.start();
  opts.onReady?.();
  try {
    await delay(opts.seconds * 1000, opts.signal);
  } finally {
    await device.stop();
  }
  return chunks;
}

export function formatRecording(chunks: RecordedChunk[], comment: string): string {
  const head = comment
    .split('\n')
    .map((line) => `# ${line}`)
    .join('\n');
  return `${head}\n${chunks.map((c) => JSON.stringify(c)).join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      device: { type: 'string' },
      serial: { type: 'string' },
      hid: { type: 'string' },
      vid: { type: 'string' },
      pid: { type: 'string' },
      mode: { type: 'string', default: 'keyboard' },
      baud: { type: 'string' },
      out: { type: 'string' },
      seconds: { type: 'string', default: '10' },
    },
  });
  const device = values.device as RecordableDevice | undefined;
  const usage =
    'usage: record --device qr|id-card|card-reader --serial /dev/ttyUSB0 [--baud N] [--out file] [--seconds N]\n' +
    '       record --device qr-hid (--hid /dev/hidraw0 | --vid 0xVVVV --pid 0xPPPP) [--mode keyboard|pos] [--out file] [--seconds N]';
  if (device === 'qr-hid') return recordHid(values, usage);
  if (!device || !['qr', 'id-card', 'card-reader'].includes(device) || !values.serial) throw new Error(usage);
  const baudRate = Number(values.baud ?? (device === 'qr' ? 9600 : 115200));
  const seconds = Number(values.seconds);
  if (!(baudRate > 0) || !(seconds > 0)) throw new Error('--baud and --seconds must be positive numbers');
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const chunks = await recordDevice({
    device,
    transport: createSerialTransport({ path: values.serial, baudRate }),
    seconds,
    signal: stop.signal,
    onProgress: (counts) => console.error(JSON.stringify(counts)),
    // Hospital IT (and the test) wait for this before scanning: bytes sent earlier are not recorded.
    onReady: () => console.error(JSON.stringify({ recording: values.serial, seconds })),
  });
  const text = formatRecording(chunks, `Recorded from ${device} on ${values.serial} at ${baudRate} baud, ${new Date().toISOString()}.`);
  if (values.out) {
    await writeFile(values.out, text);
    console.error(JSON.stringify({ wrote: values.out, chunks: chunks.length }));
  } else {
    process.stdout.write(text);
  }
}

async function recordHid(values: { hid?: string; vid?: string; pid?: string; mode?: string; out?: string; seconds?: string }, usage: string): Promise<void> {
  const id = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  const vendorId = id(values.vid);
  const productId = id(values.pid);
  const mode = values.mode;
  if (mode !== 'keyboard' && mode !== 'pos') throw new Error(`--mode must be keyboard or pos\n${usage}`);
  if (!values.hid && (vendorId === undefined || productId === undefined || !Number.isInteger(vendorId) || !Number.isInteger(productId))) throw new Error(usage);
  const target: HidTarget = values.hid ? { path: values.hid } : { vendorId: vendorId as number, productId: productId as number };
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw new Error('--seconds must be a positive number');
  const where = values.hid ?? `${values.vid}:${values.pid}`;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const chunks = await recordDevice({
    device: 'qr-hid',
    hid: { target, mode },
    seconds,
    signal: stop.signal,
    onProgress: (counts) => console.error(JSON.stringify(counts)),
    onReady: () => console.error(JSON.stringify({ recording: where, mode, seconds })),
  });
  const text = formatRecording(chunks, `HID ${mode} mode reports recorded from ${where}, ${new Date().toISOString()}. Plays from fixtures/devices/qr-scanner-hid/.`);
  if (values.out) {
    await writeFile(values.out, text);
    console.error(JSON.stringify({ wrote: values.out, chunks: chunks.length }));
  } else {
    process.stdout.write(text);
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
