// The HID report decoder under fuzzing, for the tests and the bench: reports are whole (node-hid
// delivers one report a read), so the byte-stream fuzzer's chunking does not apply; any report of
// any length and content must give bytes and at most a typed message, and a scan typed after
// garbage (once the keys are up) must come out whole.
import fc from 'fast-check';
import { checkProperties, HANG_MS, timed, type FuzzResult } from './codec-fuzz';
import { createHidReportDecoder, encodeKeyboardReports, encodePosReports, type HidDecodeResult, type HidReportMode } from '../../transport/hid-reports';

const typed = (r: HidDecodeResult) => r.bytes instanceof Uint8Array && (r.error === undefined || (typeof r.error === 'string' && r.error.length < 200));

function decodeAll(mode: HidReportMode, reports: Uint8Array[], reportId?: number): Uint8Array {
  const decoder = createHidReportDecoder(mode, { reportId });
  const out: number[] = [];
  for (const report of reports) {
    const result = timed('one HID report', HANG_MS, () => decoder.push(report));
    if (!typed(result)) throw new Error(`untyped result ${JSON.stringify(result)}`);
    for (const b of result.bytes) out.push(b);
  }
  return Uint8Array.from(out);
}

// Characters a US-layout scanner types: what 医保码, pay codes and barcodes are made of.
const scanText = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_:/'), minLength: 1, maxLength: 120 });
const reports = fc.array(fc.uint8Array({ maxLength: 72 }), { maxLength: 40 });
const mode = fc.constantFrom<HidReportMode>('keyboard', 'pos');

export function fuzzHidReports(numRuns: number, seed?: number): FuzzResult {
  return checkProperties(
    'hid-reports',
    [
      fc.property(mode, reports, fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }), (m, rs, reportId) => {
        decodeAll(m, rs, reportId);
      }),
      fc.property(reports, scanText, (garbage, text) => {
        // All keys up between the garbage and the scan, as a scanner's first report is.
        const bytes = decodeAll('keyboard', [...garbage, new Uint8Array(8), ...encodeKeyboardReports(text)]);
        const tail = new TextDecoder().decode(bytes.subarray(bytes.length - text.length - 2));
        if (tail !== `${text}\r\n`) throw new Error('scan after garbage reports not typed whole');
      }),
      fc.property(reports, scanText, (garbage, text) => {
        const payload = new TextEncoder().encode(`${text}\r\n`);
        const bytes = decodeAll('pos', [...garbage, ...encodePosReports(payload)]);
        const tail = bytes.subarray(bytes.length - payload.length);
        if (!tail.every((b, i) => b === payload[i])) throw new Error('pos payload after garbage reports not passed whole');
      }),
    ] as Array<fc.IProperty<unknown>>,
    numRuns,
    seed,
  );
}
