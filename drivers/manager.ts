// Every configured device of a terminal behind one object: builds each from its config (serial, HID
// or a recorded fixture), opens them side by side so a missing or broken one never holds up the
// others, keeps reconnecting with backoff (the shared lifecycle), and hands out health and typed
// events per kind. `DeviceConfig` is the zod schema terminal/config embeds for its `devices` list.
//
// A device's modules (its codec, transport and the libraries under them: serialport's native
// binding, @zxing/library, pngjs and jpeg-js, iconv-lite) are imported when an entry of that kind is
// built, not with this file: the config's schema imports it at every start, and a terminal with no
// camera need not evaluate a QR decoder before its first screen. Types stay static imports.
import { join } from 'node:path';
import { z } from 'zod';
import type { DeviceHealth } from '../terminal/common/vocabulary';
import type { ByteTransport, RecordedChunk, TemplateResolver } from './transport/types';
import { createListeners } from './transport/listeners';
import type { TimedScanEvent } from './qr-scanner/device';
import { classifyScan, type ScanKind } from './qr-scanner/codec';
import type { IdCardEvent } from './id-card/device';
import type { CardReaderEvent, PinResult } from './card-reader/device';
import type { PrintResult } from './printer/device';
import type { PrintItem } from './printer/escpos';
import type { CameraFrame, FrameSource } from './camera/frame';
import type { QrDecodeResult } from './camera/qr-decode';
import { createHealthBook, describeError } from './device/lifecycle';
import type { EcVoucherEvent } from './vendor-lib/device';
import type { StartWorker } from './vendor-lib/host';
import { vendorLibFields, vendorLibIssues } from './vendor-lib/config';
import { vendorHealthKind } from './vendor-lib/interface-names';

const UsbId = z.number().int().min(0).max(0xffff);
/** A serial device by its path, or by its USB-serial adapter's ids (found again wherever the OS
 * puts it after a replug). */
const serial = (defaultBaud: number) =>
  z
    .object({
      type: z.literal('serial'),
      path: z.string().min(1).optional(),
      vendorId: UsbId.optional(),
      productId: UsbId.optional(),
      serialNumber: z.string().min(1).optional(),
      baudRate: z.number().int().positive().default(defaultBaud),
    })
    .refine((t) => t.path !== undefined || (t.vendorId !== undefined && t.productId !== undefined), {
      message: 'a serial device needs a path, or a vendorId and productId',
      path: ['path'],
    });

/** The serial transport a parsed entry describes. */
async function serialTransport(t: { path?: string; vendorId?: number; productId?: number; serialNumber?: string; baudRate: number }): Promise<ByteTransport> {
  const { createSerialTransport } = await import('./transport/serial');
  const usb = t.vendorId !== undefined && t.productId !== undefined ? { vendorId: t.vendorId, productId: t.productId, serialNumber: t.serialNumber } : undefined;
  return createSerialTransport({ path: t.path, usb, baudRate: t.baudRate });
}
const HidTransportConfig = z.object({
  type: z.literal('hid'),
  vendorId: UsbId,
  productId: UsbId,
  /** node-hid's path of one interface, when a scanner has several or a kiosk has two alike. */
  path: z.string().min(1).optional(),
  mode: z.enum(['keyboard', 'pos']).default('keyboard'),
  /** A report ID the scanner puts in front of each report. */
  reportId: z.number().int().min(0).max(255).optional(),
});

const ReplayTransportConfig = z.object({
  type: z.literal('replay'),
  /** A recording, relative to the fixtures folder. */
  fixture: z.string().min(1),
  /** When to play it: at start, or each time a patient reaches the identify step (a phone held up). */
  playOn: z.enum(['start', 'identify']).default('identify'),
  delayMs: z.number().int().nonnegative().default(1500),
  speed: z.number().positive().default(1),
  /** The recording holds HID reports of this mode (fixtures/devices/qr-scanner-hid/). */
  hid: z.enum(['keyboard', 'pos']).optional(),
});

