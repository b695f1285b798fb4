// A recorded HID scanner: plays a fixture of whole HID reports (one report an `in` chunk) as a
// device node-hid could have opened, so recordings go through createHidTransport and the report
// decoder exactly as a real scanner's reports do. No HID device can exist on a test machine or a
// demo kiosk; this is how the HID path runs there. Template chunks (a fresh 医保码) are typed as
// the reports a scanner in that mode would send; an unplug event is node-hid's read error.
import { EventEmitter } from 'node:events';
import type { RecordedChunk, TemplateResolver } from './types';
import { chunkBytes, delay, inboundChunks, plugSessions } from './recording';
import { createHidTransport, type HidDeviceHandle, type HidOpener, type HidTransportOptions } from './hid';
import { createHidReportDecoder, encodeKeyboardReports, encodePosReports, type HidReportMode } from './hid-reports';
import { createConversationPlayer, type ConversationOptions } from './conversation';
import type { ByteTransport } from './types';

export interface HidReplayOptions {
  chunks: RecordedChunk[];
  mode: HidReportMode;
  speed?: number;
  resolve?: TemplateResolver;
  /** After the last report: stay plugged in like an idle scanner, or act like a pulled cable. */
  atEnd?: 'stay-open' | 'unplug';
}

/** Reports a template chunk stands for, made at play time. */
async function templateReports(chunk: RecordedChunk, mode: HidReportMode, resolve?: TemplateResolver): Promise<Uint8Array[]> {
  const bytes = await chunkBytes(chunk, resolve);
  if (mode === 'pos') return encodePosReports(bytes);
  // A keyboard scanner ends with Enter, whatever suffix the recording wrote.
  return encodeKeyboardReports(Buffer.from(bytes).toString('utf8').replace(/[\r\n]+$/, ''));
}

/** An opener whose devices play the recording: each open is one plug-in (see the unplug event). */
export function createHidReplayOpener(opts: HidReplayOptions): HidOpener & { finished(): Promise<void> } {
  const speed = opts.speed ?? 1;
  if (!(speed > 0)) throw new Error('speed must be > 0');
  const sessions = plugSessions(inboundChunks(opts.chunks));
  let nextSession = 0;
  let playing: Promise<void> = Promise.resolve();

  const opener = async (): Promise<HidDeviceHandle> => {
    const session = sessions[nextSession] ?? sessions[0]!;
    nextSession = session.endsUnplugged ? nextSession + 1 : 0;
    const emitter = new EventEmitter();
    const stop = new AbortController();
    let open = true;

    async function play(): Promise<void> {
      let previous = session.startMs;
      for (const chunk of session.chunks) {
        await delay((chunk.t_ms - previous) / speed, stop.signal);
        previous = chunk.t_ms;
        if (stop.signal.aborted) return;
        let reports: Uint8Array[];
        try {
          reports = 'hex' in chunk ? [await chunkBytes(chunk)] : await templateReports(chunk, opts.mode, opts.resolve);
        } catch (error) {
          emitter.emit('error', error instanceof Error ? error : new Error(String(error)));
          return;
        }
        for (const report of reports) {
          if (stop.signal.aborted) return;
          emitter.emit('data', Buffer.from(report));
        }
      }
      if (stop.signal.aborted) return;
      // node-hid's words for a pulled device.
      if (session.endsUnplugged || opts.atEnd === 'unplug') emitter.emit('error', new Error('could not read from HID device'));
    }

    const handle: HidDeviceHandle = Object.assign(emitter, {
      async close() {
        open = false;
        stop.abort();
      },
      async write(values: number[] | Buffer) {
        if (!open) throw new Error('HID device closed');
        return values.length;
      },
    });
    // Reports start once the transport has attached its listeners, as with a real device.
    playing = new Promise<void>((resolve) => setImmediate(resolve)).then(play);
    return handle;
  };
  return Object.assign(opener, { finished: () => playing });
}

/** The HID transport over a recording: the same transport and decoder a real HID scanner uses. */
export function createHidReplayTransport(
  opts: HidReplayOptions & Pick<HidTransportOptions, 'reportId' | 'onReportError'> & { description?: string },
): ByteTransport & { finished(): Promise<void> } {
  const opener = createHidReplayOpener(opts);
  const transport = createHidTransport({
    path: 'replay',
    mode: opts.mode,
    reportId: opts.reportId,
    onReportError: opts.onReportError,
    open: opener,
    description: opts.description ?? `hid-replay:${opts.mode}`,
  });
  return { ...transport, finished: opener.finished };
}

/**
 * A recorded framed HID reader (one that only answers when asked): the recording's `out` chunks are
 * reports as the host writes them (report ID first), its `in` chunks reports as node-hid delivers
 * them. Each is unwrapped to the bytes it carries and played by the same conversation engine as a
 * serial reader's recording; answers go back as reports. So a HID reader's recording exercises
 * createHidTransport's report writing and reading, and the device's own codec behind it.
 */
export function createHidConversationTransport(
  opts: Omit<ConversationOptions, 'chunks'> & { chunks: RecordedChunk[]; reportSize?: number; reportId?: number; description?: string },
): ByteTransport {
  const reportSize = opts.reportSize ?? 64;
  const reads = createHidReportDecoder('framed', { reportId: opts.reportId });
  // The recording's reports as the bytes they carry: the shape the conversation engine plays.
  const chunks = opts.chunks.map((chunk): RecordedChunk => {
    if (!('hex' in chunk)) return chunk;
    const report = Uint8Array.from(Buffer.from(chunk.hex.replace(/\s+/g, ''), 'hex'));
    const payload = chunk.dir === 'out' ? unwrapWrite(report) : reads.push(report).bytes;
    return { t_ms: chunk.t_ms, dir: chunk.dir, hex: Buffer.from(payload).toString('hex') };
  });
  const opener: HidOpener = async () => {
    const emitter = new EventEmitter();
    let open = true;
    const player = createConversationPlayer({ ...opts, chunks }, (bytes) => {
      if (!open) return;
      for (const report of encodePosReports(bytes, reportSize - 1)) {
        emitter.emit('data', Buffer.from(opts.reportId === undefined ? report : Uint8Array.from([opts.reportId, ...report])));
      }
    });
    return Object.assign(emitter, {
      async close() {
        open = false;
        player.stop();
      },
      async write(values: number[] | Buffer) {
        if (!open) throw new Error('HID device closed');
        player.hostBytes(unwrapWrite(Uint8Array.from(values)));
        return values.length;
      },
    });
  };
  return createHidTransport({ path: 'replay', mode: 'framed', reportSize, reportId: opts.reportId, open: opener, description: opts.description ?? 'hid-replay:framed' });
}

/** What a written report carries: after the report ID, a length byte and that many bytes. */
function unwrapWrite(report: Uint8Array): Uint8Array {
  const length = report[1] ?? 0;
  return report.subarray(2, 2 + Math.min(length, Math.max(0, report.length - 2)));
}
