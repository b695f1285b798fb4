// A USB HID device behind ByteTransport: a scanner (keyboard mode or HID POS data mode) or a reader
// that carries its serial framing in reports (framed mode). node-hid's reports go through the pure
// report decoder (hid-reports.ts) and come out as the bytes the serial version would send, so each
// device's codec, framing and errors are one code path for serial and HID.
// Opening the hidraw node claims the reports; in keyboard mode the kernel may still type the same
// keys into the focused window, so a kiosk turns the scanner's keyboard interface off in X/udev.
import type { ByteTransport } from './types';
import { createListeners } from './listeners';
import { createHidReportDecoder, encodeFramedWrites, type HidReportMode } from './hid-reports';

/** The part of node-hid's HIDAsync this transport uses. */
export interface HidDeviceHandle {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeAllListeners(event?: string): unknown;
  close(): Promise<void>;
  write(values: number[] | Buffer): Promise<number>;
}

export type HidTarget = { path: string } | { vendorId: number; productId: number };

/** How a HID device is opened: node-hid's HIDAsync.open by default, a recorded device in replay. */
export type HidOpener = (target: HidTarget) => Promise<HidDeviceHandle>;

export interface HidTransportOptions {
  vendorId?: number;
  productId?: number;
  /** The hidraw path (node-hid's `devices()[i].path`): picks one of several identical scanners or interfaces. */
  path?: string;
  mode: HidReportMode;
  reportId?: number;
  /** framed mode: the device's report size in bytes (without the report ID); 64 for full-speed USB. */
  reportSize?: number;
  open?: HidOpener;
  description?: string;
  /** A report the decoder could not read; says what, never the report's bytes. */
  onReportError?: (message: string) => void;
}

export const openNodeHid: HidOpener = async (target) => {
  // Loaded on first open so a machine without the native module still runs every other device.
  const { HIDAsync } = await import('node-hid');
  return 'path' in target ? HIDAsync.open(target.path) : HIDAsync.open(target.vendorId, target.productId);
};

export function hidTarget(opts: { vendorId?: number; productId?: number; path?: string }): HidTarget {
  if (opts.path) return { path: opts.path };
  if (opts.vendorId === undefined || opts.productId === undefined) throw new Error('a HID device needs a path or vendorId and productId');
  return { vendorId: opts.vendorId, productId: opts.productId };
}

const hex4 = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');

export function createHidTransport(opts: HidTransportOptions): ByteTransport {
  const target = hidTarget(opts);
  const openDevice = opts.open ?? openNodeHid;
  const decoder = createHidReportDecoder(opts.mode, { reportId: opts.reportId });
  const data = createListeners<Uint8Array>();
  const closed = createListeners<Error | null>();
  const description = opts.description ?? ('path' in target ? `hid:${target.path}` : `hid:${hex4(opts.vendorId)}:${hex4(opts.productId)}`);
  let device: HidDeviceHandle | null = null;
  let opening = false;

  function gone(current: HidDeviceHandle, reason: Error | null): void {
    if (device !== current) return;
    device = null;
    current.removeAllListeners('data');
    // The error listener stays: a closed handle may still report, and an unheard 'error' would throw.
    closed.emit(reason);
  }

  return {
    description,
    async open() {
      if (device || opening) throw new Error(`${description} already open`);
      opening = true;
      let current: HidDeviceHandle;
      try {
        current = await openDevice(target);
      } finally {
        opening = false;
      }
      decoder.reset();
      device = current;
      current.on('data', (report: Buffer) => {
        if (device !== current) return;
        const result = decoder.push(new Uint8Array(report.buffer, report.byteOffset, report.byteLength));
        if (result.error) opts.onReportError?.(result.error);
        if (result.bytes.length > 0) data.emit(result.bytes);
      });
      // node-hid reports a pulled device as a read error: that is the cable gone.
      current.on('error', (error: unknown) => {
        if (device !== current) return;
        gone(current, error instanceof Error ? error : new Error(String(error)));
        void current.close().catch(() => {});
      });
    },
    async close() {
      const current = device;
      if (!current) return;
      gone(current, null);
      await current.close().catch(() => {});
    },
    async write(bytes) {
      if (!device) throw new Error(`${description} not open`);
      if (opts.mode !== 'framed') {
        await device.write(Buffer.from(bytes));
        return;
      }
      // A request longer than one report goes as several, in order, as the reader reassembles it.
      for (const report of encodeFramedWrites(bytes, { reportSize: opts.reportSize, reportId: opts.reportId })) await device.write(Buffer.from(report));
    },
    onData: data.add,
    onClose: closed.add,
  };
}