/** A card reader that carries its serial framing in HID reports (length byte + payload, both ways). */
const HidFramedTransportConfig = z.object({
  type: z.literal('hid'),
  vendorId: UsbId,
  productId: UsbId,
  path: z.string().min(1).optional(),
  reportId: z.number().int().min(0).max(255).optional(),
  /** Report size without the report ID; 64 for a full-speed USB device. */
  reportSize: z.number().int().min(8).max(1024).default(64),
});
/** A recorded card reader; `hid: 'framed'` when the recording holds HID reports (fixtures/devices/card-reader-hid/). */
const CardReaderReplayConfig = ReplayTransportConfig.extend({ hid: z.literal('framed').optional() });

const Reconnect = z.object({ initialMs: z.number().int().positive().optional(), maxMs: z.number().int().positive().optional() }).optional();
const base = { id: z.string().min(1), reconnect: Reconnect };

export const DeviceConfig = z.discriminatedUnion('kind', [
  z.object({
    ...base,
    kind: z.literal('qr-scanner'),
    suffix: z.enum(['CR', 'LF', 'CRLF']).default('CRLF'),
    staleFrameMs: z.number().int().positive().optional(),
    transport: z.discriminatedUnion('type', [serial(9600), HidTransportConfig, ReplayTransportConfig]),
  }),
  z.object({
    ...base,
    kind: z.literal('id-card'),
    pollMs: z.number().int().positive().optional(),
    transport: z.discriminatedUnion('type', [serial(115200), ReplayTransportConfig]),
  }),
  z.object({
    ...base,
    kind: z.literal('card-reader'),
    pollMs: z.number().int().positive().optional(),
    transport: z.discriminatedUnion('type', [serial(115200), HidFramedTransportConfig, CardReaderReplayConfig]),
  }),
  z.object({
    ...base,
    kind: z.literal('printer'),
    /** How often an idle printer is asked for paper and cover, so health shows an empty roll before a print fails. */
    pollMs: z.number().int().nonnegative().optional(),
    /** `sim`: an in-process ESC/POS printer with paper, for demo kiosks without one. */
    transport: z.discriminatedUnion('type', [serial(115200), z.object({ type: z.literal('sim') })]),
  }),
  z.object({
    ...base,
    kind: z.literal('camera'),
    /** `push`: frames handed in by the host (the renderer's camera); `frames`: image fixtures played as a camera. */
    source: z.discriminatedUnion('type', [
      z.object({ type: z.literal('push') }),
      z.object({ type: z.literal('frames'), files: z.array(z.string().min(1)).min(1), fps: z.number().positive().default(5), loop: z.boolean().default(true) }),
    ]),
    /** The same code seen again within this time is the same scan (a phone held in front of the lens). */
    repeatMs: z.number().int().nonnegative().default(3000),
  }),
  /** A certified vendor library (DLL): a card reader's ReadCardBas, or the e-voucher's EcQuery / NationEcTrans. */
  z
    .object({ ...base, kind: z.literal('vendor-lib'), ...vendorLibFields })
    .superRefine((c, ctx) => {
      const issue = vendorLibIssues(c);
      if (issue) ctx.addIssue({ code: 'custom', ...issue });
    }),
]);
export type DeviceConfig = z.input<typeof DeviceConfig>;
type ParsedConfig = z.output<typeof DeviceConfig>;

export type ScanSource = 'qr-scanner' | 'camera';
export type ManagedScan = TimedScanEvent & { deviceId: string; source: ScanSource };
export type ManagedCardEvent = CardReaderEvent & { deviceId: string };
export type ManagedIdCardEvent = IdCardEvent & { deviceId: string };
export type ManagedEcVoucherEvent = EcVoucherEvent & { deviceId: string };
export interface ManagedPrint {
  deviceId: string;
  result: PrintResult;
  at: string;
}

