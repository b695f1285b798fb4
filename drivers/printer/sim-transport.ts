// The `sim` printer transport of a devices entry: a demo kiosk's printer with paper, in-process.
import type { ByteTransport } from '../transport/types';
import { createListeners } from '../transport/listeners';
import { createEscPosDecoder, encodeStatus } from './escpos';

/** An ESC/POS printer in-process: answers status (paper in, cover shut) and prints into the void. */
export function createSimPrinterTransport(): ByteTransport {
  const data = createListeners<Uint8Array>();
  const closed = createListeners<Error | null>();
  let open = false;
  let decoder = createEscPosDecoder();
  const state = { coverOpen: false, paperOut: false, paperNearEnd: false };
  return {
    description: 'sim-printer',
    async open() {
      open = true;
      decoder = createEscPosDecoder();
    },
    async close() {
      if (!open) return;
      open = false;
      closed.emit(null);
    },
    async write(bytes) {
      if (!open) throw new Error('sim-printer not open');
      for (const input of decoder.push(bytes)) {
        if (input.type === 'status-request') {
          const answer = Uint8Array.of(encodeStatus(input.n, state));
          setImmediate(() => open && data.emit(answer));
        }
      }
    },
    onData: data.add,
    onClose: closed.add,
  };
}
