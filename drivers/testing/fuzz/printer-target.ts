// The printer-side ESC/POS decoder under fuzzing, for the tests and the bench. ESC/POS has no frames
// to resynchronise on (a printer that got a broken command prints garbage too), so the properties
// are: any bytes in any chunking give only typed results and no hang; and a receipt decodes the same
// whole as cut anywhere, so a USB adapter's chunking never changes a slip.
import fc from 'fast-check';
import { checkProperties, HANG_MS, timed, type FuzzResult } from './codec-fuzz';
import { createEscPosDecoder, encodeReceipt, type PrintItem, type PrinterInput } from '../../printer/escpos';

const TYPES = new Set(['text', 'qr', 'cut', 'status-request', 'error']);

function decode(chunks: Uint8Array[]): PrinterInput[] {
  const decoder = createEscPosDecoder();
  const out: PrinterInput[] = [];
  for (const chunk of chunks) {
    for (const e of timed(`one push of ${chunk.length} bytes`, HANG_MS, () => decoder.push(chunk))) {
      if (!TYPES.has(e.type)) throw new Error(`untyped output ${JSON.stringify(e).slice(0, 200)}`);
      out.push(e);
    }
  }
  return out;
}

function cut(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

const item: fc.Arbitrary<PrintItem> = fc.oneof(
  fc.record({ type: fc.constant('text' as const), text: fc.string({ maxLength: 40 }), align: fc.constantFrom('left' as const, 'center' as const, 'right' as const), bold: fc.boolean() }),
  fc.record({ type: fc.constant('qr' as const), data: fc.string({ minLength: 1, maxLength: 80 }) }),
  fc.record({ type: fc.constant('feed' as const), lines: fc.integer({ min: 0, max: 5 }) }),
  fc.constant({ type: 'cut' as const }),
);
const cuts = fc.array(fc.nat({ max: 4096 }), { maxLength: 8 });

export function fuzzEscPos(numRuns: number, seed?: number): FuzzResult {
  return checkProperties(
    'escpos',
    [
      fc.property(fc.uint8Array({ maxLength: 2048 }), cuts, (bytes, at) => {
        decode(cut(bytes, at));
      }),
      fc.property(fc.array(item, { maxLength: 8 }), cuts, fc.nat(), fc.integer({ min: 0, max: 7 }), (items, at, flipAt, bit) => {
        // A flipped bit anywhere in a real receipt: still only typed output.
        const bytes = encodeReceipt(items);
        if (bytes.length > 0) bytes[flipAt % bytes.length]! ^= 1 << bit;
        decode(cut(bytes, at));
      }),
      fc.property(fc.array(item, { maxLength: 8 }), cuts, (items, at) => {
        const bytes = encodeReceipt(items);
        const whole = JSON.stringify(decode([bytes]));
        if (JSON.stringify(decode(cut(bytes, at))) !== whole) throw new Error('a receipt decodes differently when cut');
      }),
    ] as Array<fc.IProperty<unknown>>,
    numRuns,
    seed,
  );
}