export interface DeviceManager {
  /** Opens every device side by side; resolves once each has had its first try. Never rejects for a device. */
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): DeviceHealth[];
  onHealth(listener: (health: DeviceHealth) => void): () => void;
  onScan(listener: (event: ManagedScan) => void): () => void;
  onCard(listener: (event: ManagedCardEvent) => void): () => void;
  onIdCard(listener: (event: ManagedIdCardEvent) => void): () => void;
  /** An e-voucher token (or the library's refusal) from a vendor library: already decoded, credential type 01. */
  onEcVoucher(listener: (event: ManagedEcVoucherEvent) => void): () => void;
  onPrint(listener: (event: ManagedPrint) => void): () => void;
  /** Prints on the named printer, or the first one. */
  print(items: PrintItem[], deviceId?: string): Promise<PrintResult>;
  readPin(timeoutS?: number, deviceId?: string): Promise<PinResult>;
  /** A camera frame from the host (camera with source `push`). */
  pushFrame(deviceId: string, frame: CameraFrame): void;
  /** A frame from the host's own camera (the kiosk window's) to every camera with source `push`; how many took it. */
  pushHostFrame(frame: CameraFrame): number;
  /** Every frame any camera sees (pushed or played from fixtures): the face step looks at them. */
  onFrame(listener: (frame: CameraFrame) => void): () => void;
  /** Replayed devices set to play on the identify step start their recording now. */
  identifyStepReached(): void;
}

export type TemplateResolverFn = TemplateResolver;

interface Managed {
  id: string;
  kind: DeviceHealth['kind'];
  config: ParsedConfig;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): DeviceHealth;
  onHealth(listener: (health: DeviceHealth) => void): () => void;
  print?(items: PrintItem[]): Promise<PrintResult>;
  readPin?(timeoutS?: number): Promise<PinResult>;
  pushFrame?(frame: CameraFrame): void;
  identifyStepReached?(): void;
}

