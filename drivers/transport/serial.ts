// A serial port (USB-serial scanners, card readers, the ID card SAM) behind ByteTransport.
// Each open() makes a fresh SerialPort so a port that vanished and came back opens cleanly.
import { SerialPort } from 'serialport';
import type { ByteTransport } from './types';
import { createListeners } from './listeners';

export function createSerialTransport(opts: { path: string; baudRate: number }): ByteTransport {
  const data = createListeners<Uint8Array>();
  const closed = createListeners<Error | null>();
  let port: SerialPort | null = null;

  return {
    description: `serial:${opts.path}`,

    open() {
      if (port) return Promise.reject(new Error(`serial:${opts.path} already open`));
      const current = new SerialPort({ path: opts.path, baudRate: opts.baudRate, autoOpen: false });
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
        closed.emit(error ?? (unasked ? new Error(`serial:${opts.path} closed by the system`) : null));
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
      if (!current) return Promise.reject(new Error(`serial:${opts.path} not open`));
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
