// The keyboard-wedge burst detector under fuzzing, for the tests and the bench: any key sequence at
// any times (out of order too: renderer clocks jump) gives only scan/typed results with bounded
// text, and a scanner's burst after a person's slow typing is still told apart as one scan.
import fc from 'fast-check';
import { checkProperties, HANG_MS, timed, type FuzzResult } from './codec-fuzz';
import { createWedgeDetector, type KeyInput, type WedgeResult } from '../../keyboard-wedge/burst';

const MAX_LENGTH = 512;
const KINDS = new Set(['ec-qr', 'pay-code', 'hospital-barcode', 'unknown']);
const typed = (r: WedgeResult) =>
  (r.type === 'typed' && typeof r.text === 'string' && r.text.length <= MAX_LENGTH) ||
  (r.type === 'scan' && typeof r.text === 'string' && r.text.length <= MAX_LENGTH && KINDS.has(r.kind));

const key = fc.oneof(
  fc.string({ minLength: 1, maxLength: 2 }),
  fc.constantFrom('Enter', 'Shift', 'Tab', 'Backspace', 'Dead', 'Unidentified', ''),
);
const keyInputs = fc.array(fc.record({ key, atMs: fc.oneof(fc.integer({ min: -1e6, max: 1e9 }), fc.double({ noNaN: false })) }), { maxLength: 700 });

function run(inputs: KeyInput[]): WedgeResult[] {
  const detector = createWedgeDetector({ maxLength: MAX_LENGTH });
  const out: WedgeResult[] = [];
  for (const input of inputs) {
    for (const r of timed('one key', HANG_MS, () => detector.push(input))) {
      if (!typed(r)) throw new Error(`untyped result ${JSON.stringify(r).slice(0, 200)}`);
      out.push(r);
    }
  }
  return out;
}

const code = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.'), minLength: 6, maxLength: 120 });

export function fuzzWedge(numRuns: number, seed?: number): FuzzResult {
  return checkProperties(
    'keyboard-wedge',
    [
      fc.property(keyInputs, (inputs) => {
        run(inputs);
      }),
      fc.property(fc.string({ unit: fc.constantFrom(...'abc xyz123'), maxLength: 30 }), fc.integer({ min: 60, max: 400 }), code, fc.integer({ min: 1, max: 12 }), (human, humanGap, scan, scanGap) => {
        const inputs: KeyInput[] = [];
        let t = 1000;
        for (const ch of human) inputs.push({ key: ch, atMs: (t += humanGap) });
        t += humanGap;
        for (const ch of scan) inputs.push({ key: ch, atMs: (t += scanGap) });
        inputs.push({ key: 'Enter', atMs: t + scanGap });
        const last = run(inputs).at(-1);
        if (last?.type !== 'scan' || last.text !== scan) throw new Error('a burst after slow typing was not one scan');
      }),
    ] as Array<fc.IProperty<unknown>>,
    numRuns,
    seed,
  );
}