/** Builds every entry (loading the modules of the kinds it names); nothing is opened until start(). */
export async function createDeviceManager(opts: {
  /** Entries as written in the config file: each is validated here, so a bad one breaks only itself. */
  devices: readonly unknown[];
  fixturesDir: string;
  resolveTemplate?: TemplateResolver;
  /** What a scanned text is (a site's patterns through classifierWith); the built-in patterns otherwise. */
  classify?: (text: string) => ScanKind;
  /** How vendor libraries' processes are started: the Electron host gives utilityProcess; fork otherwise. */
  startVendorWorker?: StartWorker;
  now?: () => Date;
}): Promise<DeviceManager> {
  const now = opts.now ?? (() => new Date());
  const classify = opts.classify ?? ((text: string) => classifyScan(text));
  const healthListeners = createListeners<DeviceHealth>();
  const scans = createListeners<ManagedScan>();
  const cards = createListeners<ManagedCardEvent>();
  const idCards = createListeners<ManagedIdCardEvent>();
  const ecVouchers = createListeners<ManagedEcVoucherEvent>();
  const prints = createListeners<ManagedPrint>();
  const frameListeners = createListeners<CameraFrame>();
  const devices: Managed[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const seen = new Set<string>();
  let started = false;

  for (const [index, raw] of opts.devices.entries()) {
    const fields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    // Staff find the entry by its id, or by its place in the list when it has none.
    const id = typeof fields['id'] === 'string' && fields['id'] !== '' ? fields['id'] : `devices[${index}]`;
    const parsed = DeviceConfig.safeParse(raw);
    // A wrong entry is one broken device on the admin screen, not a terminal that will not start.
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      devices.push(brokenDevice(id, knownKind(fields['kind'], fields), `config: ${where}${issue?.message ?? 'invalid entry'}`));
      continue;
    }
    if (seen.has(parsed.data.id)) {
      devices.push(brokenDevice(`${parsed.data.id}#${devices.length}`, knownKind(parsed.data.kind, parsed.data), `config: duplicate device id ${parsed.data.id}`));
      continue;
    }
    seen.add(parsed.data.id);
    devices.push(await buildDevice(parsed.data));
  }
  for (const d of devices) d.onHealth(() => healthListeners.emit(replayAware(d)));

  async function buildDevice(config: ParsedConfig): Promise<Managed> {
    const reconnect = config.reconnect;
    const recording = lazyRecording(config);
    switch (config.kind) {
      case 'qr-scanner': {
        const t = config.transport;
        const { createQrScanner } = await import('./qr-scanner/device');
        const transport: ByteTransport =
          t.type === 'serial'
            ? await serialTransport(t)
            : t.type === 'hid'
              ? (await import('./transport/hid')).createHidTransport({ vendorId: t.vendorId, productId: t.productId, path: t.path, mode: t.mode, reportId: t.reportId })
              : lazyTransport(`replay:${t.fixture}`, async () => {
                  const hid = t.hid;
                  return hid
                    ? (await import('./transport/hid-replay')).createHidReplayTransport({ chunks: await recording(), mode: hid, speed: t.speed, resolve: opts.resolveTemplate })
                    : (await import('./transport/replay')).createReplayTransport({ chunks: await recording(), speed: t.speed, resolve: opts.resolveTemplate });
                });
        const device = createQrScanner({ id: config.id, transport, suffix: config.suffix, staleFrameMs: config.staleFrameMs, classify, reconnect, now });
        device.onScan((e) => scans.emit({ ...e, deviceId: config.id, source: 'qr-scanner' }));
        return { id: config.id, kind: config.kind, config, start: device.start, stop: device.stop, health: device.health, onHealth: device.onHealth };
      }
      case 'id-card': {
        const t = config.transport;
        const { createIdCardReader } = await import('./id-card/device');
        const transport =
          t.type === 'serial'
            ? await serialTransport(t)
            : lazyTransport(`replay:${t.fixture}`, async () => {
                const [{ createConversationTransport }, { samIdleAnswer, samRequestFramer }] = await Promise.all([import('./transport/conversation'), import('./id-card/sim-reader')]);
                return createConversationTransport({ chunks: await recording(), framer: samRequestFramer, idle: samIdleAnswer, resolve: opts.resolveTemplate, speed: t.speed });
              });
        const device = createIdCardReader({ id: config.id, transport, pollMs: config.pollMs, reconnect, now });
        device.onEvent((e) => idCards.emit({ ...e, deviceId: config.id }));
        return { id: config.id, kind: config.kind, config, start: device.start, stop: device.stop, health: device.health, onHealth: device.onHealth };
      }
      case 'card-reader': {
        const t = config.transport;
        // Serial and HID readers differ only in the transport: the reader's frame codec is the same.
        const { createCardReader } = await import('./card-reader/device');
        const transport =
          t.type === 'serial'
            ? await serialTransport(t)
            : t.type === 'hid'
              ? (await import('./transport/hid')).createHidTransport({ vendorId: t.vendorId, productId: t.productId, path: t.path, mode: 'framed', reportId: t.reportId, reportSize: t.reportSize })
              : lazyTransport(`replay:${t.fixture}`, async () => {
                  const { readerIdleAnswer, readerRequestFramer } = await import('./card-reader/sim-reader');
                  const played = { chunks: await recording(), framer: readerRequestFramer, idle: readerIdleAnswer, resolve: opts.resolveTemplate, speed: t.speed };
                  return t.hid ? (await import('./transport/hid-replay')).createHidConversationTransport(played) : (await import('./transport/conversation')).createConversationTransport(played);
                });
        const device = createCardReader({ id: config.id, transport, pollMs: config.pollMs, reconnect, now });
        device.onEvent((e) => cards.emit({ ...e, deviceId: config.id }));
        return { id: config.id, kind: config.kind, config, start: device.start, stop: device.stop, health: device.health, onHealth: device.onHealth, readPin: device.readPin };
      }
      case 'printer': {
        const t = config.transport;
        const { createReceiptPrinter } = await import('./printer/device');
        const transport = t.type === 'serial' ? await serialTransport(t) : (await import('./printer/sim-transport')).createSimPrinterTransport();
        const device = createReceiptPrinter({ id: config.id, transport, pollMs: config.pollMs, reconnect, now });
        return {
          id: config.id,
          kind: config.kind,
          config,
          start: device.start,
          stop: device.stop,
          health: device.health,
          onHealth: device.onHealth,
          async print(items) {
            const result = await device.print(items);
            prints.emit({ deviceId: config.id, result, at: now().toISOString() });
            return result;
          },
        };
      }
      case 'camera':
        return createCamera(config);
      case 'vendor-lib': {
        const { createVendorLibDevice } = await import('./vendor-lib/device');
        const device = createVendorLibDevice({ ...config, reconnect, now, startWorker: opts.startVendorWorker });
        // A card read through the library is a card reader's event: identity takes it unchanged.
        device.onEvent((e) => (e.type === 'ec-voucher' || e.type === 'ec-error' ? ecVouchers.emit({ ...e, deviceId: config.id }) : cards.emit({ ...e, deviceId: config.id })));
        const kind = vendorHealthKind(config.interface);
        return { id: config.id, kind, config, start: device.start, stop: device.stop, health: device.health, onHealth: device.onHealth, identifyStepReached: device.identifyStepReached };
      }
    }
  }

  function lazyRecording(config: ParsedConfig): () => Promise<RecordedChunk[]> {
    let chunks: Promise<RecordedChunk[]> | null = null;
    return () => {
      if (!('transport' in config) || config.transport.type !== 'replay') return Promise.reject(new Error('not a replay device'));
      const file = join(opts.fixturesDir, config.transport.fixture);
      chunks ??= import('./transport/replay').then((m) => m.readRecording(file));
      // A failed read is retried at the next open (hospital IT may be copying the file in).
      chunks.catch(() => (chunks = null));
      return chunks;
    };
  }

  async function createCamera(config: Extract<ParsedConfig, { kind: 'camera' }>): Promise<Managed> {
    const [{ createFrameSource, playFixtureFrames }, { createQrFramePipeline }] = await Promise.all([import('./camera/frame'), import('./camera/qr-decode')]);
    const book = createHealthBook(config.id, 'camera');
    let source: FrameSource | null = null;
    let stop: AbortController | null = null;
    let last: { text: string; at: number } | null = null;
    const fail = (message: string) => book.recordError(message, 'error');

    // zxing-wasm first, the JS decoders within the frame's budget, unchanged frames skipped.
    const pipeline = createQrFramePipeline(config.source.type === 'frames' ? { budgetMs: Math.floor(1000 / config.source.fps) } : {});

    async function consume(frames: FrameSource): Promise<void> {
      for await (const frame of frames.frames()) {
        book.dataAt(now());
        let hit: QrDecodeResult | null;
        try {
          hit = await pipeline.decode(frame);
        } catch (error) {
          fail(`decode failed: ${describeError(error)}`);
          continue;
        }
        if (!hit) continue;
        const at = now();
        if (last && last.text === hit.text && at.getTime() - last.at < config.repeatMs) {
          last.at = at.getTime();
          continue;
        }
        last = { text: hit.text, at: at.getTime() };
        scans.emit({ type: 'scan', text: hit.text, kind: classify(hit.text), at: at.toISOString(), deviceId: config.id, source: 'camera' });
      }
    }

    return {
      id: config.id,
      kind: 'camera',
      config,
      async start() {
        if (source) return;
        const frames = createFrameSource();
        frames.onFrame(frameListeners.emit);
        source = frames;
        stop = new AbortController();
        void consume(frames);
        book.setState('ready');
        if (config.source.type === 'frames') {
          const files = config.source.files.map((f) => join(opts.fixturesDir, f));
          void playFixtureFrames(frames, files, { fps: config.source.fps, loop: config.source.loop, signal: stop.signal }).catch((error: unknown) =>
            fail(`frames: ${describeError(error)}`),
          );
        }
      },
      async stop() {
        stop?.abort();
        source?.stop();
        source = null;
        book.setState('closed');
      },
      health: book.health,
      onHealth: book.onHealth,
      pushFrame(frame) {
        source?.push(frame);
      },
      // A code already in view as the step opens (held up while the screen changed, or left there
      // from a code read before the step) was read and dropped as a repeat, and its unchanged frames
      // are skipped: both are forgotten, so the next frame is read and its code sent.
      identifyStepReached() {
        last = null;
        pipeline.reset();
      },
    };
  }

  function brokenDevice(id: string, kind: DeviceHealth['kind'], message: string): Managed {
    const health: DeviceHealth = { id, kind, state: 'error', lastDataAt: null, errorCount: 1, lastError: message.slice(0, 200) };
    return {
      id,
      kind,
      config: { id, kind: 'printer', transport: { type: 'sim' } },
      start: async () => {},
      stop: async () => {},
      health: () => health,
      onHealth: () => () => {},
    };
  }

  /** A replayed device between plays is idle, not broken: report it ready. */
  function replayAware(d: Managed): DeviceHealth {
    const health = d.health();
    if (started && 'transport' in d.config && d.config.transport.type === 'replay' && health.state === 'closed') return { ...health, state: 'ready' };
    return health;
  }

  const playsOnIdentify = (d: Managed) => 'transport' in d.config && d.config.transport.type === 'replay' && d.config.transport.playOn === 'identify';

  function pick<K extends 'print' | 'readPin'>(method: K, deviceId?: string): Managed | undefined {
    return devices.find((d) => d[method] && (deviceId === undefined || d.id === deviceId));
  }

  return {
    async start() {
      if (started) return;
      started = true;
      // allSettled: one device throwing in start (it should not) must not take the others down.
      const results = await Promise.allSettled(devices.filter((d) => !playsOnIdentify(d)).map((d) => d.start()));
      for (const r of results) if (r.status === 'rejected') console.error(`device start failed: ${describeError(r.reason)}`);
    },
    async stop() {
      started = false;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled(devices.map((d) => d.stop()));
    },
    health: () => devices.map(replayAware),
    onHealth: healthListeners.add,
    onScan: scans.add,
    onCard: cards.add,
    onIdCard: idCards.add,
    onEcVoucher: ecVouchers.add,
    onPrint: prints.add,
    async print(items, deviceId) {
      const printer = pick('print', deviceId);
      if (!printer?.print) return { ok: false, reason: 'not-ready', detail: deviceId ? `no printer ${deviceId}` : 'no printer configured' };
      return printer.print(items);
    },
    async readPin(timeoutS, deviceId) {
      const reader = pick('readPin', deviceId);
      if (!reader?.readPin) return { type: 'unavailable', detail: 'no card reader configured' };
      return reader.readPin(timeoutS);
    },
    pushFrame(deviceId, frame) {
      devices.find((d) => d.id === deviceId)?.pushFrame?.(frame);
    },
    pushHostFrame(frame) {
      let took = 0;
      for (const d of devices) {
        if (d.config.kind !== 'camera' || d.config.source.type !== 'push' || !d.pushFrame) continue;
        d.pushFrame(frame);
        took++;
      }
      return took;
    },
    onFrame: frameListeners.add,
    identifyStepReached() {
      if (!started) return;
      for (const d of devices) {
        d.identifyStepReached?.();
        if (!playsOnIdentify(d) || d.config.kind === 'camera' || d.config.kind === 'printer' || d.config.kind === 'vendor-lib') continue;
        const delayMs = d.config.transport.type === 'replay' ? d.config.transport.delayMs : 0;
        // A simulated patient holds a phone up (or puts a card down) a moment after the screen asks.
        const timer = setTimeout(() => {
          timers.delete(timer);
          void d.stop().then(() => (started ? d.start() : undefined));
        }, delayMs);
        timers.add(timer);
      }
    },
  };
}

