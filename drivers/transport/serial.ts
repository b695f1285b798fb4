// A serial port (USB-serial scanners, card readers, the ID card SAM) behind ByteTransport.
// Each open() makes a fresh SerialPort so a port that vanished and came back opens cleanly.
import { SerialPort } from 'serialport';
import type { ByteTransport } from './types';
import { createListeners } from './listeners';

/** A USB-serial adapter by what it is rather than where the OS put it: /dev/ttyUSB0 becomes
 * ttyUSB1 after a replug or a reboot with two adapters, and a kiosk must find its reader again. */
export interface UsbSerialId {
  vendorId: number;
  productId: number;
  /** Tells two adapters of one model apart. */
  serialNumber?: string;
}

export interface SerialPortInfo {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

/** The one port that is this adapter; an error that says why when none or several are. */
export function findUsbSerialPort(id: UsbSerialId, ports: readonly SerialPortInfo[]): string {
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  const matches = ports.filter(
    (p) =>
      p.vendorId !== undefined &&
      p.productId !== undefined &&
      parseInt(p.vendorId, 16) === id.vendorId &&
      parseInt(p.productId, 16) === id.productId &&
      (id.serialNumber === undefined || p.serialNumber === id.serialNumber),
  );
  const what = `USB serial ${hex(id.vendorId)}:${hex(id.productId)}${id.serialNumber ? ` #${id.serialNumber}` : ''}`;
  if (matches.length === 0) throw new Error(`${what} is not connected`);
  if (matches.length > 1) throw new Error(`${what} matches ${matches.length} ports: set serialNumber`);
  return matches[0]!.path;
}

export function createSerialTransport(opts: {
  path?: string;
  usb?: UsbSerialId;
  baudRate: number;
  /** The OS's port list (SerialPort.list); tests hand in their own, since ptys are not listed. */
  listPorts?: () => Promise<SerialPortInfo[]>;
}): ByteTransport {
  const data = createListeners<Uint8Array>();
  const closed = createListeners<Error | null>();
  let port: SerialPort | null = null;
  if (!opts.path && !opts.usb) throw new Error('serial transport needs a path or a USB vendor/product id');
  const name = opts.path ?? `usb:${opts.usb!.vendorId.toString(16)}:${opts.usb!.productId.toString(16)}`;
  const listPorts = opts.listPorts ?? (() => SerialPort.list());
  // Looked up on every open, so a replugged adapter is found wherever it reappears.
  const resolvePath = async () => opts.path ?? findUsbSerialPort(opts.usb!, await listPorts());

  return {
    description: `serial:${name}`,

    async open() {
      if (port) throw new Error(`serial:${name} already open`);
      const current = new SerialPort({ path: await resolvePath(), baudRate: opts.baudRate, autoOpen: false });
      let closeReported = false;
      // Without an 'error' listener a stream error would crash the terminal; the close path reports it.
      current.on('error', () => {});
      current.on('data', (chunk: Buffer) => {
        data.emit(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      });
      current.on('close', (error?: Error & { disconnected?: boolean }) => {
        // close() forgets the port first, so a close while it is still ours was not asked for: a
        // hangup can come without an error, and reporting null would read as our own close.
        const unasked = port === current;
        if (unasked) port = null;
        if (closeReported) return;
        closeReported = true;
        closed.emit(error ?? (unasked ? new Error(`serial:${name} closed by the system`) : null));
      });
      return new Promise<void>((resolve, reject) => {
        current.open((error) => {
          if (error) {
            closeReported = true;
            reject(error);
            return;
          }
          port = current;
          resolve();
        });
      });
    },

    close() {
      const current = port;
      port = null;
      if (!current || !current.isOpen) return Promise.resolve();
      return new Promise<void>((resolve) => {
        current.close(() => resolve());
      });
    },

    write(bytes) {
      const current = port;
      if (!current) return Promise.reject(new Error(`serial:${name} not open`));
      return new Promise<void>((resolve, reject) => {
        current.write(Buffer.from(bytes), (error) => {
          if (error) return reject(error);
          current.drain((drainError) => (drainError ? reject(drainError) : resolve()));
        });
      });
    },

    onData: data.add,
    onClose: closed.add,
  };
}
