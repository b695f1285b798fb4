// A simulated ESC/POS printer on the device end of a pty pair: it decodes what the terminal sends
// (text, QR codes, cuts), answers DLE EOT from its paper and cover state, and keeps what it printed
// so tests and hospital IT can see the slip.
import { SerialPort } from 'serialport';
import { createEscPosDecoder, encodeStatus, type PrinterInput, type PrinterStatus } from './escpos';

export interface SimPrinter {
  state: PrinterStatus;
  readonly printed: PrinterInput[];
  close(): Promise<void>;
}

export async function serveSimPrinterOnPort(path: string, opts: { baudRate?: number; state?: Partial<PrinterStatus> } = {}): Promise<SimPrinter> {
  const port = new SerialPort({ path, baudRate: opts.baudRate ?? 115200, autoOpen: false });
  port.on('error', () => {});
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const decoder = createEscPosDecoder();
  const printer: SimPrinter = {
    state: { coverOpen: false, paperOut: false, paperNearEnd: false, ...opts.state },
    printed: [],
    async close() {
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
  port.on('data', (chunk: Buffer) => {
    for (const input of decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
      if (input.type === 'status-request') port.write(Buffer.of(encodeStatus(input.n, printer.state)));
      // A printer with no paper or an open cover prints nothing.
      else if (!printer.state.paperOut && !printer.state.coverOpen) printer.printed.push(input);
    }
  });
  return printer;
}