const KINDS: ReadonlyArray<DeviceHealth['kind']> = ['qr-scanner', 'card-reader', 'id-card', 'camera', 'printer'];

/** Health must carry a kind the API knows; a misspelt kind shows as the most common device. */
function knownKind(kind: unknown, fields: Record<string, unknown> = {}): DeviceHealth['kind'] {
  if (kind === 'vendor-lib') return vendorHealthKind(fields['interface']);
  return KINDS.find((k) => k === kind) ?? 'qr-scanner';
}

/**
 * A transport made on first open (reading its fixture), so a missing fixture is an open failure the
 * lifecycle reports and retries, like a missing port.
 */
function lazyTransport(description: string, make: () => Promise<ByteTransport>): ByteTransport {
  const data = createListeners<Uint8Array>();
  const closed = createListeners<Error | null>();
  let inner: ByteTransport | null = null;
  return {
    description,
    async open() {
      if (!inner) {
        const made = await make();
        made.onData((c) => data.emit(c));
        made.onClose((r) => closed.emit(r));
        inner = made;
      }
      await inner.open();
    },
    async close() {
      await inner?.close();
    },
    async write(bytes) {
      if (!inner) throw new Error(`${description} not open`);
      await inner.write(bytes);
    },
    onData: data.add,
    onClose: closed.add,
  };
}
